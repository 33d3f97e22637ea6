"""The local runtime's fix to moto's EventBridge: a rule's target gets the event AWS sends.

What moto 5.2.5 does right, and the local bus relies on (``moto/events/models.py``):
``PutEvents`` builds the event (``version``, ``id``, ``detail-type``, ``source``, ``account``,
``time``, ``region``, ``resources``, ``detail``) and offers it to every rule of the named bus;
``EventPattern.matches_event`` matches a pattern's value lists the way AWS does (exact
values, any of the list, every key of the pattern must match, ``prefix``, ``anything-but``,
``exists``, ``numeric``, ``$or``, …); a matching rule's SQS target gets one ``SendMessage``
with the event as its body, in-process.

What it gets wrong, fixed here while installed: a target without an input transformer is
given the event through moto's *default template* (``EventTemplateParser``, ``utils.py``), a
string with ``<id>``, ``<detail>``, … placeholders filled in one after the other. So

- the body has no ``account`` (the default template leaves it out), and
- a placeholder spelled inside the event's own values is filled in too: a detail string
  ``"<source>"`` arrives as ``"promptvault"`` (the detail is substituted first).

AWS hands such a target the event itself. While installed, a target with no
``InputTransformer`` gets exactly that (the event's fields, in AWS's order; the ``time``
becomes ISO 8601 as before, in moto's SQS and logs targets). Targets with a transformer
(moto's archives use one) are left to moto. ``install()`` / ``uninstall()`` are counted,
like ``infra/local/moto_dynamodb.py``; the runtime installs it when it starts moto.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from moto.events.utils import EventTemplateParser

MOTO_VERSION = "5.2.5"  # what this fix was written against

# The fields of an EventBridge event, in the order AWS writes them.
EVENT_FIELDS = (
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
    "replay-name",
)

_state = threading.Lock()
_installs = 0
_original: Any = None


def _parse(input_template: str | None, input_paths_map: dict[str, Any], event: Any) -> Any:
    if not input_template and not input_paths_map:
        return {name: copy.deepcopy(event[name]) for name in EVENT_FIELDS if name in event}
    return _original(input_template, input_paths_map, event)


def install() -> None:
    """Fix moto (process-wide). Counted: each ``install()`` wants one ``uninstall()``."""
    global _installs, _original
    with _state:
        _installs += 1
        if _installs > 1:
            return
        _original = EventTemplateParser.parse
        EventTemplateParser.parse = staticmethod(_parse)  # type: ignore[method-assign,assignment]


def uninstall() -> None:
    """Undo one ``install()``; moto is itself again after the last one."""
    global _installs, _original
    with _state:
        if _installs == 0:
            return
        _installs -= 1
        if _installs:
            return
        EventTemplateParser.parse = staticmethod(_original)  # type: ignore[method-assign]
        _original = None


def installed() -> bool:
    return _installs > 0
