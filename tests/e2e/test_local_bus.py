"""The bus, queues, schedules and SES feedback of ``python -m infra.local``, as a developer
sees them: the banner, ``/_local/queues``, ``/_local/schedules``, and moto holding the route.

What the route does with a message (pattern matching, batches, partial failures, the DLQ) is
proved in ``tests/integration/test_local_bus.py`` with stand-in functions; here the runtime's
own functions run, so these tests only look at what does not depend on their results.
"""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import httpx
import pytest

from infra.consumers import bus_name, event_pattern
from infra.local.resources import resource_name
from promptvault.catalogue import triggers_from
from promptvault.events.catalogue import SOURCE
from tests.e2e.conftest import LocalStage

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

BUS = bus_name("promptvault-local")
QUEUE_TRIGGERS = triggers_from("events:queue")


def _client(stage: LocalStage, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=stage.moto_url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        aws_session_token="local",
    )


def _queue(http: httpx.Client, function: str) -> dict[str, Any]:
    page = http.get("/_local/queues")
    assert page.status_code == 200, page.text
    queues: list[dict[str, Any]] = page.json()["queues"]
    return next(q for q in queues if q["function"] == function)


def test_the_banner_lists_the_bus_the_queues_the_schedules_and_ses_feedback(
    local_stage: LocalStage,
):
    banner = local_stage.log.read_text(errors="replace")

    assert f"Event bus    {BUS} -> " in banner
    assert "/_local/queues" in banner
    for trigger in triggers_from("schedule"):
        for period, _ in trigger.schedules:
            assert f"Schedule     POST {local_stage.base_url}/_local/schedules/{period}" in banner
    assert f"SES feedback POST {local_stage.base_url}/_local/email/feedback" in banner


def test_moto_holds_the_bus_and_each_triggers_rule_with_its_exact_pattern(
    local_stage: LocalStage,
):
    events = _client(local_stage, "events")

    assert events.describe_event_bus(Name=BUS)["Name"] == BUS
    rules = {r["Name"]: r for r in events.list_rules(EventBusName=BUS)["Rules"]}
    for trigger in QUEUE_TRIGGERS:
        rule = rules[resource_name("promptvault-local", trigger.function)]
        assert json.loads(rule["EventPattern"]) == event_pattern(trigger)


def test_the_queues_page_shows_each_queue_with_its_dlq(http: httpx.Client):
    for trigger in QUEUE_TRIGGERS:
        queue = _queue(http, trigger.function)

        assert queue["pattern"] == event_pattern(trigger)
        assert queue["maxReceiveCount"] == 5
        assert queue["visibilityTimeout"] == 1
        name = resource_name("promptvault-local", trigger.function)
        assert queue["queue"] == name
        assert queue["deadLetters"]["queue"] == f"{name}-dlq"
        assert queue["deadLetters"]["count"] == len(queue["deadLetters"]["messages"])


def test_an_event_put_on_the_bus_reaches_its_function_and_another_does_not(
    local_stage: LocalStage, http: httpx.Client
):
    trigger = QUEUE_TRIGGERS[0]
    events = _client(local_stage, "events")

    def put(detail_type: str) -> str:
        detail = {"id": f"e2e-{time.monotonic_ns()}", "type": detail_type, "data": {}}
        entry = {
            "Source": SOURCE,
            "DetailType": detail_type,
            "Detail": json.dumps(detail),
            "EventBusName": BUS,
        }
        return str(events.put_events(Entries=[entry])["Entries"][0]["EventId"])

    other = put("prompt.version.created")  # no rule of this trigger matches it
    wanted = put(trigger.events[0])
    deadline = time.monotonic() + 30
    seen: set[str] = set()
    while time.monotonic() < deadline and wanted not in seen:
        time.sleep(0.1)
        seen = {d["eventId"] for d in _queue(http, trigger.function)["recent"]}

    assert wanted in seen  # the poller handed it to the function (whatever it made of it)
    assert other not in seen
    letters = _queue(http, trigger.function)["deadLetters"]["messages"]
    assert other not in {letter["body"].get("id") for letter in letters}


def test_the_schedules_page_lists_every_period(http: httpx.Client):
    listed = http.get("/_local/schedules")

    assert listed.status_code == 200
    expected = {
        (period, trigger.function, expression)
        for trigger in triggers_from("schedule")
        for period, expression in trigger.schedules
    }
    assert {(s["name"], s["function"], s["expression"]) for s in listed.json()} == expected


def test_the_local_actions_answer_only_post_and_check_the_feedback_body(http: httpx.Client):
    got = http.get("/_local/email/feedback")
    bad = http.post("/_local/email/feedback", json={"type": "Delivery", "email": "a@example.com"})
    period = triggers_from("schedule")[0].schedules[0][0]

    assert got.status_code == 405
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "type"
    assert http.get(f"/_local/schedules/{period}").status_code == 405
