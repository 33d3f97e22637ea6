"""The local stream pump keeps Lambda's batch semantics: order, batch size, retry from the
first reported failure, bisect on a function error, and a dead letter for a poison record."""

from __future__ import annotations

from typing import Any

from infra.local.pump import Consumer, StreamPump, matches
from promptvault.streams import counters
from tests.unit.test_streams_chaos import ModelTable, _rating, _usage


def _table_with(n: int) -> ModelTable:
    table = ModelTable()
    for i in range(n):
        table.put(_usage("p_1", "view", i))
    return table


def _seqs(event: dict[str, Any]) -> list[str]:
    return [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]


def test_batches_respect_the_batch_size_and_stream_order():
    table = _table_with(7)
    seen: list[list[str]] = []
    consumer = Consumer("c", lambda e, _c: seen.append(_seqs(e)) or {}, batch_size=3)

    StreamPump("arn", [consumer], table).drain()

    assert [len(b) for b in seen] == [3, 3, 1]
    flat = [s for b in seen for s in b]
    assert flat == sorted(flat)


def test_a_reported_failure_restarts_the_next_batch_at_that_record():
    table = _table_with(5)
    seen: list[list[str]] = []

    def handler(event: dict[str, Any], _c: Any) -> dict[str, Any]:
        seen.append(_seqs(event))
        failed = [{"itemIdentifier": event["Records"][2]["dynamodb"]["SequenceNumber"]}]
        return {"batchItemFailures": failed if len(seen) == 1 else []}

    StreamPump("arn", [Consumer("c", handler, batch_size=5)], table).drain()

    assert seen[1] == seen[0][2:]


def test_a_poison_record_ends_in_the_dead_letters_and_the_rest_goes_on():
    table = _table_with(4)
    poison = [r for s in table.shards for r in s][1]["dynamodb"]["SequenceNumber"]
    delivered: list[str] = []

    def handler(event: dict[str, Any], _c: Any) -> dict[str, Any]:
        failures = []
        for record in event["Records"]:
            seq = record["dynamodb"]["SequenceNumber"]
            if seq == poison:
                failures.append({"itemIdentifier": seq})
                break
            delivered.append(seq)
        return {"batchItemFailures": failures}

    pump = StreamPump("arn", [Consumer("c", handler, batch_size=10)], table, max_retries=2)
    pump.drain()

    assert [d["sequenceNumber"] for d in pump.dead_letters] == [poison]
    assert pump.dead_letters[0]["attempts"] == 3
    assert poison not in delivered
    assert len(set(delivered)) == 3


def test_a_function_error_bisects_until_the_bad_record_is_alone():
    table = _table_with(8)
    bad = [r for s in table.shards for r in s][5]["dynamodb"]["SequenceNumber"]
    sizes: list[int] = []

    def handler(event: dict[str, Any], _c: Any) -> dict[str, Any]:
        sizes.append(len(event["Records"]))
        if bad in _seqs(event):
            raise RuntimeError("crash")
        return {}

    pump = StreamPump("arn", [Consumer("c", handler, batch_size=8)], table, max_retries=1)
    pump.drain()

    assert sizes[:2] == [8, 4]
    assert [d["sequenceNumber"] for d in pump.dead_letters] == [bad]


def test_filters_match_prefixes_and_value_lists():
    record = {"dynamodb": {"Keys": {"PK": {"S": "PROMPT#p"}, "SK": {"S": "META"}}}}

    assert matches({"dynamodb": {"Keys": {"PK": {"S": [{"prefix": "PROMPT#"}]}}}}, record)
    assert matches({"dynamodb": {"Keys": {"SK": {"S": ["META", "STATS"]}}}}, record)
    assert not matches({"dynamodb": {"Keys": {"SK": {"S": ["STATS"]}}}}, record)
    assert not matches({"dynamodb": {"NewImage": {"type": {"S": ["Rating"]}}}}, record)


def test_a_malformed_record_is_reported_alone_by_the_counters_consumer():
    table = ModelTable()
    table.items[("PROMPT#p_1", "STATS")] = {"PK": "PROMPT#p_1", "SK": "STATS", "type": "Stats"}
    table.put(_rating("p_1", "u1", 4))
    table.put(_rating("p_1", "u2", 9))  # out of range: poison
    table.put(_rating("p_1", "u3", 2))
    records = table.shards[0] + table.shards[1]

    reply = counters.handle({"Records": records}, store=table)

    (failure,) = reply["batchItemFailures"]
    assert failure["itemIdentifier"] == records[1]["dynamodb"]["SequenceNumber"]
    assert table.items[("PROMPT#p_1", "STATS")]["ratingCount"] == 2
