"""Security headers on every answer of every function, successes and refusals alike.

Catalogue-driven: each route is sent a request without credentials, one with a token of
someone unknown to the route's resources and a malformed body, and whatever comes back (a
success, a 4xx refusal before the resolver, or the resolver's own error) carries the headers.
"""

from __future__ import annotations

import re

import pytest

from promptvault.catalogue import ROUTES, Route
from promptvault.ratelimit.limits import Limit
from promptvault.web.envelope import SECURITY_HEADERS
from tests.support.api import Reply, call
from tests.support.factories import User, create_prompt, sign_up
from tests.support.ratelimits import GENEROUS, enforced


def concrete(route: Route) -> str:
    return re.sub(r"\{[^}]+\}", "no-such-thing", route.path)


def lower(reply: Reply) -> dict[str, str]:
    return {name.lower(): value for name, value in reply.headers.items()}


def assert_secured(reply: Reply) -> None:
    headers = lower(reply)
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name.lower()) == value, (reply.status, name, reply.headers)


@pytest.fixture(scope="module")
def someone() -> User:
    return sign_up()


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_every_route_answers_with_the_security_headers(route: Route, someone: User):
    path = concrete(route)
    anonymous = call(route.method, path)
    malformed = call(route.method, path, token=someone.token, raw="{not json")

    assert_secured(anonymous)
    assert_secured(malformed)
    assert "cache-control" in lower(malformed)  # credentialed: no-store or the route's own


def test_an_authenticated_answer_is_not_stored_and_an_anonymous_one_may_be(someone: User):
    create_prompt(someone)
    mine = call("GET", "/v1/users/me/prompts", token=someone.token)
    public = call("GET", "/v1/prompts")

    assert mine.status == 200
    assert_secured(mine)
    assert lower(mine)["cache-control"] == "no-store"
    assert public.status == 200
    assert_secured(public)
    assert "cache-control" not in lower(public)


def test_a_refusal_before_the_resolver_and_a_429_carry_them_too():
    someone = sign_up()
    bad_token = call("GET", "/v1/users/me", token="not-a-token")
    with enforced({**GENEROUS, "general": Limit(1, 60)}):
        call("GET", "/v1/users/me", token=someone.token)
        limited = call("GET", "/v1/users/me", token=someone.token)

    assert bad_token.status == 401
    assert_secured(bad_token)
    assert lower(bad_token)["cache-control"] == "no-store"
    assert limited.status == 429
    assert_secured(limited)
    assert "retry-after" in lower(limited)


def test_a_route_that_states_its_cache_control_keeps_it_even_with_credentials(someone: User):
    categories = call("GET", "/v1/categories", token=someone.token)

    assert categories.status == 200
    assert_secured(categories)
    assert lower(categories)["cache-control"] == "public, max-age=300"
