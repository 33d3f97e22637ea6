"""The exactly-once apply protocol of the counters: lastEvents and processed-event markers.

For each counter item, a batch's records become one conditional update that ADDs the summed
deltas and keeps the digests of its events in ``lastEvents``; the events of the previous
update get their processed-event markers just before, so an applied event is always
findable and a redelivered one is skipped. No transaction: an item write costs 1 unit, not
2. The table operations go through a ``CounterStore`` (``streams/counter_store.py`` on
DynamoDB). See docs/streams.md, "Exactly once".

Counters never create their counter item (aggregates aside, below): the update is
conditional on the item existing (at the version read). A prompt's stats item is created with
the prompt and deleted with it, a profile with the account (follower and following counts
included: a follow's REMOVE after its account is gone is dropped); once gone it never comes
back (ids are never reused), so a record whose counter item is gone is dropped, counted as
applied: no retry, no poison, and no deleted prompt's counters or deleted account's profile
resurrected by a late ADD.

Aggregates (a tag's or a category's count of public prompts, a tag's uses per day) are the
exception: nothing else creates them, so a group with a ``seed`` that finds no item creates
it, on the condition that it still does not exist (``ABSENT``); two batches racing to create
it cannot both win, and the loser reads again and finds the item (and its ``lastEvents``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from promptvault.streams.counter_rules import Deltas, Key, Pending, Seed

DIGEST_BYTES = 12  # an event's identity on its counter item (96 bits: no collision in practice)
# Events per counter update: ``lastEvents`` holds their digests, and 40 x 12 bytes keeps a
# stats item under 1 KB, so each update is one write unit (tests/unit/test_counter_protocol.py).
MAX_EVENTS_PER_UPDATE = 40
MAX_ATTEMPTS = 8  # optimistic retries while other shards' batches move the same counter item
ABSENT = -1  # the version of an aggregate counter item that does not exist yet


def event_digest(event_id: str) -> bytes:
    """What identifies a stream event on its counter item and in its marker's key."""
    return hashlib.sha256(event_id.encode()).digest()[:DIGEST_BYTES]


@dataclass(frozen=True, slots=True)
class CounterState:
    """A counter item as the consumer reads it (strongly consistent)."""

    version: int | None  # ``updates``; None on a profile no counter has moved yet
    last: frozenset[bytes]  # ``lastEvents``: the digests of the events its last update applied


class CounterStore(Protocol):
    """The four table operations the exactly-once protocol needs (see ``apply``)."""

    def read(self, target: Key) -> CounterState | None:
        """The counter item's version and last events (consistent); None when it is gone."""
        ...

    def marked(self, target: Key, digests: list[bytes]) -> set[bytes]:
        """Which of these events have a processed-event marker for this item (consistent)."""
        ...

    def mark(self, target: Key, digests: frozenset[bytes]) -> None:
        """Write their markers (idempotent Puts); raise unless every one is written."""
        ...

    def update(
        self,
        target: Key,
        target_type: str,
        totals: Deltas,
        expected: int | None,
        applied: list[bytes],
        seed: Seed | None = None,
    ) -> bool:
        """ADD the totals, ``updates`` + 1 and SET ``lastEvents`` = applied (and the seed's
        attributes), on the condition that the item exists at version ``expected`` (that it
        does not exist, when ``expected`` is ``ABSENT``); False when that condition failed."""
        ...


class CounterContention(RuntimeError):
    """Other batches kept moving the counter item: the records are reported and retried."""


def _totals(events: list[tuple[str, Deltas]]) -> Deltas:
    totals: Deltas = {}
    for _, deltas in events:
        for name, value in deltas.items():
            totals[name] = totals.get(name, 0) + value
    return totals


def apply(
    store: CounterStore,
    target: Key,
    target_type: str,
    events: list[tuple[str, Deltas]],
    seed: Seed | None = None,
) -> list[str]:
    """Apply the events' deltas to the counter item exactly once; the ids of the events that
    were skipped (applied before, or dropped because the counter item is gone).

    An event counts as applied when its digest is in the item's ``lastEvents`` (the events of
    its last update) or it has a marker. Each update first writes the markers of the events
    the item's previous update applied, then replaces ``lastEvents`` with its own, on the
    condition that the version it read is still current. So an applied event is always
    findable (in ``lastEvents``, or marked before it left them), an unapplied one never is,
    and two deliveries of one event racing each other cannot both win the condition. The
    item is read before the markers: an event applied and marked in between moved the
    version, and the update fails and reads again. One item write per update, one marker per
    event (docs/streams.md, "Exactly once").
    """
    digests = {event_id: event_digest(event_id) for event_id, _ in events}
    for _ in range(MAX_ATTEMPTS):
        state = store.read(target)
        if state is None and seed is not None:  # an aggregate's first count creates it
            state = CounterState(ABSENT, frozenset())
        if state is None:  # gone for good (deleted prompt or account): dropped
            return list(digests)
        fresh = [(eid, d) for eid, d in events if digests[eid] not in state.last]
        if fresh:
            marked = store.marked(target, [digests[eid] for eid, _ in fresh])
            fresh = [(eid, d) for eid, d in fresh if digests[eid] not in marked]
        if not fresh:
            return list(digests)
        if state.last:
            store.mark(target, state.last)
        applied = [digests[eid] for eid, _ in fresh]
        if store.update(target, target_type, _totals(fresh), state.version, applied, seed):
            fresh_ids = {eid for eid, _ in fresh}
            return [eid for eid in digests if eid not in fresh_ids]
    raise CounterContention(f"{target} kept moving for {MAX_ATTEMPTS} attempts")


def apply_batch(store: CounterStore, pending: dict[Key, Pending]) -> set[str]:
    """Apply a batch's plan, ``MAX_EVENTS_PER_UPDATE`` events per update; the sequence
    numbers of the records whose counter item failed (reported, so Lambda retries them)."""
    failed: set[str] = set()
    for target, group in pending.items():
        items = list(group.events.items())
        for start in range(0, len(items), MAX_EVENTS_PER_UPDATE):
            chunk = items[start : start + MAX_EVENTS_PER_UPDATE]
            try:
                events = [(e, d) for e, (_, d) in chunk]
                apply(store, target, group.target_type, events, group.seed)
            except Exception:
                from aws_lambda_powertools import Logger

                Logger(service="promptvault").exception("counter update failed", target=target)
                failed.update(seq for _, (seq, _) in chunk)
    return failed
