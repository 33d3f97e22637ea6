"""Rate limits: per person and action, sliding windows in DynamoDB, 429 with Retry-After.

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

from promptvault.data.transactions import table_connection
from promptvault.ratelimit.counter import STEPS, TooManyRequests, hit, slot
from promptvault.ratelimit.limits import DEFAULTS, Limit, limits_for, parse
from tests.support.api import FakeContext, Reply, event, match
from tests.support.factories import PASSWORD, User, prompt_body, sign_up
from tests.support.identity import api_key
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
    assert 1 <= int(refused.headers["Retry-After"]) <= 60 + 6  # the window end + a slice


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
    # up to the window's end plus one slice (a tenth of it): see ratelimit/counter.py
    assert 1 <= int(eleventh.headers["Retry-After"]) <= 3600 + 360


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


def test_comments_and_their_edits_are_limited_to_20_in_10_minutes_per_user(user, seeds):
    prompt = send("POST", "/v1/prompts", prompt_body(), token=user.token).body["data"]
    path = f"/v1/prompts/{prompt['id']}/comments"
    first = send("POST", path, {"body": "One"}, token=user.token)
    edit = f"/v1/comments/{first.body['data']['id']}"
    edits = [send("PATCH", edit, {"body": f"v{i}"}, token=user.token) for i in range(9)]
    more = [send("POST", path, {"body": f"c{i}"}, token=user.token) for i in range(10)]

    twenty_first = send("POST", path, {"body": "Too many"}, token=user.token)

    assert [r.status for r in [first, *more]] == [201] * 11
    assert [r.status for r in edits] == [200] * 9
    assert twenty_first.status == 429
    assert "comment" in twenty_first.body["error"]["message"]
    assert 1 <= int(twenty_first.headers["Retry-After"]) <= 600 + 60


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


WINDOW_START = 1_800_000_000.0 - 1_800_000_000.0 % 60  # a minute boundary, far ahead


def burst(identity: str, limit: Limit, at: float) -> int:
    """Requests sent at ``at`` until the first refusal: how many passed."""
    passed = 0
    while True:
        try:
            hit(identity, "general", limit, at)
        except TooManyRequests:
            return passed
        passed += 1


def stored(identity: str) -> dict[str, Any]:
    answer = table_connection().get_item(f"RATE#{identity}", "general")
    return {name: value.get("N", value.get("S")) for name, value in answer["Item"].items()}


def test_the_limit_th_request_passes_the_next_is_refused_and_not_counted():
    identity = f"test:{uuid.uuid4().hex}"
    limit = Limit(2, 60)
    now = WINDOW_START + 10

    counts = [hit(identity, "general", limit, now) for _ in range(2)]
    with pytest.raises(TooManyRequests) as refused:
        hit(identity, "general", limit, now + 30)

    item = stored(identity)
    assert counts == [1, 2]
    assert int(item[slot(int(now // 60), 0)]) == 2 * STEPS  # the refusal did not count
    # Still 2 in the window until it ends; from the next one's second slice (6 s in) the
    # previous window weighs 0.9 x 2 = 1.8 < 2: one more may pass.
    assert refused.value.retry_after == 60 - 40 + 6
    assert int(item["expiresAt"]) == WINDOW_START + 120  # TTL: the end of the next window


def test_a_burst_across_a_window_edge_is_held_to_the_weighted_estimate():
    """Fixed windows let 10 through at 0:59 and 10 more at 1:00: 20 in a second. Sliding,
    the previous window's 10 weigh (1 - j/10) in slice j of the next (rounded to the slice
    start, so never more than the exact approximation lets through)."""
    identity = f"test:{uuid.uuid4().hex}"
    limit = Limit(10, 60)

    at_the_end = burst(identity, limit, WINDOW_START + 59.5)
    at_the_start = burst(identity, limit, WINDOW_START + 60.5)  # weight 1.0: 10 + 0 >= 10
    a_quarter_in = burst(identity, limit, WINDOW_START + 75)  # slice 2, weight 0.8: 8 + 2
    halfway = burst(identity, limit, WINDOW_START + 90)  # weight 0.5: 5 + 5

    assert (at_the_end, at_the_start, a_quarter_in, halfway) == (10, 0, 2, 3)
    # In the 31 s from 0:59.5 to 1:30: 15 requests, where fixed windows allowed 20 in 1 s.
    # (The exact approximation at 1:15, weight 0.75, would have let 3 through, not 2.)
    assert at_the_end + at_the_start + a_quarter_in + halfway == 15
    # The window after an idle one starts from zero: nothing of 0:00-0:59 counts at 2:00.
    assert burst(identity, limit, WINDOW_START + 120.5) == 10 - 5


def test_a_window_with_no_requests_before_it_starts_at_zero_and_an_expired_item_is_renewed():
    identity = f"test:{uuid.uuid4().hex}"
    limit = Limit(3, 60)

    assert burst(identity, limit, WINDOW_START + 1) == 3
    assert burst(identity, limit, WINDOW_START + 180) == 3  # two windows later: expired

    item = stored(identity)
    window = int((WINDOW_START + 180) // 60)
    assert sorted(name for name in item if name[1:2].isdigit()) == sorted(
        [slot(window, j) for j in range(STEPS)] + [slot(window + 1, j) for j in range(STEPS)]
    )  # the renewal replaced the item: nothing of the old windows is left


def mine(credential: str) -> int:
    """The caller's own prompts (any credential of a person), each from an address of its own."""
    return send("GET", "/v1/users/me/prompts", token=credential, ip=fresh_ip()).status


def test_twenty_keys_of_one_person_share_one_budget(user):
    keys = [api_key(user)["key"] for _ in range(20)]
    with enforced({**GENEROUS, "general": Limit(20, 60)}):
        spent = [mine(key) for key in keys]
        over = [mine(key) for key in keys[:3]]
        own_token = mine(user.token)

    assert spent == [200] * 20
    assert over == [429] * 3
    assert own_token == 429


def test_a_token_and_a_key_of_one_person_share_one_budget(user):
    key = api_key(user)["key"]
    with enforced({**GENEROUS, "general": Limit(4, 60)}):
        statuses = [
            send("GET", "/v1/users/me/prompts", token=credential, ip=fresh_ip()).status
            for credential in (user.token, key, user.token, key, key, user.token)
        ]
        stranger = send("GET", "/v1/users/me/prompts", token=api_key(sign_up())["key"]).status

    assert statuses == [200, 200, 200, 200, 429, 429]
    assert stranger == 200


def test_the_seed_numbers_and_per_stage_overrides():
    assert {
        "auth-account": Limit(5, 60),
        "auth-ip": Limit(30, 60),
        "rating": Limit(30, 3600),
        "prompt-create": Limit(10, 3600),
        "comment": Limit(20, 600),
        "webhook": Limit(30, 3600),
        "import": Limit(20, 3600),
        "report": Limit(10, 3600),
        "invitation": Limit(50, 3600),
        "general": Limit(100, 60),
    } == DEFAULTS
    assert limits_for("dev")["general"] == Limit(300, 60)
    assert limits_for("prod") == DEFAULTS
    assert all(limit is None for limit in limits_for("test").values())
    assert limits_for("prod", "general=50/10,auth-ip=off")["general"] == Limit(50, 10)
    assert limits_for("prod", "auth-ip=off")["auth-ip"] is None
    with pytest.raises(ValueError, match="unknown rate-limit bucket"):
        parse("everything=1/1")
