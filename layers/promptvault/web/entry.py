"""The Lambda entry point of every HTTP function.

A handler module is two lines: ``handler = entry("prompts_create")``. The handler is built at
import, which is Lambda's init phase (decision 2): the resolver with this function's one
route, its models, the table connection and the clients its route uses. Provisioned
concurrency and SnapStart pre-pay init, never a first request. SnapStart's hooks
(core/snapshot.py) keep the server secret out of the snapshot and renew randomness,
connections and the JWKS cache in every restored sandbox.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

# The layer ships no pydantic plugin; without this pydantic scans every installed
# distribution's entry points for one when it builds the first model (~20 ms of init).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from promptvault.core import snapshot
from promptvault.web.handler_factory import build_handler

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def entry(function: str) -> Handler:
    """The function's handler, built now."""
    handler: Handler = build_handler(function)
    handler.__qualname__ = f"{function}.handler"
    snapshot.install()
    return handler
