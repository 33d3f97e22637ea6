"""AWS calls per request: every endpoint makes exactly its documented minimum.

Counted (botocore ``before-call`` events on every client), never timed. The table of minima
and the scenarios are shared with ``make bench`` (bench/awscalls.py, bench/scenarios.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from bench.awscalls import ABOVE_MINIMUM, MINIMUM, VARIANTS, variant_request
from bench.counting import counting_aws_calls
from bench.scenarios import (
    SCENARIOS,
    STREAM_TRIGGERS,
    TRIGGER_REPLIES,
    Scenario,
    World,
    make_world,
    presignup_event,
    send,
)
from promptvault.catalogue import ROUTES, TRIGGERS
from tests.support.ratelimits import enforced

TRIGGER_LABEL = "trigger auth_presignup"


def _cases() -> list[Any]:
    cases = []
    for scenario in SCENARIOS:
        marks = []
        if scenario.label in ABOVE_MINIMUM:
            marks.append(pytest.mark.xfail(strict=True, reason=ABOVE_MINIMUM[scenario.label]))
        cases.append(pytest.param(scenario, id=scenario.label, marks=marks))
    return cases


@pytest.fixture(scope="module", autouse=True)
def rate_limits_on() -> Iterator[None]:
    """Counted with rate limiting on, as deployed: one UpdateItem per bucket per request."""
    with enforced():
        yield


@pytest.fixture(scope="module")
def world(rate_limits_on: None) -> World:
    return make_world()


@pytest.mark.parametrize("scenario", _cases())
def test_endpoint_makes_its_documented_minimum_of_aws_calls(
    scenario: Scenario, world: World
) -> None:
    request = scenario.prepare(world)
    with counting_aws_calls() as counter:
        reply = send(request)
    assert reply.status == scenario.status, reply.body
    assert counter.snapshot() == MINIMUM[scenario.label]


def test_presignup_trigger_makes_no_aws_call() -> None:
    from functions.auth_presignup.handler import handler

    with counting_aws_calls() as counter:
        answer = handler(presignup_event(), None)
    assert answer["response"]["autoConfirmUser"] is True
    assert counter.snapshot() == MINIMUM[TRIGGER_LABEL] == {}


@pytest.mark.parametrize("label", sorted(STREAM_TRIGGERS))
def test_stream_consumers_make_their_minimum_calls_per_batch(world: World, label: str) -> None:
    import importlib

    function, build = STREAM_TRIGGERS[label]
    handler = importlib.import_module(f"functions.{function}.handler").handler
    event = build(world)
    with counting_aws_calls() as counter:
        reply = handler(event, None)
    assert reply == TRIGGER_REPLIES.get(label, {"batchItemFailures": []})
    assert counter.snapshot() == MINIMUM[label]


def test_every_function_has_a_counted_request_and_a_minimum() -> None:
    streams = {function for function, _ in STREAM_TRIGGERS.values()}
    counted = {scenario.function for scenario in SCENARIOS} | {"auth_presignup"} | streams
    assert counted == {r.function for r in ROUTES} | {t.function for t in TRIGGERS}
    assert set(MINIMUM) == (
        {scenario.label for scenario in SCENARIOS} | {TRIGGER_LABEL} | set(STREAM_TRIGGERS)
    )
    assert set(ABOVE_MINIMUM) <= set(MINIMUM)


def test_counter_sees_clients_made_before_and_while_counting() -> None:
    before = boto3.client("dynamodb")
    with counting_aws_calls() as counter:
        before.list_tables()
        boto3.client("cognito-idp").list_user_pools(MaxResults=1)
    assert counter.snapshot() == {"ListTables": 1, "ListUserPools": 1}
    before.list_tables()  # after the block: no longer counted
    assert counter.snapshot() == {"ListTables": 1, "ListUserPools": 1}


@pytest.mark.parametrize("label", sorted(VARIANTS))
def test_finding_8_a_guest_rating_and_an_owners_own_view_make_their_minimum(
    world: World, label: str
) -> None:
    """A guest's rating adds the conditional Put of its source guard; one's own view writes
    nothing (issue 16, finding 8)."""
    function, _, status, minimum = VARIANTS[label]
    request = variant_request(label, world)
    with counting_aws_calls() as counter:
        reply = send(request)
    assert reply.status == status, reply.body
    assert counter.snapshot() == minimum
    assert {r.function for r in ROUTES} >= {function}
