"""The events bench's own arithmetic (bench/events.py): the plan of actions, the goals'
verdicts, which items a write names, and the meter's attribution of calls and write units."""

from __future__ import annotations

import json
from collections import Counter
from types import SimpleNamespace
from typing import Any

from boto3.dynamodb.types import Binary

from bench import events


def _model(name: str, service: str = "dynamodb") -> SimpleNamespace:
    return SimpleNamespace(name=name, service_model=SimpleNamespace(service_name=service))


def _call(body: dict[str, Any]) -> dict[str, Any]:
    return {"body": json.dumps(body).encode(), "context": {"client_region": "eu-west-1"}}


def test_the_plan_spreads_the_kinds_over_every_creator():
    actions = events.plan(200, 4)
    assert Counter(c for c, _ in actions) == {0: 50, 1: 50, 2: 50, 3: 50}
    for creator in range(4):
        kinds = Counter(kind for c, kind in actions if c == creator)
        assert set(kinds) == set(events.MIX)
        assert max(kinds.values()) - min(kinds.values()) <= 1


def test_the_goals_verdicts():
    assert events.ses_ok(ses_calls=1, emails=1)
    assert events.ses_ok(ses_calls=0, emails=0)
    assert not events.ses_ok(ses_calls=1, emails=0)  # a call that sent nothing
    assert not events.ses_ok(ses_calls=3, emails=2)
    assert events.own_ok(own=False, emails=1)
    assert events.own_ok(own=True, emails=0)
    assert not events.own_ok(own=True, emails=1)


def test_plain_unwraps_binary_values_at_any_depth():
    value = {"b": Binary(b"\x00\x01"), "l": [Binary(b"x")], "s": {Binary(b"y")}, "n": 3}
    assert events.plain(value) == {"b": b"\x00\x01", "l": [b"x"], "s": {b"y"}, "n": 3}


def test_written_keys_name_every_item_of_a_write():
    item = {"PK": {"S": "a"}, "SK": {"S": "b"}, "x": {"N": "1"}}
    key = {"PK": {"S": "a"}, "SK": {"S": "c"}}
    assert events.written_keys("PutItem", {"TableName": "t", "Item": item}) == [("t", item)]
    assert events.written_keys("UpdateItem", {"TableName": "t", "Key": key}) == [("t", key)]
    batch = {
        "RequestItems": {"t": [{"PutRequest": {"Item": item}}, {"DeleteRequest": {"Key": key}}]}
    }
    assert events.written_keys("BatchWriteItem", batch) == [("t", item), ("t", key)]
    transaction = {
        "TransactItems": [
            {"Put": {"TableName": "t", "Item": item}},
            {"ConditionCheck": {"TableName": "u", "Key": key}},
        ]
    }
    assert events.written_keys("TransactWriteItems", transaction) == [("t", item), ("u", key)]
    assert events.written_keys("GetItem", {"TableName": "t", "Key": key}) == []


class _Store:
    """A table as the meter sees it: plain items by (PK, SK)."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.regions: list[str] = []

    def __call__(self, region: str, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        self.regions.append(region)
        return self.items.get((key["PK"]["S"], key["SK"]["S"]))


def test_the_meter_prices_a_write_by_the_larger_image_under_the_running_consumer():
    store = _Store()
    meter = events.Meter(stored=store)
    meter.price = True
    typed = {"PK": {"S": "USER#a"}, "SK": {"S": "NOTIF#1"}, "body": {"S": "x" * 1500}}

    def consumer(event: dict[str, Any], context: Any) -> None:
        meter.before(_model("PutItem"), _call({"TableName": "t", "Item": typed}))
        store.items[("USER#a", "NOTIF#1")] = {"PK": "USER#a", "SK": "NOTIF#1", "body": "x" * 1500}
        meter.after(_model("PutItem"), {})
        # a smaller item afterwards still pays for the larger old image
        meter.before(_model("UpdateItem"), _call({"TableName": "t", "Key": typed}))
        store.items[("USER#a", "NOTIF#1")] = {"PK": "USER#a", "SK": "NOTIF#1"}
        meter.after(_model("UpdateItem"), {})
        meter.before(_model("SendEmail", "sesv2"), {"body": b"{}"})
        meter.after(_model("SendEmail", "sesv2"), {})

    meter.wrap(events.NOTIFY, consumer)({"Records": [{}, {}]}, None)
    assert meter.units[events.NOTIFY] == 2 + 2
    assert meter.calls_of(events.NOTIFY) == {"PutItem": 1, "SendEmail": 1, "UpdateItem": 1}
    assert meter.ses_calls(events.NOTIFY) == 1
    assert meter.handled[events.NOTIFY] == 2
    assert meter.seconds[events.NOTIFY] > 0
    assert set(store.regions) == {"eu-west-1"}
    assert meter.stage == events.SETUP  # back outside the consumer


def test_the_meter_doubles_a_transaction_counts_bus_entries_and_prices_nothing_when_off():
    store = _Store()
    meter = events.Meter(stored=store)
    key = {"PK": {"S": "P"}, "SK": {"S": "META"}}
    transaction = {"TransactItems": [{"ConditionCheck": {"TableName": "t", "Key": key}}]}
    meter.before(_model("TransactWriteItems"), _call(transaction))
    meter.after(_model("TransactWriteItems"), {})
    assert meter.units[events.SETUP] == 0  # pricing off: counted, not priced
    meter.price = True
    meter.before(_model("TransactWriteItems"), _call(transaction))
    meter.after(_model("TransactWriteItems"), {})
    assert meter.units[events.SETUP] == 2
    entries = {"Entries": [{"Detail": "{}"}] * 7}
    meter.before(_model("PutEvents", "events"), _call(entries))
    meter.after(_model("PutEvents", "events"), {})
    assert meter.published == 7
    assert meter.calls_of(events.SETUP) == {"PutEvents": 1, "TransactWriteItems": 2}
    meter.reset()
    assert meter.calls_of(events.SETUP) == {}
    assert meter.published == 0
