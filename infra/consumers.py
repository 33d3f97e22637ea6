"""The table-stream consumers, as CDK deploys them and the local stream pump runs them.

The consumers are the catalogue's ``dynamodb:stream`` triggers (promptvault/catalogue.py): add
a row there (and its ``functions/<package>/``) to deploy one. This module only turns a row's
product words into AWS shapes: ``records`` into Lambda event filter patterns. Each consumer
gets its own function and role (from ``access``, the same vocabulary as the routes), an event
source mapping with partial-batch failures, bisect on error, bounded retries and age, and the
stage's shared on-failure queue. The local runtime's stream pump (infra/local/pump.py) reads
the same rows: same filters, same batch sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, assert_never

from promptvault.catalogue import StreamRecords, Trigger, handler_path, stream_consumers


@dataclass(frozen=True, slots=True)
class StreamConsumer:
    package: str  # functions/<package>/handler.py
    summary: str
    access: tuple[str, ...] = ()
    batch_size: int | None = None  # None: the stage default
    # DynamoDB stream event filter patterns (Lambda FilterCriteria), e.g. only prompt heads.
    filters: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def handler(self) -> str:
        return handler_path(self.package)


def _counted_filters() -> tuple[dict[str, Any], ...]:
    """Only the items a counter counts (by their ``type``, in either image): one filter per
    image, derived from the counters table, so a new counted entity needs no edit here."""
    from promptvault.streams.counter_rules import counted_entities

    entities = sorted(counted_entities())
    return tuple(
        {"dynamodb": {image: {"type": {"S": entities}}}} for image in ("NewImage", "OldImage")
    )


# Prompt heads and their stats only: the indexer ignores every other item.
_PROMPT_HEADS = (
    {"dynamodb": {"Keys": {"PK": {"S": [{"prefix": "PROMPT#"}]}, "SK": {"S": ["META", "STATS"]}}}},
)


def _event_sources() -> tuple[dict[str, Any], ...]:
    """Only the changes events are made from (events/catalogue.py ``item`` and ``change``):
    the INSERTs of some items (their new image), the REMOVEs of others (their old image)."""
    from promptvault.events.catalogue import EVENTS

    images = {"INSERT": "NewImage", "REMOVE": "OldImage"}
    patterns = []
    for change, image in images.items():
        items = sorted({spec.item for spec in EVENTS if spec.change == change})
        if items:
            patterns.append({"eventName": [change], "dynamodb": {image: {"type": {"S": items}}}})
    return tuple(patterns)


def filters_for(records: StreamRecords | None) -> tuple[dict[str, Any], ...]:
    if records is None:
        return ()
    if records == "counted-items":
        return _counted_filters()
    if records == "prompt-heads":
        return _PROMPT_HEADS
    if records == "event-sources":
        return _event_sources()
    assert_never(records)


def consumer(trigger: Trigger) -> StreamConsumer:
    return StreamConsumer(
        trigger.function,
        trigger.summary,
        trigger.access,
        batch_size=trigger.batch_size,
        filters=filters_for(trigger.records),
    )


CONSUMERS: tuple[StreamConsumer, ...] = tuple(consumer(t) for t in stream_consumers())


def bus_name(prefix: str) -> str:
    """The stage's event bus: ``<prefix>-events`` (promptvault-<stage>-events)."""
    return f"{prefix}-events"


def event_pattern(trigger: Trigger) -> dict[str, Any]:
    """The EventBridge rule pattern that routes a trigger's events to its queue."""
    from promptvault.events.catalogue import SOURCE

    return {"source": [SOURCE], "detail-type": list(trigger.events)}
