"""Expiring share links (issue 12): minted by the owner, read by anyone holding the token
until the link expires, is revoked or has spent its views; stored hashed; gone with the
prompt."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from promptvault.core.settings import get_settings
from promptvault.data.models import prompt_pk
from promptvault.prompts import shares
from tests.support.api import Reply, call
from tests.support.factories import PASSWORD, User, create_prompt, sign_up


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


def private_prompt(user: User, **overrides: Any) -> dict[str, Any]:
    title = f"Shared prompt {uuid.uuid4().hex[:8]}"
    return create_prompt(user, title=title, visibility="private", **overrides)


def share(user: User, prompt: dict[str, Any], **body: Any) -> dict[str, Any]:
    reply = call("POST", f"/v1/prompts/{prompt['id']}/shares", body, token=user.token)
    assert reply.status == 201, reply.body
    return reply.data


def read(token: str) -> Reply:
    return call("GET", f"/v1/shared/{token}")


def listed(user: User, prompt: dict[str, Any]) -> list[dict[str, Any]]:
    reply = call("GET", f"/v1/prompts/{prompt['id']}/shares", token=user.token)
    assert reply.status == 200, reply.body
    return reply.data


def share_items(prompt_id: str) -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb").Table(get_settings().table_name)
    found = table.query(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :share)",
        ExpressionAttributeValues={":pk": prompt_pk(prompt_id), ":share": "SHARE#"},
        ConsistentRead=True,
    )
    return list(found["Items"])


def test_anyone_with_the_link_reads_the_private_prompt_without_signing_in(owner):
    prompt = private_prompt(owner)
    made = share(owner, prompt)

    reply = read(made["token"])

    assert reply.status == 200, reply.body
    assert reply.data["id"] == prompt["id"]
    assert reply.data["content"] == prompt["content"]
    assert reply.data["visibility"] == "private"
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert call("GET", f"/v1/prompts/{prompt['id']}").status == 404  # still private


def test_the_answer_at_creation_holds_the_token_the_link_and_a_default_week(owner):
    before = datetime.now(UTC)
    made = share(owner, private_prompt(owner))

    assert made["url"] == f"{get_settings().public_url}/v1/shared/{made['token']}"
    assert made["status"] == "active"
    assert made["views"] == 0
    assert made["maxViews"] is None
    ends = datetime.fromisoformat(made["expiresAt"])
    assert before + timedelta(days=7) <= ends <= datetime.now(UTC) + timedelta(days=7)


def test_the_token_is_stored_only_as_a_hash_and_never_listed(owner):
    prompt = private_prompt(owner)
    made = share(owner, prompt)
    secret = made["token"][-43:]

    (item,) = share_items(prompt["id"])

    assert item["tokenHash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(value) for value in item.values())
    (entry,) = listed(owner, prompt)
    assert "token" not in entry
    assert "url" not in entry
    assert entry["id"] == made["id"]


def test_each_read_spends_one_view_and_the_budget_ends_the_link_with_410(owner):
    prompt = private_prompt(owner)
    made = share(owner, prompt, maxViews=2)

    statuses = [read(made["token"]).status for _ in range(3)]

    assert statuses == [200, 200, 410]
    (entry,) = listed(owner, prompt)
    assert (entry["views"], entry["status"]) == (2, "exhausted")
    assert entry["lastViewedAt"] is not None


def test_an_expired_link_is_410_and_listed_as_expired(owner, monkeypatch):
    prompt = private_prompt(owner)
    made = share(owner, prompt, expiresAt=(datetime.now(UTC) + timedelta(hours=1)).isoformat())
    assert read(made["token"]).status == 200
    later = datetime.now(UTC) + timedelta(hours=2)
    monkeypatch.setattr(shares, "utcnow", lambda: later)

    gone = read(made["token"])

    assert gone.status == 410, gone.body
    assert gone.error["code"] == "GONE"
    assert "expired" in gone.error["message"]
    (entry,) = listed(owner, prompt)
    assert (entry["status"], entry["views"]) == ("expired", 1)


def test_a_revoked_link_is_410_and_revoking_again_changes_nothing(owner):
    prompt = private_prompt(owner)
    made = share(owner, prompt)
    path = f"/v1/prompts/{prompt['id']}/shares/{made['id']}"

    first = call("DELETE", path, token=owner.token)
    (item,) = share_items(prompt["id"])
    again = call("DELETE", path, token=owner.token)

    assert (first.status, again.status) == (204, 204)
    assert share_items(prompt["id"]) == [item]
    assert read(made["token"]).status == 410
    (entry,) = listed(owner, prompt)
    assert entry["status"] == "revoked"
    assert entry["revokedAt"] == item["revokedAt"]


def test_a_tampered_token_names_no_link_and_writes_nothing(owner):
    prompt = private_prompt(owner)
    made = share(owner, prompt)
    token = made["token"]
    other_secret = token[:-1] + ("A" if token[-1] != "A" else "B")
    another = private_prompt(owner)
    # the link's own id and secret under another of the owner's prompts
    moved = f"pvs_{another['id'][2:]}{token[4 + 32 :]}"

    for tampered in (other_secret, moved, token.upper(), token + "x", token[:-1]):
        assert read(tampered).status == 404, tampered

    (item,) = share_items(prompt["id"])
    assert item["views"] == 0
    assert read(token).status == 200


def test_a_link_never_reaches_another_prompt_of_the_owner(owner):
    first, second = private_prompt(owner), private_prompt(owner)
    made = share(owner, first)

    reply = read(made["token"])

    assert reply.data["id"] == first["id"]
    assert second["id"] not in str(reply.body)


def test_links_are_listed_newest_first_with_a_cursor(owner):
    prompt = private_prompt(owner)
    ids = [share(owner, prompt)["id"] for _ in range(3)]
    path = f"/v1/prompts/{prompt['id']}/shares"

    page = call("GET", path, token=owner.token, query={"limit": "2"})
    rest = call(
        "GET",
        path,
        token=owner.token,
        query={"limit": "2", "cursor": page.body["meta"]["nextCursor"]},
    )

    assert [s["id"] for s in page.data + rest.data] == ids[::-1]
    assert rest.body["meta"]["hasMore"] is False


def test_a_prompt_holds_at_most_the_live_link_cap(owner, monkeypatch):
    monkeypatch.setattr(shares, "MAX_LIVE_SHARES", 2)
    prompt = private_prompt(owner)
    first = share(owner, prompt)
    share(owner, prompt, maxViews=1)
    path = f"/v1/prompts/{prompt['id']}/shares"

    full = call("POST", path, {}, token=owner.token)
    call("DELETE", f"{path}/{first['id']}", token=owner.token)
    after_revoke = call("POST", path, {}, token=owner.token)

    assert full.status == 409, full.body
    assert after_revoke.status == 201, after_revoke.body


def test_others_cannot_mint_list_or_revoke_links_of_a_prompt_they_do_not_own(owner):
    prompt = create_prompt(owner, title=f"Public prompt {uuid.uuid4().hex[:8]}")
    made = share(owner, prompt)
    stranger = sign_up()
    path = f"/v1/prompts/{prompt['id']}/shares"

    answers = [
        call("POST", path, {}, token=stranger.token).status,
        call("GET", path, token=stranger.token).status,
        call("DELETE", f"{path}/{made['id']}", token=stranger.token).status,
    ]

    assert answers == [404, 404, 404]
    assert read(made["token"]).status == 200


def test_deleting_the_prompt_deletes_its_links(owner):
    prompt = private_prompt(owner)
    made = share(owner, prompt)
    share(owner, prompt, maxViews=3)

    deleted = call("DELETE", f"/v1/prompts/{prompt['id']}", token=owner.token)

    assert deleted.status == 204, deleted.body
    assert share_items(prompt["id"]) == []
    assert read(made["token"]).status == 404


def test_deleting_the_account_deletes_its_links():
    person = sign_up()
    prompt = private_prompt(person)
    made = share(person, prompt)

    gone = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=person.token)

    assert gone.status in (202, 204), gone.body
    assert share_items(prompt["id"]) == []
    assert read(made["token"]).status == 404


def test_a_revoked_link_is_swept_30_days_after_and_an_ended_one_30_days_after_its_end(owner):
    prompt = private_prompt(owner)
    ends = datetime.now(UTC) + timedelta(days=2)
    kept = share(owner, prompt, expiresAt=ends.isoformat())
    revoked = share(owner, prompt)
    call("DELETE", f"/v1/prompts/{prompt['id']}/shares/{revoked['id']}", token=owner.token)

    items = {i["shareId"]: i for i in share_items(prompt["id"])}

    sweep = int(items[kept["id"]]["expiresAt"])
    assert abs(sweep - (ends + timedelta(days=30)).timestamp()) < 2
    revoked_sweep = int(items[revoked["id"]]["expiresAt"])
    assert abs(revoked_sweep - (datetime.now(UTC) + timedelta(days=30)).timestamp()) < 60
