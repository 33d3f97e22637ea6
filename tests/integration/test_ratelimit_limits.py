"""Rate limits: per identity and action, fixed windows in DynamoDB, 429 with Retry-After.

These tests switch the limits on (the "test" stage has them off) and send each request from
an address of its own, so other tests' counts never mix in.
"""

from __future__ import annotations

import importlib
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from promptvault.data.models import RateCounterItem
from promptvault.ratelimit.counter import TooManyRequests, hit
from promptvault.ratelimit.limits import DEFAULTS, Limit, limits_for, parse
from tests.support.api import FakeContext, Reply, event, match
from tests.support.factories import PASSWORD, User, prompt_body, sign_up
from tests.support.ratelimits import GENEROUS, enforced


def send(
    method: str, path: str, body: Any = None, token: str | None = None, ip: str = "203.0.113.9"
) -> Reply:
    found = match(method, path)
    assert found
    route, params = found
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    request = event(route, path, params, None if body is None else json.dumps(body), headers, {})
    request["requestContext"]["http"]["sourceIp"] = ip
    handler = importlib.import_module(f"functions.{route.function}.handler").handler
    response = handler(request, FakeContext())
    return Reply(
        response["statusCode"], response.get("headers") or {}, json.loads(response["body"])
    )


def fresh_ip() -> str:
    return f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


@pytest.fixture(autouse=True)
def whole_window() -> None:
    """A minute window must not roll over mid-test: wait out its last seconds."""
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)


@pytest.fixture
def seeds() -> Iterator[None]:
    with enforced(dict(DEFAULTS)):
        yield


@pytest.fixture
def user() -> User:
    return sign_up()


def login(user: User, ip: str, password: str = PASSWORD) -> Reply:
    return send("POST", "/v1/auth/login", {"email": user.email, "password": password}, ip=ip)


def test_sign_in_is_limited_to_5_a_minute_per_account_then_429_with_retry_after(user, seeds):
    statuses = [login(user, fresh_ip(), "Wrong-Horse-1").status for _ in range(5)]

    refused = login(user, fresh_ip())  # the right password, from yet another address

    assert statuses == [401] * 5
    assert refused.status == 429, refused.body
    assert refused.body["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_one_address_can_sign_in_many_accounts_up_to_its_looser_limit():
    users = [sign_up() for _ in range(8)]  # an office: eight people behind one address
    office = fresh_ip()
    with enforced(dict(DEFAULTS)):
        statuses = [login(users[i % 8], office).status for i in range(30)]  # < 5 per account
        over = login(users[7], office)

    assert statuses == [200] * 30
    assert over.status == 429
    assert "auth-ip" in over.body["error"]["message"]


def test_prompt_creation_is_limited_to_10_an_hour_per_user(user, seeds):
    created = [send("POST", "/v1/prompts", prompt_body(), token=user.token) for _ in range(10)]

    eleventh = send("POST", "/v1/prompts", prompt_body(), token=user.token)

    assert [r.status for r in created] == [201] * 10
    assert eleventh.status == 429
    assert 1 <= int(eleventh.headers["Retry-After"]) <= 3600


def test_a_fork_counts_as_prompt_creation(user, seeds):
    original = send("POST", "/v1/prompts", prompt_body(), token=user.token)
    forks = [
        send("POST", f"/v1/prompts/{original.body['data']['id']}/fork", {}, token=user.token)
        for _ in range(9)
    ]

    eleventh = send("POST", "/v1/prompts", prompt_body(), token=user.token)

    assert [r.status for r in [original, *forks]] == [201] * 10
    assert eleventh.status == 429
    assert "prompt-create" in eleventh.body["error"]["message"]


def test_each_identity_has_its_own_budget():
    alice, bob = sign_up(), sign_up()
    with enforced({**GENEROUS, "general": Limit(3, 60)}):
        spent = [send("GET", "/v1/users/me", token=alice.token).status for _ in range(4)]
        others = (
            send("GET", "/v1/users/me", token=bob.token).status,
            send("GET", "/v1/prompts", ip=fresh_ip()).status,
        )

    assert spent == [200, 200, 200, 429]
    assert others == (200, 200)


def test_anonymous_callers_are_limited_per_address():
    ip = fresh_ip()
    with enforced({**GENEROUS, "general": Limit(2, 60)}):
        statuses = [send("GET", "/v1/prompts", ip=ip).status for _ in range(3)]
        elsewhere = send("GET", "/v1/prompts", ip=fresh_ip()).status

    assert statuses == [200, 200, 429]
    assert elsewhere == 200


def test_a_refused_request_is_not_counted_and_the_window_expires_by_ttl():
    identity = f"test:{uuid.uuid4().hex}"
    limit = Limit(2, 60)
    now = 1_800_000_000.0

    counts = [hit(identity, "general", limit, now) for _ in range(2)]
    with pytest.raises(TooManyRequests) as refused:
        hit(identity, "general", limit, now + 30)

    item = RateCounterItem.get(f"RATE#{identity}", f"general#{int(now // 60) * 60}")
    assert counts == [1, 2]
    assert item.hits == 2
    assert refused.value.retry_after == 60 - int(now % 60) - 30
    assert item.expires_at is not None
    assert item.expires_at.timestamp() == int(now // 60) * 60 + 60 + 60
    assert hit(identity, "general", limit, now + 60) == 1  # the next window starts at zero


def test_the_seed_numbers_and_per_stage_overrides():
    assert {
        "auth-account": Limit(5, 60),
        "auth-ip": Limit(30, 60),
        "rating": Limit(30, 3600),
        "prompt-create": Limit(10, 3600),
        "general": Limit(100, 60),
    } == DEFAULTS
    assert limits_for("dev")["general"] == Limit(300, 60)
    assert limits_for("prod") == DEFAULTS
    assert all(limit is None for limit in limits_for("test").values())
    assert limits_for("prod", "general=50/10,auth-ip=off")["general"] == Limit(50, 10)
    assert limits_for("prod", "auth-ip=off")["auth-ip"] is None
    with pytest.raises(ValueError, match="unknown rate-limit bucket"):
        parse("everything=1/1")
