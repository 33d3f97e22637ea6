"""Creators hear about it (issue 11): table changes -> domain events on the bus -> the
notifier's queue -> grouped in-app notifications and email, exactly once, never about one's
own action, never leaking a deleted target or actor. In-process moto: the stream pump, the
bus's rule and the queue as Lambda would run them (tests/support/events.py)."""

from __future__ import annotations

import json

import boto3
import pytest

from infra.local.outbox import sent_emails
from promptvault.notifications import notifier
from promptvault.streams.domain_events import event_id
from tests.support.api import call
from tests.support.events import drain_queues, queue_name
from tests.support.factories import PASSWORD, User, create_prompt, sign_up
from tests.support.streams import drain


def _notifications(user: User, **query: str) -> list[dict]:
    reply = call("GET", "/v1/users/me/notifications", token=user.token, query=query)
    assert reply.status == 200, reply.body
    return reply.data


def _unread(user: User) -> int:
    reply = call("GET", "/v1/users/me/notifications/unread-count", token=user.token)
    assert reply.status == 200, reply.body
    return reply.data["unread"]


def _emails_to(user: User) -> list[dict]:
    return [e for e in sent_emails() if user.email in e["to"]]


def _rate(user: User, prompt_id: str, score: int = 5) -> None:
    reply = call("PUT", f"/v1/prompts/{prompt_id}/rating", {"score": score}, token=user.token)
    assert reply.status in (200, 201), reply.body


@pytest.fixture
def owner() -> User:
    return sign_up()


def test_others_engagement_reaches_the_creator_grouped_once(owner: User):
    prompt = create_prompt(owner, title="Summarise a meeting")
    ada, bob, cy = sign_up(), sign_up(), sign_up()
    for fan in (ada, bob, cy):
        _rate(fan, prompt["id"])
    assert call("PUT", f"/v1/prompts/{prompt['id']}/bookmark", token=ada.token).status in (
        200,
        201,
        204,
    )
    assert call("POST", f"/v1/prompts/{prompt['id']}/fork", {}, token=bob.token).status == 201
    assert call("PUT", f"/v1/users/{owner.username}/follow", token=cy.token).status in (200, 201)
    drain()

    items = _notifications(owner)
    by_type = {item["type"]: item for item in items}
    assert set(by_type) == {"prompt.rated", "prompt.bookmarked", "prompt.forked", "user.followed"}
    rated = by_type["prompt.rated"]
    assert rated["count"] == 3
    assert rated["text"] == f"{cy.username} and 2 others rated “Summarise a meeting”"
    assert [a["username"] for a in rated["actors"]] == [cy.username, bob.username, ada.username]
    assert rated["target"] == {
        "type": "prompt",
        "id": prompt["id"],
        "title": "Summarise a meeting",
        "slug": prompt["slug"],
        "username": None,
    }
    assert by_type["user.followed"]["text"] == f"{cy.username} followed you"
    assert _unread(owner) == 4
    # nobody else heard of it
    for fan in (ada, bob, cy):
        assert _notifications(fan) == []


def test_ones_own_actions_notify_nobody(owner: User):
    prompt = create_prompt(owner)
    _rate(owner, prompt["id"])
    call("PUT", f"/v1/prompts/{prompt['id']}/bookmark", token=owner.token)
    call("POST", f"/v1/prompts/{prompt['id']}/fork", {}, token=owner.token)
    drain()
    assert _notifications(owner) == []
    assert _emails_to(owner) == []


def test_redelivered_and_duplicated_events_count_once(owner: User):
    prompt = create_prompt(owner)
    fan = sign_up()
    _rate(fan, prompt["id"])
    # capture what the bus delivers before the notifier sees it, then deliver it three times
    from tests.support.streams import pump

    runner = pump()
    while runner.drain():
        pass
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_name("events_notify"))["QueueUrl"]
    body = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"][0]["Body"]
    sqs.send_message(QueueUrl=url, MessageBody=body)
    sqs.send_message(QueueUrl=url, MessageBody=body)
    drain_queues()
    detail = json.loads(body)["detail"]
    notifier.process(detail)  # a fourth delivery, straight in

    [rated] = _notifications(owner)
    assert rated["count"] == 1
    assert _unread(owner) == 1


def test_marking_read_and_a_fresh_group_after(owner: User):
    prompt = create_prompt(owner)
    ada, bob = sign_up(), sign_up()
    _rate(ada, prompt["id"])
    drain()
    [first] = _notifications(owner, unread="true")
    other = sign_up()
    # another person's id marks nothing of theirs
    reply = call(
        "POST", "/v1/users/me/notifications/read", {"ids": [first["id"]]}, token=other.token
    )
    assert reply.status == 200
    assert reply.data == {"marked": 0}
    assert _unread(owner) == 1
    reply = call(
        "POST", "/v1/users/me/notifications/read", {"ids": [first["id"]]}, token=owner.token
    )
    assert reply.data == {"marked": 1}
    assert _unread(owner) == 0
    assert _notifications(owner, unread="true") == []
    _rate(bob, prompt["id"])
    drain()
    [again] = _notifications(owner, unread="true")
    assert again["id"] == first["id"]
    assert again["count"] == 1
    assert again["text"].startswith(f"{bob.username} rated")
    reply = call("POST", "/v1/users/me/notifications/read", {"all": True}, token=owner.token)
    assert reply.data == {"marked": 1}
    assert _unread(owner) == 0


@pytest.mark.parametrize(
    "body",
    [{}, {"ids": []}, {"ids": ["x"]}, {"all": False}, {"ids": ["0" * 20], "all": True}, {"all": 1}],
)
def test_mark_read_refuses_bad_bodies(owner: User, body: dict):
    reply = call("POST", "/v1/users/me/notifications/read", body, token=owner.token)
    assert reply.status == 422, reply.body
    assert reply.error["code"] == "VALIDATION_ERROR"


def test_a_deleted_prompt_or_account_never_leaks(owner: User):
    gone_prompt = create_prompt(owner, title="Soon gone")
    kept = create_prompt(owner, title="Kept prompt")
    leaver, stayer = sign_up(), sign_up()
    _rate(leaver, gone_prompt["id"])
    _rate(leaver, kept["id"])
    _rate(stayer, kept["id"])
    drain()
    assert (
        call(
            "DELETE",
            f"/v1/prompts/{gone_prompt['id']}",
            token=owner.token,
            headers={"if-match": gone_prompt["etag"]},
        ).status
        == 204
    )
    assert call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=leaver.token).status in (
        200,
        204,
    )
    drain()
    items = _notifications(owner)
    assert [i["target"]["title"] for i in items] == ["Kept prompt"]
    names = {a["username"] for i in items for a in i["actors"]}
    assert leaver.username not in names
    assert stayer.username in names
    assert leaver.username not in json.dumps(items)


def test_a_guest_rating_is_told_without_a_name(owner: User):
    prompt = create_prompt(owner, title="Open to guests")
    reply = call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 4, "guestId": "g" * 16})
    assert reply.status == 200, reply.body
    drain()
    [rated] = _notifications(owner)
    assert rated["actors"] == [{"username": None, "displayName": None}]
    assert rated["text"] == "a guest rated “Open to guests”"


def test_event_ids_are_stable_per_record_and_type():
    assert event_id("abc", "prompt.rated") == event_id("abc", "prompt.rated")
    assert event_id("abc", "prompt.rated") != event_id("abd", "prompt.rated")
    assert len(event_id("abc", "prompt.rated")) == 32


def test_chaos_duplicated_reordered_and_failing_deliveries_count_and_email_once(
    owner: User, monkeypatch: pytest.MonkeyPatch
):
    """Every event delivered three times, shuffled, in small batches, with the email sender
    and the preferences read failing now and then (after and before the in-app write): each
    notification counts each event once and each email goes out once."""
    import random

    from infra.local.queues import lambda_record
    from promptvault.email import preferences, sender
    from tests.support.streams import pump

    prompt = create_prompt(owner, title="Chaos theory")
    followers, forkers = [sign_up() for _ in range(3)], [sign_up() for _ in range(3)]
    for fan in followers:
        assert call("PUT", f"/v1/users/{owner.username}/follow", token=fan.token).status == 200
    for fan in forkers:
        assert call("POST", f"/v1/prompts/{prompt['id']}/fork", {}, token=fan.token).status == 201
    for fan in followers + forkers:
        _rate(fan, prompt["id"])
    runner = pump()
    while runner.drain():  # onto the bus: the notifier's queue holds them, undelivered
        pass
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_name("events_notify"))["QueueUrl"]
    bodies = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in messages:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert len(bodies) == 12  # 3 follows, 3 forks, 6 ratings

    real_send, real_load = sender.send, preferences.load
    calls = {"send": 0, "load": 0}

    def flaky_send(to, email):
        calls["send"] += 1
        if calls["send"] % 3 == 0:
            raise RuntimeError("SES throttled")
        return real_send(to, email)

    def flaky_load(user_id):
        calls["load"] += 1
        if calls["load"] % 5 == 0:
            raise RuntimeError("DynamoDB throttled")
        return real_load(user_id)

    monkeypatch.setattr(sender, "send", flaky_send)
    monkeypatch.setattr(preferences, "load", flaky_load)
    shuffle = random.Random(11)
    pending = [*bodies, *bodies, *bodies]
    shuffle.shuffle(pending)
    rounds = 0
    while pending and rounds < 100:
        rounds += 1
        batch, pending = pending[:4], pending[4:]
        messages = [
            {"MessageId": f"m{rounds}-{i}", "ReceiptHandle": "r", "Body": b, "MD5OfBody": ""}
            for i, b in enumerate(batch)
        ]
        arn = "arn:aws:sqs:us-east-1:123456789012:notify"
        event = {"Records": [lambda_record(m, arn) for m in messages]}
        reply = notifier.handle(event)
        failed = {f["itemIdentifier"] for f in reply["batchItemFailures"]}
        retry = [m["Body"] for m in messages if m["MessageId"] in failed]
        pending = [*pending, *retry]
        shuffle.shuffle(pending)
    assert not pending
    assert calls["send"] > 6  # failures happened and were retried

    emails = _emails_to(owner)
    assert len(emails) == 6  # 3 follows + 3 forks, instant, each exactly once
    assert len({e["subject"] for e in emails}) == 6
    by_type = {n["type"]: n for n in _notifications(owner)}
    assert by_type["user.followed"]["count"] == 3
    assert by_type["prompt.forked"]["count"] == 3
    assert by_type["prompt.rated"]["count"] == 6
    assert _unread(owner) == 3


def test_a_private_prompts_engagement_notifies_no_one_else(owner: User):
    """Others cannot engage with a private prompt at all (404, no event); the owner's own
    engagement with it notifies nobody; an unlisted prompt's engagement reaches its owner
    alone, never the actor or a bystander."""
    private = create_prompt(owner, title="Private notes", visibility="private")
    unlisted = create_prompt(owner, title="Unlisted notes", visibility="unlisted")
    fan, bystander = sign_up(), sign_up()
    refused = call("PUT", f"/v1/prompts/{private['id']}/rating", {"score": 5}, token=fan.token)
    assert refused.status == 404
    _rate(owner, private["id"])
    call("PUT", f"/v1/prompts/{private['id']}/bookmark", token=owner.token)
    _rate(fan, unlisted["id"])
    drain()
    [only] = _notifications(owner)
    assert only["target"]["title"] == "Unlisted notes"
    assert _notifications(fan) == []
    assert _notifications(bystander) == []
    assert _emails_to(fan) == []
    assert _emails_to(bystander) == []
