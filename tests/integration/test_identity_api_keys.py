"""Personal API keys: shown once, stored hashed, limited by scope, revoked at once."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from promptvault.core.settings import get_settings
from promptvault.data.models import ApiKeyItem
from tests.support.api import call
from tests.support.factories import create_prompt, prompt_body, sign_up
from tests.support.identity import api_key, revoked_key
from tests.support.settings import stage_env


def test_a_new_key_is_shown_once_with_the_pv_prefix_and_high_entropy():
    owner = sign_up()

    made = api_key(owner, ("read",))

    assert made["key"].startswith("pv_")
    assert len(made["key"]) >= 60
    assert made["id"].startswith("ak_")
    assert made["scopes"] == ["read"]
    listed = call("GET", "/v1/users/me/api-keys", token=owner.token)
    assert [k["id"] for k in listed.data] == [made["id"]]
    assert "key" not in listed.data[0]


def test_only_a_hash_of_the_secret_is_stored():
    owner = sign_up()
    made = api_key(owner)
    key_hex, secret = made["key"][3:].split("_", 1)

    raw = boto3.client("dynamodb").get_item(
        TableName=get_settings().table_name,
        Key={"PK": {"S": f"APIKEY#{key_hex}"}, "SK": {"S": "APIKEY"}},
    )["Item"]

    assert secret not in str(raw)
    assert made["key"] not in str(raw)
    assert raw["secretHash"]["S"] == hashlib.sha256(secret.encode()).hexdigest()


def test_a_read_key_reads_its_owners_private_prompt_like_the_owner():
    owner = sign_up()
    prompt = create_prompt(owner, visibility="private")
    key = api_key(owner)["key"]

    reply = call("GET", f"/v1/prompts/{prompt['id']}", token=key)

    assert reply.status == 200, reply.body
    assert reply.data["id"] == prompt["id"]


def test_a_read_key_cannot_write_and_a_write_key_can():
    owner = sign_up()
    read, write = api_key(owner)["key"], api_key(owner, ("read", "write"))["key"]

    refused = call("POST", "/v1/prompts", prompt_body(), token=read)
    created = call("POST", "/v1/prompts", prompt_body(), token=write)

    assert (refused.status, refused.error["code"]) == (403, "FORBIDDEN")
    assert created.status == 201
    assert created.data["ownerId"] == owner.id


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/users/me/api-keys"),
        ("POST", "/v1/users/me/api-keys"),
        ("DELETE", "/v1/users/me"),
    ],
)
def test_no_key_can_manage_keys_or_delete_the_account(method, path):
    owner = sign_up()
    key = api_key(owner, ("read", "write"))["key"]

    reply = call(method, path, {"name": "minted", "scopes": ["read"]}, token=key)

    assert reply.status == 403, reply.body


def test_a_revoked_key_is_401_at_once():
    owner = sign_up()
    key = revoked_key(owner)

    reply = call("GET", "/v1/users/me/prompts", token=key)

    assert (reply.status, reply.error["code"]) == (401, "UNAUTHORIZED")


def test_an_expired_key_is_401():
    owner = sign_up()
    made = api_key(owner)
    key_hex = made["key"][3:].split("_", 1)[0]
    item = ApiKeyItem.get(f"APIKEY#{key_hex}", "APIKEY")
    item.update(actions=[ApiKeyItem.expires_at.set(datetime.now(UTC) - timedelta(seconds=1))])

    assert call("GET", "/v1/users/me/prompts", token=made["key"]).status == 401


def test_an_expiry_in_the_past_is_refused_and_one_in_the_future_is_kept():
    owner = sign_up()
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    future = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)

    refused = call(
        "POST", "/v1/users/me/api-keys", {"name": "old", "expiresAt": past}, token=owner.token
    )
    kept = api_key(owner, expiresAt=future.isoformat())

    assert refused.status == 422
    assert datetime.fromisoformat(kept["expiresAt"]) == future


@pytest.mark.parametrize(
    "body",
    [{"name": "x", "scopes": ["write"]}, {"name": "x", "scopes": ["admin"]}, {"name": ""}, {}],
)
def test_a_key_needs_a_name_and_read_scope(body):
    reply = call("POST", "/v1/users/me/api-keys", body, token=sign_up().token)

    assert reply.status == 422, reply.body


@pytest.mark.parametrize(
    "forged",
    ["pv_", "pv_0123456789abcdef_" + "A" * 43, "pv_../../etc/passwd", "pv_" + "0" * 5000],
)
def test_a_forged_key_is_401(forged):
    assert call("GET", "/v1/users/me/prompts", token=forged).status == 401


def test_a_key_with_the_right_id_and_a_wrong_secret_is_401():
    made = api_key(sign_up())
    key_hex = made["key"][3:].split("_", 1)[0]

    assert call("GET", "/v1/users/me/prompts", token=f"pv_{key_hex}_{'B' * 43}").status == 401


def test_another_users_key_cannot_be_revoked_and_looks_missing():
    owner, stranger = sign_up(), sign_up()
    made = api_key(owner)

    theirs = call("DELETE", f"/v1/users/me/api-keys/{made['id']}", token=stranger.token)
    missing = call("DELETE", "/v1/users/me/api-keys/ak_0000000000000000", token=stranger.token)

    assert (theirs.status, theirs.body) == (missing.status, missing.body) == (404, missing.body)
    assert call("GET", "/v1/users/me/prompts", token=made["key"]).status == 200


def test_last_use_is_recorded_at_most_once_a_minute():
    owner = sign_up()
    made = api_key(owner)

    call("GET", "/v1/users/me/prompts", token=made["key"])
    first = call("GET", "/v1/users/me/api-keys", token=owner.token).data[0]["lastUsedAt"]
    call("GET", "/v1/users/me/prompts", token=made["key"])
    second = call("GET", "/v1/users/me/api-keys", token=owner.token).data[0]["lastUsedAt"]

    assert first is not None
    assert first == second


# --- issue 16, finding 13 (a): API keys accepted any expiry, 9999-12-31 included -----------


def _create_key(owner, **extra):
    return call("POST", "/v1/users/me/api-keys", {"name": "k", **extra}, token=owner.token)


def _assert_expiry_refused(reply) -> None:
    assert reply.status == 422, reply.body
    assert reply.error["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in reply.error["details"]] == ["expiresAt"]


@pytest.mark.parametrize(
    "expires_at",
    ["9999-12-31T00:00:00Z", (datetime.now(UTC) + timedelta(days=367)).isoformat()],
    ids=["year-9999", "a-year-and-two-days"],
)
def test_finding_13_a_key_expiring_beyond_the_maximum_lifetime_is_422(expires_at):
    owner = sign_up()

    reply = _create_key(owner, expiresAt=expires_at)

    _assert_expiry_refused(reply)
    assert call("GET", "/v1/users/me/api-keys", token=owner.token).data == []


def test_finding_13_a_key_created_without_an_expiry_expires_after_the_maximum_lifetime():
    owner = sign_up()
    before = datetime.now(UTC).replace(microsecond=0)  # expiries are whole seconds (the TTL)

    made = api_key(owner)

    expires = datetime.fromisoformat(made["expiresAt"])
    assert before + timedelta(days=365) <= expires <= datetime.now(UTC) + timedelta(days=365)
    assert call("GET", "/v1/prompts", token=made["key"]).status == 200


def test_finding_13_a_key_may_expire_up_to_the_maximum_lifetime():
    owner = sign_up()
    at_most = (datetime.now(UTC) + timedelta(days=365)).replace(microsecond=0)

    made = api_key(owner, expiresAt=at_most.isoformat())

    assert datetime.fromisoformat(made["expiresAt"]) == at_most


def test_finding_13_the_maximum_key_lifetime_is_a_stage_setting():
    owner = sign_up()
    with stage_env(API_KEY_MAX_DAYS="7"):
        refused = _create_key(owner, expiresAt=(datetime.now(UTC) + timedelta(days=8)).isoformat())
        made = api_key(owner)

    _assert_expiry_refused(refused)
    lifetime = datetime.fromisoformat(made["expiresAt"]) - datetime.now(UTC)
    assert timedelta(days=6, hours=23) < lifetime <= timedelta(days=7)


def test_finding_13_a_key_stored_without_an_expiry_stops_working_after_the_maximum_lifetime():
    owner = sign_up()
    made = api_key(owner)
    key_hex = made["key"][3:].split("_", 1)[0]
    item = ApiKeyItem.get(f"APIKEY#{key_hex}", "APIKEY")
    created = datetime.now(UTC) - timedelta(days=366)
    item.update(  # as keys were stored before the maximum: no expiry at all
        actions=[
            ApiKeyItem.expires_at.remove(),
            ApiKeyItem.created_at.set(created.isoformat(timespec="milliseconds")),
        ]
    )

    assert call("GET", "/v1/users/me/prompts", token=made["key"]).status == 401
