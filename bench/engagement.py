"""DynamoDB write units and index requests per engagement event (docs/streams.md).

Feeds engagement events through the real counters consumer and the real indexer (the
in-memory table model of tests/unit/test_streams_chaos.py, a counting index) and prices
every write the way on-demand DynamoDB bills it: one write unit per started KB of the
larger of the item's old and new images (``item_bytes``: attribute names plus values), two
inside a transaction (none is used any more). Reads are counted apart (strongly consistent:
one read unit per started 4 KB; a BatchGetItem key that finds nothing costs one too).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

BATCHES = (1, 10, 100)
# guest-rating: each from another network, with its guest-source guard; own-rating: the
# owner re-rating their own prompt (marked own: counted nowhere); issue 16, finding 8
KINDS = ("view", "copy", "rating", "bookmark", "guest-rating", "own-rating")
ROUNDS = 20  # batches per row: markers of one update are written by the next one
GOAL_WRITE_UNITS = 3


def value_bytes(value: Any) -> int:
    """DynamoDB's size of one attribute value (numbers: about one byte per two digits + 1)."""
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int | float | Decimal):
        digits = len(str(abs(Decimal(value))).replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, set | frozenset | list | tuple):
        return sum(value_bytes(v) for v in value) + (3 if isinstance(value, list | tuple) else 0)
    if isinstance(value, dict):
        return 3 + sum(len(k.encode()) + value_bytes(v) for k, v in value.items())
    raise TypeError(f"no DynamoDB size for {type(value).__name__}")


def item_bytes(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + value_bytes(value) for name, value in item.items())


def write_units(old: dict[str, Any] | None, new: dict[str, Any] | None) -> int:
    return math.ceil(max(item_bytes(old or {}), item_bytes(new or {}), 1) / 1024)


class _CountingIndex:
    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def _count(self, name: str) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1

    def upsert(self, documents: list[Any]) -> None:
        self._count("upsert")

    def update_stats(self, updates: list[Any]) -> None:
        self._count("update_stats")

    def delete(self, prompt_id: str, doc_version: int) -> None:
        self._count("delete")


class PricedTable:
    """The chaos test's table model with every write and read priced."""

    def __init__(self) -> None:
        from tests.unit.test_streams_chaos import ModelTable

        self.table = ModelTable()
        self.write_units = 0
        self.read_units = 0
        self.writes = 0
        self.profile_units = 0  # the reputation hop: a profile's markers and updates
        self.largest_counter_bytes = 0

    def _charge(self, target: Any, units: int) -> None:
        self.write_units += units
        self.writes += 1
        if target[0].startswith("USER#"):
            self.profile_units += units

    def put(self, item: dict[str, Any]) -> None:
        old = self.table.items.get((item["PK"], item["SK"]))
        self.write_units += write_units(old, item)
        self.writes += 1
        self.table.put(item)

    # CounterStore, priced
    def read(self, target: Any) -> Any:
        self.read_units += math.ceil(item_bytes(self.table.items.get(target, {})) / 4096) or 1
        return self.table.read(target)

    def marked(self, target: Any, digests: list[bytes]) -> set[bytes]:
        self.read_units += len(digests)
        return self.table.marked(target, digests)

    def mark(self, target: Any, digests: frozenset[bytes]) -> None:
        from promptvault.streams.counter_store import marker_key

        for digest in digests:
            pk, sk = marker_key(target, digest)
            self._charge(target, write_units(None, {"PK": pk, "SK": sk, "type": "ProcessedEvent"}))
        self.table.mark(target, digests)

    def update(self, target: Any, *args: Any) -> bool:
        old = self.table.items.get(target)
        done = self.table.update(target, *args)
        if done:
            new = self.table.items[target]
            self._charge(target, write_units(old, new))
            self.largest_counter_bytes = max(self.largest_counter_bytes, item_bytes(new))
        return done


def _records(table: Any, since: list[int]) -> list[dict[str, Any]]:
    """The records each shard received after the offsets ``since`` (one per shard)."""
    return [r for shard, start in zip(table.shards, since, strict=True) for r in shard[start:]]


def _stream_size(table: Any) -> list[int]:
    return [len(shard) for shard in table.shards]


def _event(kind: str, n: int) -> list[dict[str, Any]]:
    """The items the endpoint writes for event ``n`` (each by another person, but own-rating:
    the owner's)."""
    from tests.unit.test_streams_chaos import _rating, _usage

    if kind in ("view", "copy"):
        return [_usage("p_bench", kind, n)]
    if kind == "rating":  # 5 stars: each moves the owner's reputation (+2)
        return [_rating("p_bench", f"u:rater{n}", 5)]
    if kind == "guest-rating":  # 5 stars in the average, no reputation; the guard first
        rater = f"g:{n:032x}"  # both are 32 hex digits of a keyed hash (engagement/service.py)
        guard = {"PK": f"GUESTSOURCE#{n:032x}", "SK": "GUARD", "type": "Guard"}
        return [{**guard, "rater": rater, "expiresAt": 1795392000}, _rating("p_bench", rater, 5)]
    if kind == "own-rating":  # a re-rating each time: one item, counted nowhere
        return [{**_rating("p_bench", "u:owner", 1 + n % 5), "own": True}]
    if kind == "bookmark":
        return [
            {
                "PK": f"USER#reader{n}",
                "SK": "BOOKMARK#p_bench",
                "type": "Bookmark",
                "promptId": "p_bench",
                "userId": f"reader{n}",
                "createdAt": "2026-11-22T00:00:00.000000Z",
            }
        ]
    raise ValueError(kind)


def measure(kind: str, k: int, rounds: int = ROUNDS) -> dict[str, Any]:
    """``rounds`` batches of ``k`` events of one kind on one prompt (whose owner has a
    profile), each endpoint write then one counters batch and one indexer batch; the
    reputation hop (stats -> profile) runs in the next counters batch, as on AWS."""
    from promptvault.streams import counters, indexer
    from tests.unit.test_streams_chaos import _create

    priced = PricedTable()
    table = priced.table
    table.put({"PK": "USER#owner", "SK": "PROFILE", "type": "User", "userId": "owner"})
    _create(table, "p_bench", "owner")
    index = _CountingIndex()
    endpoint_units = 0
    seen = _stream_size(table)
    for round_ in range(rounds + 1):
        if round_ < rounds:
            before = priced.write_units
            for step in range(k):
                n = round_ * k + step
                for item in _event(kind, n):
                    priced.put(item)
            endpoint_units += priced.write_units - before
        records = _records(table, seen)
        seen = _stream_size(table)
        reply = counters.handle({"Records": records}, store=priced)
        assert reply == {"batchItemFailures": []}
        indexer.handle({"Records": _records(table, seen)}, backend=index)  # type: ignore[arg-type]
    events = rounds * k
    consumer_units = priced.write_units - endpoint_units
    return {
        "kind": kind,
        "events_per_batch": k,
        "events": events,
        "write_units_per_event": round(priced.write_units / events, 3),
        "endpoint_units_per_event": round(endpoint_units / events, 3),
        "consumer_units_per_event": round(consumer_units / events, 3),
        "of_which_reputation_per_event": round(priced.profile_units / events, 3),
        "read_units_per_event": round(priced.read_units / events, 3),
        "largest_counter_item_bytes": priced.largest_counter_bytes,
        "index_requests_per_event": round(sum(index.calls.values()) / events, 3),
        "index_calls": index.calls,
        "content_reindexed": "upsert" in index.calls,
    }


def run() -> dict[str, Any]:
    rows = [measure(kind, k) for kind in KINDS for k in BATCHES]
    return {
        "method": f"{ROUNDS} batches of k events on one prompt; real consumers on the table "
        "model; writes priced by item size (1 unit per KB, no transactions); ratings include "
        "the owner's reputation update",
        "goal_write_units": GOAL_WRITE_UNITS,
        "rows": rows,
    }


if __name__ == "__main__":
    import tests.conftest  # noqa: F401

    for row in run()["rows"]:
        print(row)
