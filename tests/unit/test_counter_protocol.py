"""The counters' exactly-once protocol (streams/exactly_once.py ``apply``) at its crash points:
lost replies, a crash between marking and updating, two deliveries of one event racing each
other, redelivery long after, a gone counter item, contention; and what it writes."""

from __future__ import annotations

from typing import Any

import pytest

from bench.engagement import PricedTable, item_bytes
from promptvault.streams import exactly_once
from promptvault.streams.counter_rules import Deltas
from promptvault.streams.counter_store import marker_key
from tests.unit.test_streams_chaos import ModelTable

STATS = ("PROMPT#p_1", "STATS")


def _table() -> ModelTable:
    table = ModelTable()
    table.put({"PK": STATS[0], "SK": STATS[1], "type": "Stats", "ownerId": "u_1", "updates": 0})
    return table


def _views(*ids: str) -> list[tuple[str, Deltas]]:
    return [(event_id, {"views": 1}) for event_id in ids]


def _views_of(table: ModelTable) -> int:
    return int(table.items[STATS].get("views", 0))


class Crashing:
    """The store, failing once at one operation: before doing it, or after (done, no reply)."""

    def __init__(self, table: ModelTable, operation: str, after: bool) -> None:
        self.table, self.operation, self.after, self.fired = table, operation, after, False

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.table, name)

        def call(*args: Any) -> Any:
            if name != self.operation or self.fired:
                return method(*args)
            self.fired = True
            if not self.after:
                raise RuntimeError(f"crash before {name}")
            method(*args)
            raise RuntimeError(f"reply of {name} lost")

        return call


@pytest.mark.parametrize("operation", ["read", "marked", "mark", "update"])
@pytest.mark.parametrize("after", [False, True], ids=["before", "after"])
def test_a_crash_at_any_step_then_redelivery_counts_every_event_once(operation, after):
    table = _table()
    exactly_once.apply(table, STATS, "Stats", _views("e1", "e2"))  # so the next update marks them
    crashing = Crashing(table, operation, after)
    with pytest.raises(RuntimeError):
        exactly_once.apply(crashing, STATS, "Stats", _views("e3", "e4"))
    # Lambda retries the batch from its first record: everything comes again
    exactly_once.apply(crashing, STATS, "Stats", _views("e1", "e2", "e3", "e4"))
    exactly_once.apply(table, STATS, "Stats", _views("e4", "e3", "e1"))
    assert _views_of(table) == 4


def test_an_event_redelivered_after_many_later_updates_is_found_by_its_marker():
    table = _table()
    exactly_once.apply(table, STATS, "Stats", _views("first"))
    for n in range(5):
        exactly_once.apply(table, STATS, "Stats", _views(f"later{n}"))
    assert marker_key(STATS, exactly_once.event_digest("first")) in table.items
    assert exactly_once.apply(table, STATS, "Stats", _views("first", "new")) == ["first"]
    assert _views_of(table) == 7


def test_events_of_the_last_update_are_found_on_the_item_itself():
    table = _table()
    exactly_once.apply(table, STATS, "Stats", _views("a", "b"))
    assert marker_key(STATS, exactly_once.event_digest("a")) not in table.items
    assert table.items[STATS]["lastEvents"] == {exactly_once.event_digest(e) for e in "ab"}
    assert exactly_once.apply(table, STATS, "Stats", _views("b", "a")) == ["b", "a"]
    assert _views_of(table) == 2


class Racing:
    """A second delivery of the same events runs to completion between this one's read and
    its update (two invocations at once: a timed-out one still running, say)."""

    def __init__(self, table: ModelTable, events: list[tuple[str, Deltas]]) -> None:
        self.table, self.events, self.raced = table, events, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.table, name)

    def update(self, *args: Any) -> bool:
        if not self.raced:
            self.raced = True
            exactly_once.apply(self.table, STATS, "Stats", self.events)
        return self.table.update(*args)


def test_two_deliveries_of_one_event_racing_each_other_count_it_once():
    table = _table()
    exactly_once.apply(table, STATS, "Stats", _views("old"))
    events = _views("x", "y")
    assert exactly_once.apply(Racing(table, events), STATS, "Stats", events) == ["x", "y"]
    assert _views_of(table) == 3


def test_another_shard_moving_the_item_in_between_costs_a_retry_not_a_count():
    table = _table()

    class Interleaved(Racing):
        def update(self, *args: Any) -> bool:
            if not self.raced:
                self.raced = True
                exactly_once.apply(self.table, STATS, "Stats", _views("other"))
            return self.table.update(*args)

    assert exactly_once.apply(Interleaved(table, []), STATS, "Stats", _views("mine")) == []
    assert _views_of(table) == 2


def test_a_gone_counter_item_drops_the_events_and_is_never_created():
    table = ModelTable()
    assert exactly_once.apply(table, STATS, "Stats", _views("e1")) == ["e1"]
    assert STATS not in table.items
    assert not any(pk.startswith("EVENT#") for pk, _ in table.items)


def test_endless_contention_gives_up_without_applying():
    table = _table()

    class Moving:
        def __getattr__(self, name: str) -> Any:
            return getattr(table, name)

        def update(self, *args: Any) -> bool:
            return False

    with pytest.raises(exactly_once.CounterContention):
        exactly_once.apply(Moving(), STATS, "Stats", _views("e1"))
    assert _views_of(table) == 0


def test_each_event_is_written_once_as_a_marker_and_each_update_once():
    priced = PricedTable()
    table = priced.table
    table.put({"PK": STATS[0], "SK": STATS[1], "type": "Stats", "updates": 0})
    for batch in range(4):
        exactly_once.apply(priced, STATS, "Stats", _views(*(f"b{batch}e{n}" for n in range(10))))
    # 4 updates; the events of the first 3 marked by the update after theirs
    assert priced.writes == 4 + 30
    assert priced.write_units == priced.writes  # every item under 1 KB: 1 unit each


def test_a_stats_item_at_its_largest_stays_under_one_kilobyte():
    """Each counter update is one write unit only while the item is under 1 KB."""
    pid = "p_" + "f" * 32
    big = 10**15
    item = {
        "PK": f"PROMPT#{pid}",
        "SK": "STATS",
        "type": "Stats",
        "ownerId": "u_" + "f" * 32,
        **dict.fromkeys(
            [
                "views",
                "copies",
                "bookmarks",
                "forks",
                "ratingCount",
                "ratingSum",
                "rating1",
                "rating2",
                "rating3",
                "rating4",
                "rating5",
                "guestRatingCount",
                "guestRatingSum",
                "updates",
            ],
            big,
        ),
        "lastEvents": {
            exactly_once.event_digest(f"event{n}")
            for n in range(exactly_once.MAX_EVENTS_PER_UPDATE)
        },
    }
    assert item_bytes(item) < 1024
