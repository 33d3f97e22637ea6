"""The events consumer's Lambda entry: table changes in, domain events on the bus.

Each record becomes its events (``streams/domain_events.py``); the batch's events go out in as few
PutEvents calls as they fit (``events/publish.py``); the records whose events still failed
are reported in ``batchItemFailures``, so Lambda retries from the first of them. Delivery
downstream is at-least-once: every event carries its stable id and every consumer skips an
id it has handled.
"""

from __future__ import annotations

from typing import Any

from promptvault.events.catalogue import Envelope
from promptvault.events.publish import publish
from promptvault.streams.domain_events import events_of
from promptvault.streams.records import Change, partial_batch


class _Batch:
    def __init__(self) -> None:
        self.events: list[tuple[str, Envelope]] = []  # (record sequence, event)

    def add(self, change: Change) -> None:
        for event in events_of(change):
            self.events.append((change.sequence, event))

    def flush(self) -> set[str]:
        if not self.events:
            return set()
        failed = {event.id for event in publish([event for _, event in self.events])}
        return {sequence for sequence, event in self.events if event.id in failed}


def handle(event: dict[str, Any], _context: Any = None) -> Any:
    """Lambda entry: partial batch response."""
    batch = _Batch()
    return partial_batch(event.get("Records") or [], batch.add, batch.flush)
