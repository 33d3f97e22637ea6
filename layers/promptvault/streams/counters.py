"""The counters consumer's Lambda entry: every count derived from entity items, applied
exactly once.

Each batch is planned by the counter rules (``streams/counter_rules.py``: which record moves
which counter by how much), then applied by the exactly-once protocol
(``streams/exactly_once.py``) through the table store (``streams/counter_store.py``): one
conditional update per counter item per batch. See docs/streams.md.
"""

from __future__ import annotations

from typing import Any

from promptvault.streams.counter_rules import CounterPlan
from promptvault.streams.counter_store import default_store
from promptvault.streams.exactly_once import CounterStore, apply_batch
from promptvault.streams.records import partial_batch

_store: CounterStore | None = None


def handle(event: dict[str, Any], _context: Any = None, store: CounterStore | None = None) -> Any:
    """Lambda entry: partial batch response, one conditional update per counter item per batch."""
    global _store
    if store is None:
        _store = _store or default_store()
        store = _store
    plan = CounterPlan()
    chosen = store
    return partial_batch(
        event.get("Records") or [], plan.add, lambda: apply_batch(chosen, plan.pending)
    )
