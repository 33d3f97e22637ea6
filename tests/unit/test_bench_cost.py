"""The cost model's arithmetic: DynamoDB's unit rules, the mix and the floor (bench/cost.py)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from bench import cost
from bench.scenarios import SCENARIOS


def _model(name: str, service: str = "dynamodb") -> SimpleNamespace:
    return SimpleNamespace(name=name, service_model=SimpleNamespace(service_name=service))


def test_write_units_are_per_kilobyte_and_double_in_a_transaction():
    assert cost._write_units(10) == 1
    assert cost._write_units(1024) == 1
    assert cost._write_units(1025) == 2
    assert cost._write_units(1025, transactional=True) == 4


def test_read_units_are_half_per_4_kb_unless_consistent():
    assert cost._read_units(100) == 0.5
    assert cost._read_units(4097) == 1
    assert cost._read_units(4097, consistent=True) == 2


def test_the_meter_counts_a_transaction_item_by_item_and_ignores_other_services():
    meter = cost.UnitMeter()
    big = {"content": {"S": "x" * 2000}}
    items = [{"Put": {"Item": big}}, {"Update": {}}, {"ConditionCheck": {}}]
    body = json.dumps({"TransactItems": items}).encode()
    meter.before(_model("TransactWriteItems"), {"body": body})
    assert meter.write == 4 + 2 + 2
    meter.before(_model("SignUp", "cognito-idp"), {"body": b"{}"})
    meter.after(_model("GetItem"), {"Item": {"pk": {"S": "x"}, "blob": {"B": b"\x00" * 10}}})
    assert meter.read == 0.5
    assert meter.write == 8


def test_every_scenario_of_the_mix_exists_and_the_streamed_ones_are_in_it():
    labels = {scenario.label for scenario in SCENARIOS}
    assert set(cost.MIX) <= labels
    assert set(cost.MIX) >= cost.STREAMED
    assert sum(cost.MIX.values()) == pytest.approx(100)


def test_prods_floor_is_its_search_domain_and_a_few_dollars_more():
    floor = cost.fixed_floor("prod")
    search = floor["search data nodes"] + floor["search masters"] + floor["search storage"]
    assert search / sum(floor.values()) > 0.9
    assert cost.fixed_floor("dev")["search masters"] == 0
