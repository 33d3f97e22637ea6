"""The functions the local runtime invokes for triggers: looked up by module path, lazily.

A trigger's function may not be written yet (the catalogue row can come first): then the
runtime starts anyway, logs a warning and leaves that trigger idle. Tests hand in their own
handlers instead (``Handlers({"events_notify": fake})``): no import is patched.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from promptvault.catalogue import function_module

log = logging.getLogger("promptvault.local")

Handler = Callable[[dict[str, Any], Any], Any]


def load_handler(function: str) -> Handler | None:
    """``functions.<function>.handler.handler``; None, with a warning, while that module does
    not exist. Any other import error is the function's own bug and is raised."""
    name = function_module(function)
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name not in {"functions", f"functions.{function}", name}:
            raise
        log.warning("functions/%s/handler.py does not exist yet: %s stays idle", function, function)
        return None
    handler: Handler = module.handler
    return handler


class Handlers:
    """Handlers by function name: the ones given, else the catalogue's, imported once."""

    def __init__(self, given: Mapping[str, Handler] | None = None) -> None:
        self._given = dict(given) if given is not None else None
        self._loaded: dict[str, Handler | None] = {}
        self._lock = threading.Lock()

    def get(self, function: str) -> Handler | None:
        if self._given is not None:
            return self._given.get(function)
        with self._lock:
            if function not in self._loaded:
                try:
                    self._loaded[function] = load_handler(function)
                except Exception:  # its module fails to import: logged once, left idle
                    log.exception("functions/%s cannot be imported: it stays idle", function)
                    self._loaded[function] = None
            return self._loaded[function]
