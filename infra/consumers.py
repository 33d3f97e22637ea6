"""The table-stream consumers: add one row here (and its ``functions/<package>/``) to deploy it.

Each consumer gets its own function and role (from ``access``, the same vocabulary as the
route catalogue), an event source mapping with partial-batch failures, bisect on error,
bounded retries and age, and the stage's shared on-failure queue. None exist yet: the search
indexer, counters and notifier arrive with their issue, so the streams stack (and its queue
and alarms) is only created once this tuple has a row; no placeholder functions are deployed.
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


CONSUMERS: tuple[StreamConsumer, ...] = ()
