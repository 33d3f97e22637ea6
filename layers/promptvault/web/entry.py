"""The Lambda entry point of every HTTP function.

A handler module is two lines: ``handler = lazy_entry("prompts_create")``. The heavy
imports (Powertools resolver, pydantic, pynamodb) happen on the first request, so a
function's import stays near the cost of boto3 alone; the measurement is in bench/.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

_built: dict[str, Handler] = {}


def lazy_entry(function: str) -> Handler:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        built = _built.get(function)
        if built is None:
            from promptvault.web.handler_factory import build_handler

            built = _built[function] = build_handler(function)
        return built(event, context)

    handler.__qualname__ = f"{function}.handler"
    return handler
