"""Webhooks (issue 13): registration, ownership, the test ping, signed deliveries with retries,
exactly one delivery per event and webhook, rotation, and the 24-hour give-up.

Receivers are real HTTP servers on 127.0.0.1 (tests/support/webhooks.py, allowed because the
test stage sets WEBHOOKS_ALLOW_LOOPBACK); signatures are checked with the SDK's
``verify_signature``. The retry schedule runs on an injected clock.
"""

from __future__ import annotations

import itertools
import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from promptvault_sdk.webhooks import InvalidSignature, verify_signature

from promptvault.events.catalogue import Envelope
from promptvault.webhooks import delivery, repository, targets
from promptvault.webhooks.delivery import MAX_DELAY_SECONDS, Deliverer, schedule
from tests.support.api import call
from tests.support.events import drain_queues
from tests.support.factories import User, create_prompt, sign_up
from tests.support.identity import api_key
from tests.support.streams import drain
from tests.support.webhooks import receiver


def register(user: User, url: str, events: list[str] | None = None, token: str | None = None):
    body = {"url": url, "events": events or ["prompt.version.created"]}
    return call("POST", "/v1/webhooks", body, token=token or user.token)


def created(user: User, url: str, events: list[str] | None = None) -> dict[str, Any]:
    reply = register(user, url, events)
    assert reply.status == 201, reply.body
    return reply.data


def event(owner: str, event_type: str = "prompt.version.created", n: int = 0) -> Envelope:
    data: dict[str, Any] = {"promptId": f"p_{n}", "version": 2, "actorId": owner, "ownerId": owner}
    return Envelope(
        id=f"ev{n:030d}",
        type=event_type,  # type: ignore[arg-type]
        version=1,
        occurred_at="2026-11-30T12:00:00.000Z",
        data=data,
    )


class Clock:
    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.moment


class Queue:
    """The function's own queue, as a list: (message, delay) in the order sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[dict[str, Any], int]] = []

    def __call__(self, messages: Any) -> None:
        self.sent.extend(messages)

    def take(self) -> list[tuple[dict[str, Any], int]]:
        taken, self.sent = self.sent, []
        return taken


def run_until_quiet(engine: Deliverer, queue: Queue, clock: Clock, rounds: int = 100) -> int:
    """Deliver every queued message, the clock moved to each one's delay; rounds used."""
    for used in range(rounds):
        batch = queue.take()
        if not batch:
            return used
        for message, delay in batch:
            assert 0 <= delay <= MAX_DELAY_SECONDS
            clock.moment += timedelta(seconds=delay)
            delivery.handle_message(message, engine)
    raise AssertionError("the deliveries never settled")


def verified(hook: dict[str, Any], got: Any, secrets: list[str] | None = None) -> dict[str, Any]:
    return verify_signature(secrets or [hook["secret"]], got.headers, got.body)


# --- registration ---------------------------------------------------------------------------


def test_a_webhook_is_created_with_its_secret_shown_once_and_listed_without_it():
    owner = sign_up()

    made = created(owner, "http://127.0.0.1:9/hooks", ["prompt.deleted", "prompt.label.moved"])
    listed = call("GET", "/v1/webhooks", token=owner.token)

    assert made["id"].startswith("wh_")
    assert made["secret"].startswith("whsec_")
    assert len(made["secret"]) > 40
    assert made["events"] == ["prompt.deleted", "prompt.label.moved"]
    assert listed.status == 200
    assert [w["id"] for w in listed.data] == [made["id"]]
    assert "secret" not in listed.data[0]


def test_no_secret_is_stored_in_the_table():
    owner = sign_up()
    made = created(owner, "http://127.0.0.1:9/hooks")

    stored = repository.get_webhook(owner.id, made["id"])

    assert stored is not None
    assert made["secret"] not in json.dumps(stored.attribute_values, default=str)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://example.com/h", "events": []}, "events"),
        ({"url": "https://example.com/h", "events": ["prompt.rated"]}, "events"),
        (
            {"url": "https://example.com/h", "events": ["prompt.deleted", "prompt.deleted"]},
            "events",
        ),
        ({"url": "ftp://example.com/h", "events": ["prompt.deleted"]}, "url"),
        ({"url": "https://127.0.0.1/h", "events": ["prompt.deleted"]}, "url"),
        ({"url": "http://127.0.0.1/h", "events": ["prompt.deleted"]}, "url"),  # no port
        ({"url": "http://localhost:8080/h", "events": ["prompt.deleted"]}, "url"),
    ],
)
def test_bad_registrations_are_422_and_write_nothing(body: dict[str, Any], field: str):
    owner = sign_up()

    reply = call("POST", "/v1/webhooks", body, token=owner.token)

    assert reply.status == 422, reply.body
    assert field in json.dumps(reply.body["error"]["details"])
    assert call("GET", "/v1/webhooks", token=owner.token).data == []


def test_a_person_has_at_most_ten_webhooks():
    owner = sign_up()
    for _ in range(10):
        created(owner, "http://127.0.0.1:9/hooks")

    reply = register(owner, "http://127.0.0.1:9/hooks")

    assert reply.status == 409
    assert len(call("GET", "/v1/webhooks", {"limit": "20"}, token=owner.token).data) == 10


def test_the_list_pages_with_a_cursor_newest_first():
    owner = sign_up()
    ids = [created(owner, f"http://127.0.0.1:9/h{n}")["id"] for n in range(3)]

    first = call("GET", "/v1/webhooks", token=owner.token, query={"limit": "2"})
    second = call(
        "GET",
        "/v1/webhooks",
        token=owner.token,
        query={"limit": "2", "cursor": first.body["meta"]["nextCursor"]},
    )

    assert [w["id"] for w in first.data + second.data] == ids[::-1]
    assert second.body["meta"]["hasMore"] is False


def test_someone_elses_webhook_is_404_on_every_route():
    owner, other = sign_up(), sign_up()
    hook = created(owner, "http://127.0.0.1:9/hooks")
    path = f"/v1/webhooks/{hook['id']}"

    replies = [
        call("DELETE", path, token=other.token),
        call("POST", f"{path}/test", token=other.token),
        call("GET", f"{path}/deliveries", token=other.token),
        call("POST", f"{path}/rotate-secret", token=other.token),
    ]

    assert [r.status for r in replies] == [404, 404, 404, 404]
    assert [w["id"] for w in call("GET", "/v1/webhooks", token=owner.token).data] == [hook["id"]]


def test_a_write_key_manages_webhooks_and_a_read_key_cannot_create_one():
    owner = sign_up()
    writer = api_key(owner, ("read", "write"))["key"]
    reader = api_key(owner, ("read",))["key"]

    made = register(owner, "http://127.0.0.1:9/hooks", token=writer)
    refused = register(owner, "http://127.0.0.1:9/hooks", token=reader)

    assert made.status == 201
    assert refused.status == 403


def test_deleting_a_webhook_is_204_then_404():
    owner = sign_up()
    hook = created(owner, "http://127.0.0.1:9/hooks")

    first = call("DELETE", f"/v1/webhooks/{hook['id']}", token=owner.token)
    again = call("DELETE", f"/v1/webhooks/{hook['id']}", token=owner.token)

    assert (first.status, again.status) == (204, 404)


# --- the test ping --------------------------------------------------------------------------


def test_the_ping_is_signed_and_answers_the_receivers_outcome():
    owner = sign_up()
    with receiver() as got:
        hook = created(owner, got.url)

        reply = call("POST", f"/v1/webhooks/{hook['id']}/test", token=owner.token)

    assert reply.status == 200, reply.body
    assert reply.data["delivered"] is True
    assert reply.data["statusCode"] == 200
    [ping] = got.received
    body = verified(hook, ping)
    assert body["type"] == "webhook.test"
    assert body["data"] == {"webhookId": hook["id"]}
    assert ping.headers["PromptVault-Event"] == "webhook.test"
    assert ping.headers["PromptVault-Delivery"] == reply.data["deliveryId"]
    listed = call("GET", f"/v1/webhooks/{hook['id']}/deliveries", token=owner.token)
    assert [(d["eventType"], d["status"]) for d in listed.data] == [("webhook.test", "delivered")]


def test_a_failing_ping_answers_the_status_and_keeps_only_an_excerpt():
    owner = sign_up()
    with receiver(500) as got:
        hook = created(owner, got.url)
        reply = call("POST", f"/v1/webhooks/{hook['id']}/test", token=owner.token)

    assert reply.data["delivered"] is False
    assert reply.data["statusCode"] == 500
    assert "500" in reply.data["error"]
    stored = repository.get_delivery(owner.id, reply.data["deliveryId"])
    assert stored is not None
    assert stored.status == "failed"
    assert stored.last_response is not None
    assert len(stored.last_response) <= 256


def test_a_ping_to_nobody_listening_says_why():
    owner = sign_up()
    with receiver() as got:
        url = got.url
    hook = created(owner, url)  # the receiver is stopped: the port refuses

    reply = call("POST", f"/v1/webhooks/{hook['id']}/test", token=owner.token)

    assert reply.data["delivered"] is False
    assert reply.data["statusCode"] is None
    assert reply.data["error"] == "connection refused or unreachable"


# --- deliveries -----------------------------------------------------------------------------


def test_a_new_version_is_delivered_signed_through_the_bus():
    owner = sign_up()
    prompt = create_prompt(owner)
    drain()  # version 1's event, before there is a webhook
    drain_queues()
    with receiver() as got:
        hook = created(owner, got.url)
        edited = call(
            "PATCH",
            f"/v1/prompts/{prompt['id']}",
            {"content": prompt["content"] + " Be brief.", "changeMessage": "brief"},
            token=owner.token,
            headers={"If-Match": prompt["etag"]},
        )
        assert edited.status == 200, edited.body
        drain()  # the stream -> the bus -> the webhooks queue
        drain_queues()  # the event -> a delivery message -> the POST

    [delivered] = got.received
    body = verified(hook, delivered)
    assert body["type"] == "prompt.version.created"
    assert body["data"]["promptId"] == prompt["id"]
    assert body["data"]["version"] == 2
    assert body["data"]["ownerId"] == owner.id
    assert set(body) == {"id", "type", "createdAt", "data"}
    listed = call("GET", f"/v1/webhooks/{hook['id']}/deliveries", token=owner.token)
    assert [(d["eventType"], d["status"], d["attempts"]) for d in listed.data] == [
        ("prompt.version.created", "delivered", 1)
    ]


def test_retries_after_two_failures_then_delivers_once():
    owner = sign_up()
    clock, queue = Clock(), Queue()
    engine = Deliverer(now=clock, enqueue=queue)
    with receiver(500, 503) as got:
        hook = created(owner, got.url)
        engine.open_for(event(owner.id))
        run_until_quiet(engine, queue, clock)

    assert len(got.received) == 3
    ids = {r.headers["PromptVault-Delivery"] for r in got.received}
    assert len(ids) == 1  # one delivery, three attempts
    for attempt in got.received:
        verified(hook, attempt)  # the clock is the test's: tolerance from the signed time
    stored = repository.get_delivery(owner.id, ids.pop())
    assert stored is not None
    assert (stored.status, stored.attempts, stored.last_status_code) == ("delivered", 3, 200)


def test_gives_up_after_24_hours_and_records_failed():
    owner = sign_up()
    clock, queue = Clock(), Queue()
    engine = Deliverer(now=clock, enqueue=queue)
    opened_at = clock.moment
    with receiver(*([500] * 40)) as got:
        created(owner, got.url)
        [did] = engine.open_for(event(owner.id))
        run_until_quiet(engine, queue, clock, rounds=500)

    stored = repository.get_delivery(owner.id, did)
    assert stored is not None
    assert stored.status == "failed"
    assert stored.attempts == len(schedule()) == len(got.received)
    assert clock.moment - opened_at == timedelta(hours=24)  # the last attempt, at 24 h
    assert stored.next_attempt_at is None


def test_the_schedule_doubles_from_30_seconds_to_4_hours_within_24_hours():
    moments = schedule()

    waits = [b - a for a, b in itertools.pairwise(moments)]

    assert moments[0] == timedelta(0)
    assert waits[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert max(waits) == timedelta(hours=4)
    assert moments[-1] == timedelta(hours=24)


def test_replayed_and_reordered_events_deliver_exactly_once_per_event_and_webhook():
    owner = sign_up()
    clock, queue = Clock(), Queue()
    engine = Deliverer(now=clock, enqueue=queue)
    events = [event(owner.id, n=n) for n in range(4)]
    with receiver() as first, receiver() as second:
        created(owner, first.url)
        created(owner, second.url)
        stream = events * 3
        random.Random(7).shuffle(stream)
        for item in stream:
            engine.open_for(item)
            if random.Random(len(queue.sent)).random() < 0.5:
                run_until_quiet(engine, queue, clock)
        run_until_quiet(engine, queue, clock)
        for item in events:  # replayed long after: nothing more
            engine.open_for(item)
        run_until_quiet(engine, queue, clock)

    for got in (first, second):
        delivered = sorted(json.loads(r.body)["id"] for r in got.received)
        assert delivered == sorted(e.id for e in events)


def test_a_duplicated_delivery_message_attempts_once():
    owner = sign_up()
    clock, queue = Clock(), Queue()
    engine = Deliverer(now=clock, enqueue=queue)
    with receiver() as got:
        created(owner, got.url)
        engine.open_for(event(owner.id))
        [(message, _)] = queue.take()
        for _ in range(3):
            delivery.handle_message(message, engine)

    assert len(got.received) == 1


def test_only_the_owners_webhooks_subscribed_to_the_type_are_delivered():
    owner, other = sign_up(), sign_up()
    clock, queue = Clock(), Queue()
    engine = Deliverer(now=clock, enqueue=queue)
    with receiver() as mine, receiver() as theirs, receiver() as labels_only:
        created(owner, mine.url)
        created(other, theirs.url)
        created(owner, labels_only.url, ["prompt.label.moved"])
        engine.open_for(event(owner.id))
        run_until_quiet(engine, queue, clock)

    assert (len(mine.received), len(theirs.received), len(labels_only.received)) == (1, 0, 0)


def test_a_url_that_now_resolves_to_a_private_address_is_refused_at_delivery(monkeypatch):
    owner = sign_up()
    clock, queue = Clock(), Queue()
    answers = {"hooks.example.com": ["93.184.216.34"]}
    monkeypatch.setattr(targets, "resolve", lambda host, port: answers[host])
    engine = Deliverer(now=clock, enqueue=queue)
    hook = created(owner, "https://hooks.example.com/in")
    answers["hooks.example.com"] = ["10.0.0.7"]  # DNS rebinding after registration
    [did] = engine.open_for(event(owner.id))
    [(message, _)] = queue.take()

    delivery.handle_message(message, engine)

    stored = repository.get_delivery(owner.id, did)
    assert stored is not None
    assert stored.status == "pending"
    assert stored.attempts == 1
    assert "not public" in (stored.last_error or "")
    assert hook["id"]


def test_a_deleted_webhook_gets_nothing_more():
    owner = sign_up()
    clock, queue = Clock(), Queue()
    engine = Deliverer(now=clock, enqueue=queue)
    with receiver(500) as got:
        hook = created(owner, got.url)
        [did] = engine.open_for(event(owner.id))
        [(message, _)] = queue.take()
        delivery.handle_message(message, engine)  # one failed attempt, a retry queued
        call("DELETE", f"/v1/webhooks/{hook['id']}", token=owner.token)
        run_until_quiet(engine, queue, clock)

    assert len(got.received) == 1
    stored = repository.get_delivery(owner.id, did)
    assert stored is not None
    assert stored.status == "failed"


# --- rotation -------------------------------------------------------------------------------


def test_rotation_signs_with_both_secrets_for_24_hours_then_the_new_one_only():
    owner = sign_up()
    clock, queue = Clock(), Queue()
    engine = Deliverer(now=clock, enqueue=queue)
    with receiver() as got:
        hook = created(owner, got.url)
        rotated = call("POST", f"/v1/webhooks/{hook['id']}/rotate-secret", token=owner.token)
        assert rotated.status == 200, rotated.body
        new = rotated.data["secret"]
        engine.open_for(event(owner.id, n=1))
        run_until_quiet(engine, queue, clock)
        clock.moment += timedelta(hours=24, seconds=1)
        engine.open_for(event(owner.id, n=2))
        run_until_quiet(engine, queue, clock)

    during, after = got.received
    assert new != hook["secret"]
    assert during.headers["PromptVault-Signature"].count("v1=") == 2
    verify_signature(
        hook["secret"], during.headers, during.body, now=clock.moment.timestamp() - 86401
    )
    verify_signature(new, during.headers, during.body, now=clock.moment.timestamp() - 86401)
    assert after.headers["PromptVault-Signature"].count("v1=") == 1
    verify_signature(new, after.headers, after.body, now=clock.moment.timestamp())
    with pytest.raises(InvalidSignature):
        verify_signature(hook["secret"], after.headers, after.body, now=clock.moment.timestamp())


def test_a_tampered_body_or_an_old_timestamp_is_refused_by_the_sdk():
    owner = sign_up()
    with receiver() as got:
        hook = created(owner, got.url)
        call("POST", f"/v1/webhooks/{hook['id']}/test", token=owner.token)
    [ping] = got.received

    with pytest.raises(InvalidSignature):
        verify_signature(hook["secret"], ping.headers, ping.body.replace(b"test", b"tset"))
    with pytest.raises(InvalidSignature):
        verify_signature(hook["secret"], ping.headers, ping.body, now=9_999_999_999)
    with pytest.raises(InvalidSignature):
        verify_signature("whsec_other", ping.headers, ping.body)


def test_deleting_the_account_erases_its_webhooks_and_deliveries():
    owner = sign_up()
    with receiver() as got:
        hook = created(owner, got.url)
        call("POST", f"/v1/webhooks/{hook['id']}/test", token=owner.token)
    from tests.support.factories import PASSWORD

    gone = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=owner.token)

    assert gone.status in {200, 204}, gone.body
    assert list(repository.webhooks_of(owner.id)[0]) == []
    assert repository.erase(owner.id) == 0


def test_creating_and_pinging_share_a_rate_limit_per_person():
    from promptvault.ratelimit.limits import Limit
    from tests.support.ratelimits import enforced

    owner, other = sign_up(), sign_up()
    with enforced({"webhook": Limit(3, 3600)}):
        hook = created(owner, "http://127.0.0.1:9/hooks")
        created(owner, "http://127.0.0.1:9/hooks")
        pinged = call("POST", f"/v1/webhooks/{hook['id']}/test", token=owner.token)
        refused = register(owner, "http://127.0.0.1:9/hooks")
        ping_refused = call("POST", f"/v1/webhooks/{hook['id']}/test", token=owner.token)
        someone_else = register(other, "http://127.0.0.1:9/hooks")
        listed = call("GET", "/v1/webhooks", token=owner.token)  # not this bucket

    assert pinged.status == 200
    assert (refused.status, ping_refused.status) == (429, 429)
    assert refused.headers["Retry-After"]
    assert someone_else.status == 201
    assert listed.status == 200
