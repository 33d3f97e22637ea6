"""DynamoDB write units and index requests per engagement event (docs/streams.md).

Feeds k view events on one prompt through the real counters consumer and the real indexer
(the in-memory table model of tests/unit/test_streams_chaos.py, a counting index), and
counts the writes: an item write is 1 write unit (items < 1 KB), a transactional write 2.
"""

from __future__ import annotations

from typing import Any

BATCHES = (1, 10, 100)


class _CountingIndex:
    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def _count(self, name: str, *_args: Any) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1

    def upsert(self, documents: list[Any]) -> None:
        self._count("upsert")

    def update_stats(self, updates: list[Any]) -> None:
        self._count("update_stats")

    def delete(self, prompt_id: str, doc_version: int) -> None:
        self._count("delete")


def measure(k: int) -> dict[str, Any]:
    from promptvault.streams import counters, indexer
    from tests.unit.test_streams_chaos import ModelTable, _usage

    table = ModelTable()
    for step in range(k):
        table.put(_usage("p_bench", "view", step))  # the endpoint's one PutItem per event
    endpoint_units = k
    records = [r for shard in table.shards for r in shard]
    before = sum(len(s) for s in table.shards)
    assert counters.handle({"Records": records}, store=table) == {"batchItemFailures": []}
    consumer_items = sum(len(s) for s in table.shards) - before  # markers + the stats update
    consumer_units = 2 * consumer_items  # all inside one TransactWriteItems
    index = _CountingIndex()
    new = [r for shard in table.shards for r in shard][before:]
    indexer.handle({"Records": new}, backend=index)  # type: ignore[arg-type]
    total = endpoint_units + consumer_units
    return {
        "events": k,
        "write_units_per_event": round(total / k, 2),
        "index_requests_per_event": round(sum(index.calls.values()) / k, 3),
        "index_calls": index.calls,
        "content_reindexed": "upsert" in index.calls,
    }


def run() -> dict[str, Any]:
    rows = [measure(k) for k in BATCHES]
    return {
        "method": "k view events of one prompt in one stream batch; real consumers, "
        "counted writes (transactional = 2 units)",
        "goal_write_units": 3,
        "rows": rows,
    }


if __name__ == "__main__":
    import tests.conftest  # noqa: F401

    for row in run()["rows"]:
        print(row)
