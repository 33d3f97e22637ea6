"""The table-stream consumers: add one row here (and its ``functions/<package>/``) to deploy it.

Each consumer gets its own function and role (from ``access``, the same vocabulary as the
route catalogue), an event source mapping with partial-batch failures, bisect on error,
bounded retries and age, and the stage's shared on-failure queue. The local runtime's stream
pump (infra/local/pump.py) reads the same rows: same filters, same batch sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
        return f"functions.{self.package}.handler.handler"


def _counted_filters() -> tuple[dict[str, Any], ...]:
    """Only the items a counter counts (by their ``type``, in either image): one filter per
    image, derived from the counters table, so a new counted entity needs no edit here."""
    from promptvault.streams.counters import counted_entities

    entities = sorted(counted_entities())
    return tuple(
        {"dynamodb": {image: {"type": {"S": entities}}}} for image in ("NewImage", "OldImage")
    )


# Prompt heads and their stats only: the indexer ignores every other item.
_INDEXED = (
    {"dynamodb": {"Keys": {"PK": {"S": [{"prefix": "PROMPT#"}]}, "SK": {"S": ["META", "STATS"]}}}},
)

CONSUMERS: tuple[StreamConsumer, ...] = (
    StreamConsumer(
        "stream_counters",
        "Engagement counters from ratings, bookmarks, forks, views and copies, exactly once",
        ("table:read", "table:write"),
        filters=_counted_filters(),
    ),
    StreamConsumer(
        "stream_indexer",
        "The search index from prompt heads and stats, with external versions",
        ("search:write",),
        filters=_INDEXED,
    ),
)
