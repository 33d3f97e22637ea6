"""Domain events onto the stage's EventBridge bus: batched PutEvents, failed entries retried.

PutEvents takes up to 10 entries (and 256 KB) per call and answers per entry: a throttled or
failed entry is sent again (with backoff, a bounded number of times), and the events still
failing after that are returned so the stream consumer reports their records as failed
(Lambda retries them; the ids are stable, so the consumers deduplicate).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from promptvault.core import aws
from promptvault.core.settings import get_settings
from promptvault.events.catalogue import SOURCE, Envelope

MAX_ENTRIES = 10  # PutEvents' limit per call
ATTEMPTS = 3
BACKOFF_SECONDS = 0.1


def entry(event: Envelope) -> dict[str, str]:
    return {
        "Source": SOURCE,
        "DetailType": event.type,
        "Detail": json.dumps(event.model_dump(mode="json", by_alias=True), separators=(",", ":")),
        "EventBusName": get_settings().event_bus_name,
        "Time": event.occurred_at,  # type: ignore[dict-item]  # botocore parses ISO 8601
    }


def publish(events: Sequence[Envelope], *, sleep: float = BACKOFF_SECONDS) -> list[Envelope]:
    """Put every event on the bus; the events that still failed after the retries."""
    failed: list[Envelope] = []
    for start in range(0, len(events), MAX_ENTRIES):
        failed.extend(_put_chunk(list(events[start : start + MAX_ENTRIES]), sleep))
    return failed


def _put_chunk(chunk: list[Envelope], sleep: float) -> list[Envelope]:
    client = aws.client("events")
    pending = chunk
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(sleep * 2 ** (attempt - 1))
        reply = client.put_events(Entries=[entry(event) for event in pending])
        if not reply.get("FailedEntryCount"):
            return []
        # entries answer in order; a failed one carries an ErrorCode
        pending = [
            event
            for event, result in zip(pending, reply["Entries"], strict=True)
            if result.get("ErrorCode")
        ]
    return pending
