"""Bad input for every catalogue route: a 4xx error envelope, and nothing written.

Each route has one valid example request below; the tests break it in one way at a time.
A route added to the catalogue without an example fails
``test_every_catalogue_route_has_a_valid_example``, so no endpoint escapes these checks.
"""

from __future__ import annotations

import importlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import boto3
import pytest

from promptvault.catalogue import ROUTES, Route
from promptvault.settings import get_settings
from tests.support.api import FakeContext, Reply, event
from tests.support.factories import PASSWORD, User, create_prompt, prompt_body, sign_up

BY_KEY = {route.route_key: route for route in ROUTES}
MISSING = object()


@dataclass
class Request:
    route: Route
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    raw: str | None = None


def send(request: Request) -> Reply:
    """Invokes the route's real handler with these exact path parameters (no path matching)."""
    path = request.route.path.format(**request.params)
    headers = {"content-type": "application/json", **request.headers}
    if request.token:
        headers["authorization"] = f"Bearer {request.token}"
    text = request.raw
    if text is None and request.body is not None:
        text = json.dumps(request.body)
    module = importlib.import_module(f"functions.{request.route.function}.handler")
    response = module.handler(
        event(request.route, path, request.params, text, headers, request.query), FakeContext()
    )
    payload = json.loads(response["body"]) if response.get("body") else None
    return Reply(response["statusCode"], response.get("headers") or {}, payload)


def stored() -> tuple[int, int]:
    """How many items the table holds and how many users the pool holds."""
    # moto keeps ItemCount live (AWS refreshes it every few hours), and unlike a Scan it
    # costs the same however big the shared table has grown.
    table = boto3.client("dynamodb").describe_table(TableName=get_settings().table_name)
    items = table["Table"]["ItemCount"]
    users = 0
    for page in (
        boto3.client("cognito-idp")
        .get_paginator("list_users")
        .paginate(UserPoolId=get_settings().user_pool_id)
    ):
        users += len(page["Users"])
    return items, users


def assert_error_envelope(reply: Reply) -> None:
    assert reply.body["success"] is False, reply.body
    assert set(reply.body) == {"success", "error"}
    error = reply.error
    assert isinstance(error["code"], str)
    assert error["code"].isupper()
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], list)
    for detail in error["details"]:
        assert {"field", "message"} <= set(detail)


def assert_rejected(
    request: Request, status: int, code: str | None = None, field_name: str | None = None
) -> Reply:
    before = stored()
    reply = send(request)
    assert reply.status == status, reply.body
    assert_error_envelope(reply)
    if code:
        assert reply.error["code"] == code, reply.error
    if field_name:
        assert field_name in [d["field"] for d in reply.error["details"]], reply.error
    assert stored() == before, "a rejected request wrote something"
    return reply


def assert_refused(request: Request) -> Reply:
    """Any client error, never a server error, and nothing written."""
    before = stored()
    reply = send(request)
    assert 400 <= reply.status < 500, reply.body
    assert_error_envelope(reply)
    assert stored() == before, "a rejected request wrote something"
    return reply


# --- one valid request per route -------------------------------------------------------------


def _edited_prompt(owner: User) -> dict[str, Any]:
    prompt = create_prompt(owner)
    edited = send(
        Request(
            BY_KEY["PATCH /v1/prompts/{id}"],
            {"id": prompt["id"]},
            {"content": "Summarise the notes about {{topic}} in three bullet points."},
            owner.token,
            {"If-Match": prompt["etag"]},
        )
    )
    assert edited.status == 200, edited.body
    return {**edited.data, "etag": edited.headers["ETag"]}


def _login(owner: User) -> dict[str, Any]:
    reply = send(
        Request(BY_KEY["POST /v1/auth/login"], body={"email": owner.email, "password": PASSWORD})
    )
    assert reply.status == 200, reply.body
    return reply.data


def _fresh_username() -> str:
    return f"u{uuid.uuid4().hex[:12]}"


Example = Callable[[Route, User], Request]

EXAMPLES: dict[str, Example] = {
    "POST /v1/auth/signup": lambda r, u: Request(
        r,
        body={
            "email": f"{(name := _fresh_username())}@example.com",
            "password": PASSWORD,
            "username": name,
        },
    ),
    "POST /v1/auth/confirm": lambda r, u: Request(r, body={"email": u.email, "code": "123456"}),
    "POST /v1/auth/login": lambda r, u: Request(r, body={"email": u.email, "password": PASSWORD}),
    "POST /v1/auth/refresh": lambda r, u: Request(
        r, body={"refreshToken": _login(u)["refreshToken"]}
    ),
    "POST /v1/auth/forgot-password": lambda r, u: Request(r, body={"email": u.email}),
    "POST /v1/auth/reset-password": lambda r, u: Request(
        r, body={"email": u.email, "code": "123456", "password": PASSWORD}
    ),
    "GET /v1/users/me": lambda r, u: Request(r, token=u.token),
    "GET /v1/users/me/prompts": lambda r, u: Request(r, token=u.token),
    "POST /v1/prompts": lambda r, u: Request(r, body=prompt_body(), token=u.token),
    "GET /v1/prompts": lambda r, u: Request(r),
    "GET /v1/prompts/{id}": lambda r, u: Request(r, {"id": create_prompt(u)["id"]}),
    "PATCH /v1/prompts/{id}": lambda r, u: Request(
        r,
        {"id": (p := create_prompt(u))["id"]},
        {"title": "A better title"},
        u.token,
        {"If-Match": p["etag"]},
    ),
    "DELETE /v1/prompts/{id}": lambda r, u: Request(
        r, {"id": create_prompt(u)["id"]}, token=u.token
    ),
    "GET /v1/prompts/{id}/versions": lambda r, u: Request(r, {"id": _edited_prompt(u)["id"]}),
    "GET /v1/prompts/{id}/versions/{n}": lambda r, u: Request(
        r, {"id": _edited_prompt(u)["id"], "n": "1"}
    ),
    "POST /v1/prompts/{id}/versions/{n}/restore": lambda r, u: Request(
        r, {"id": _edited_prompt(u)["id"], "n": "1"}, {"changeMessage": "back"}, u.token
    ),
    "GET /v1/prompts/{id}/diff": lambda r, u: Request(
        r, {"id": _edited_prompt(u)["id"]}, query={"from": "1", "to": "2"}
    ),
    "GET /v1/categories": lambda r, u: Request(r),
    "GET /v1/models": lambda r, u: Request(r),
}


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


_examples: dict[tuple[str, str], Request] = {}


def fresh(route_key: str, owner: User) -> Request:
    """A new valid request, with its own prompt where it needs one."""
    return EXAMPLES[route_key](BY_KEY[route_key], owner)


def valid(route_key: str, owner: User) -> Request:
    """A valid request, made once: rejected requests write nothing, so it stays valid."""
    key = (route_key, owner.id)
    if key not in _examples:
        _examples[key] = fresh(route_key, owner)
    return _examples[key]


def with_body(request: Request, **changes: Any) -> Request:
    body = dict(request.body)
    for name, value in changes.items():
        if value is MISSING:
            body.pop(name, None)
        else:
            body[name] = value
    return replace(request, body=body)


def with_query(request: Request, **changes: str) -> Request:
    return replace(request, query={**request.query, **changes})


BODY_ROUTES = [r.route_key for r in ROUTES if r.method in {"POST", "PATCH", "PUT"}]
PARAM_ROUTES = [r.route_key for r in ROUTES if "{" in r.path]
ALL_ROUTES = [r.route_key for r in ROUTES]


def test_every_catalogue_route_has_a_valid_example():
    assert set(EXAMPLES) == set(ALL_ROUTES)


@pytest.mark.parametrize("route_key", ALL_ROUTES)
def test_the_valid_example_of_each_route_succeeds(route_key, owner):
    reply = send(fresh(route_key, owner))

    assert 200 <= reply.status < 300, reply.body


# --- shape of the body, for every route ------------------------------------------------------


@pytest.mark.parametrize("route_key", ALL_ROUTES)
def test_a_body_over_the_route_limit_is_413(route_key, owner):
    request = valid(route_key, owner)
    limit = request.route.max_body_bytes
    oversize = json.dumps({"title": "x" * limit})

    assert_rejected(replace(request, raw=oversize), 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize("route_key", BODY_ROUTES)
def test_a_body_at_the_route_limit_is_not_refused_for_its_size(route_key, owner):
    request = fresh(route_key, owner)
    text = json.dumps(request.body)
    padded = text + " " * (request.route.max_body_bytes - len(text.encode()))

    reply = send(replace(request, raw=padded))

    assert reply.status != 413, reply.body


@pytest.mark.parametrize("route_key", BODY_ROUTES)
@pytest.mark.parametrize("raw", ["{", '{"title": }', "{'single': 'quotes'}", "nul", "\x00"])
def test_invalid_json_is_400_bad_request(route_key, raw, owner):
    assert_rejected(replace(valid(route_key, owner), raw=raw), 400, "BAD_REQUEST")


@pytest.mark.parametrize("route_key", BODY_ROUTES)
@pytest.mark.parametrize("raw", ["[]", '"text"', "42", "true"])
def test_a_body_that_is_not_an_object_is_422(route_key, raw, owner):
    assert_rejected(replace(valid(route_key, owner), raw=raw), 422, "VALIDATION_ERROR")


@pytest.mark.parametrize("route_key", BODY_ROUTES)
@pytest.mark.parametrize("extra", ["unexpected", "ownerId", "id", "version", "__proto__"])
def test_an_unknown_field_is_422_and_named(route_key, extra, owner):
    request = with_body(valid(route_key, owner), **{extra: "x"})

    assert_rejected(request, 422, "VALIDATION_ERROR", extra)


# --- fields of each body ---------------------------------------------------------------------

SIGNUP = "POST /v1/auth/signup"
CREATE = "POST /v1/prompts"
UPDATE = "PATCH /v1/prompts/{id}"

FIELD_CASES: list[tuple[str, dict[str, Any], str]] = [
    # accounts
    (SIGNUP, {"email": MISSING}, "email"),
    (SIGNUP, {"password": MISSING}, "password"),
    (SIGNUP, {"username": MISSING}, "username"),
    (SIGNUP, {"email": "not-an-email"}, "email"),
    (SIGNUP, {"email": 42}, "email"),
    (SIGNUP, {"email": None}, "email"),
    (SIGNUP, {"email": "x" * 250 + "@example.com"}, "email"),
    (SIGNUP, {"username": "ab"}, "username"),
    (SIGNUP, {"username": "a" * 31}, "username"),
    (SIGNUP, {"username": "Upper"}, "username"),
    (SIGNUP, {"username": "dot.ted"}, "username"),
    (SIGNUP, {"username": "with space"}, "username"),
    (SIGNUP, {"username": "émile"}, "username"),
    (SIGNUP, {"username": "robert'); DROP TABLE users;--"}, "username"),
    (SIGNUP, {"username": 12345}, "username"),
    (SIGNUP, {"username": ["abc"]}, "username"),
    (SIGNUP, {"password": "Short-1"}, "password"),
    (SIGNUP, {"password": "x" * 257}, "password"),
    (SIGNUP, {"password": 12345678}, "password"),
    ("POST /v1/auth/confirm", {"code": MISSING}, "code"),
    ("POST /v1/auth/confirm", {"code": "12"}, "code"),
    ("POST /v1/auth/confirm", {"code": "<script>"}, "code"),
    ("POST /v1/auth/confirm", {"email": "nobody"}, "email"),
    ("POST /v1/auth/login", {"password": MISSING}, "password"),
    ("POST /v1/auth/login", {"email": MISSING}, "email"),
    ("POST /v1/auth/login", {"email": "' OR 1=1 --"}, "email"),
    ("POST /v1/auth/login", {"password": None}, "password"),
    ("POST /v1/auth/refresh", {"refreshToken": MISSING}, "refreshToken"),
    ("POST /v1/auth/refresh", {"refreshToken": "short"}, "refreshToken"),
    ("POST /v1/auth/refresh", {"refreshToken": 7}, "refreshToken"),
    ("POST /v1/auth/forgot-password", {"email": MISSING}, "email"),
    ("POST /v1/auth/forgot-password", {"email": "@example.com"}, "email"),
    ("POST /v1/auth/reset-password", {"code": "../../etc/passwd"}, "code"),
    ("POST /v1/auth/reset-password", {"password": "short"}, "password"),
    ("POST /v1/auth/reset-password", {"email": MISSING}, "email"),
    # prompts
    (CREATE, {"title": MISSING}, "title"),
    (CREATE, {"content": MISSING}, "content"),
    (CREATE, {"title": "x" * 4}, "title"),
    (CREATE, {"title": "x" * 101}, "title"),
    (CREATE, {"title": 12345}, "title"),
    (CREATE, {"title": None}, "title"),
    (CREATE, {"title": "Two\nlines here"}, "title"),
    (CREATE, {"title": "Bell \x07 rings"}, "title"),
    (CREATE, {"title": "Null \x00 byte"}, "title"),
    (CREATE, {"content": "{{topic}}" + "x" * 10}, "content"),
    (CREATE, {"content": "{{topic}}" + "x" * 9_992}, "content"),
    (CREATE, {"content": "Escape \x1b[31m {{topic}} sequences"}, "content"),
    (CREATE, {"content": ["{{topic}}" * 3]}, "content"),
    (CREATE, {"description": "x" * 501}, "description"),
    (CREATE, {"description": "Form\x0cfeed"}, "description"),
    (CREATE, {"instructions": "x" * 10_001}, "instructions"),
    (CREATE, {"exampleOutput": "x" * 10_001}, "exampleOutput"),
    (CREATE, {"tags": [f"t{i}" for i in range(6)]}, "tags"),
    (CREATE, {"tags": ["x" * 31]}, "tags.0"),
    (CREATE, {"tags": ["!!!"]}, "tags"),
    (CREATE, {"tags": "meetings"}, "tags"),
    (CREATE, {"tags": [1, 2]}, "tags.0"),
    (CREATE, {"variables": [{"name": "tone"}]}, "variables"),
    (CREATE, {"variables": [{"name": "topic"}, {"name": "topic"}]}, "variables"),
    (CREATE, {"variables": [{"name": "1bad"}]}, "variables.0.name"),
    (CREATE, {"variables": [{"description": "no name"}]}, "variables.0.name"),
    (CREATE, {"variables": [{"name": "topic", "kind": "text"}]}, "variables.0.kind"),
    (CREATE, {"variables": {"name": "topic"}}, "variables"),
    (CREATE, {"category": "not-a-category"}, "category"),
    (CREATE, {"category": "../../etc/passwd"}, "category"),
    (CREATE, {"model": "gpt-99"}, "model"),
    (CREATE, {"model": 4}, "model"),
    (CREATE, {"visibility": "secret"}, "visibility"),
    (CREATE, {"visibility": "PUBLIC"}, "visibility"),
    (CREATE, {"status": "deleted"}, "status"),
    (CREATE, {"status": None}, "status"),
    # edits
    (UPDATE, {"title": MISSING}, "body"),
    (UPDATE, {"title": "x" * 4}, "title"),
    (UPDATE, {"title": "x" * 101}, "title"),
    (UPDATE, {"title": "Tab\x0bbed title"}, "title"),
    (UPDATE, {"content": "x" * 19}, "content"),
    (UPDATE, {"content": "x" * 10_001}, "content"),
    (UPDATE, {"content": "No placeholders in this content at all"}, "variables"),
    (UPDATE, {"variables": [{"name": "tone"}]}, "variables"),
    (UPDATE, {"description": "x" * 501}, "description"),
    (UPDATE, {"tags": [f"t{i}" for i in range(6)]}, "tags"),
    (UPDATE, {"visibility": "everyone"}, "visibility"),
    (UPDATE, {"status": 1}, "status"),
    (UPDATE, {"changeMessage": "x" * 501}, "changeMessage"),
    (UPDATE, {"changeMessage": "two\nlines"}, "changeMessage"),
    (UPDATE, {"title": MISSING, "changeMessage": "only a message"}, "body"),
    ("POST /v1/prompts/{id}/versions/{n}/restore", {"changeMessage": "x" * 501}, "changeMessage"),
    ("POST /v1/prompts/{id}/versions/{n}/restore", {"changeMessage": 5}, "changeMessage"),
]


def _case_id(case: tuple[str, dict[str, Any], str]) -> str:
    route_key, changes, _ = case
    shown = {k: ("<missing>" if v is MISSING else repr(v)[:24]) for k, v in changes.items()}
    return f"{route_key.split(' ')[1]}:{shown}"


@pytest.mark.parametrize("case", FIELD_CASES, ids=[_case_id(c) for c in FIELD_CASES])
def test_a_bad_field_is_422_names_the_field_and_writes_nothing(case, owner):
    route_key, changes, field_name = case
    request = with_body(valid(route_key, owner), **changes)

    assert_rejected(request, 422, "VALIDATION_ERROR", field_name)


def test_every_body_route_has_field_cases():
    assert {case[0] for case in FIELD_CASES} == set(BODY_ROUTES)


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "x" * 5},
        {"title": "x" * 100},
        {"content": "{{topic}}" + "x" * 11, "title": "Shortest content"},
        {"content": "{{topic}}" + "x" * 9_991},
        {"description": "x" * 500},
        {"description": ""},
        {"tags": [f"tag-{i}" for i in range(5)]},
        {"tags": ["x" * 30]},
        {"tags": []},
        {"variables": []},
        {"title": "Résumé writer 🚀✨"},
        {"title": "会議の議事録を要約する"},
        {"title": "Сводка встречи"},
        {"title": "<script>alert(1)</script>"},
        {"title": "'; DROP TABLE prompts; --"},
        {"content": "Multi-line\ncontent with\ttabs about {{topic}} 🙂\r\n"},
    ],
    ids=lambda c: ",".join(f"{k}={repr(v)[:20]}" for k, v in c.items()),
)
def test_values_at_and_inside_the_limits_are_accepted(changes, owner):
    request = with_body(valid(CREATE, owner), **changes)

    reply = send(request)

    assert reply.status == 201, reply.body
    for name, value in changes.items():
        if name != "tags":
            assert reply.data[name] == value


@pytest.mark.parametrize("shape", ["{}", "{}" + "a" * 27, "{}_x", "{}-x", "0{}"])
def test_usernames_at_and_inside_the_limits_are_accepted(shape):
    username = shape.format(uuid.uuid4().hex[:3])
    body = {"email": f"{uuid.uuid4().hex}@example.com", "password": PASSWORD, "username": username}

    reply = send(Request(BY_KEY[SIGNUP], body=body))

    assert reply.status == 201, reply.body
    assert reply.data["username"] == username


# --- path parameters -------------------------------------------------------------------------

HOSTILE_IDS = [
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "p_" + "0" * 32,
    "p_" + "G" * 32,
    "x" * 5000,
    "p_" + "0" * 5000,
    "🚀",
    "会議",
    "%00",
    "\x00",
    "SLUG#anything",
    "PROMPT#p_x",
    " ",
    "null",
    "-",
    "a--b",
]
HOSTILE_NUMBERS = ["0", "-1", "1.5", "abc", "9" * 30, "1e3", "999999", "01x", "💯", " 1"]


def _param_cases() -> list[tuple[str, str, str]]:
    cases = []
    for route_key in PARAM_ROUTES:
        cases += [(route_key, "id", value) for value in HOSTILE_IDS]
        if "{n}" in route_key:
            cases += [(route_key, "n", value) for value in HOSTILE_NUMBERS]
    return cases


@pytest.mark.parametrize(
    ("route_key", "param", "value"),
    _param_cases(),
    ids=[f"{k.split(' ')[1]}:{p}={v[:16]!r}" for k, p, v in _param_cases()],
)
def test_a_hostile_path_parameter_is_refused_never_a_server_error(route_key, param, value, owner):
    request = valid(route_key, owner)
    request = replace(request, params={**request.params, param: value}, token=owner.token)
    if request.route.method == "PATCH":
        request = replace(request, headers={"If-Match": '"r1"'})

    reply = assert_refused(request)

    assert reply.status in {404, 422}, reply.body


# --- query parameters ------------------------------------------------------------------------

LISTINGS = ["GET /v1/prompts", "GET /v1/users/me/prompts", "GET /v1/prompts/{id}/versions"]

QUERY_CASES: list[tuple[str, dict[str, str], str]] = [
    *[(k, {"limit": v}, "limit") for k in LISTINGS for v in ["0", "101", "-1", "abc", "1.5", ""]],
    *[(k, {"cursor": "x" * 2049}, "cursor") for k in LISTINGS],
    ("GET /v1/prompts", {"category": "Not A Slug"}, "category"),
    ("GET /v1/prompts", {"model": "x" * 65}, "model"),
    ("GET /v1/prompts", {"tag": "<script>"}, "tag"),
    ("GET /v1/prompts", {"tag": "../../etc/passwd"}, "tag"),
    ("GET /v1/users/me/prompts", {"status": "deleted"}, "status"),
    ("GET /v1/users/me/prompts", {"visibility": "secret"}, "visibility"),
    ("GET /v1/prompts/{id}/diff", {"from": "0"}, "from"),
    ("GET /v1/prompts/{id}/diff", {"to": "-2"}, "to"),
    ("GET /v1/prompts/{id}/diff", {"from": "abc"}, "from"),
    ("GET /v1/prompts/{id}/diff", {"to": "1.5"}, "to"),
    ("GET /v1/prompts/{id}/diff", {"to": "1000000"}, "to"),
    ("GET /v1/prompts/{id}/diff", {"from": "2", "to": "2"}, "from"),
]


@pytest.mark.parametrize(
    ("route_key", "query", "field_name"),
    QUERY_CASES,
    ids=[f"{k.split(' ')[1]}:{q}"[:60] for k, q, _ in QUERY_CASES],
)
def test_a_bad_query_parameter_is_422_and_named(route_key, query, field_name, owner):
    request = replace(with_query(valid(route_key, owner), **query), token=owner.token)

    assert_rejected(request, 422, "VALIDATION_ERROR", field_name)


@pytest.mark.parametrize("missing", ["from", "to"])
def test_diff_needs_both_versions(missing, owner):
    request = valid("GET /v1/prompts/{id}/diff", owner)
    request = replace(request, query={k: v for k, v in request.query.items() if k != missing})

    assert_rejected(request, 422, "VALIDATION_ERROR", missing)


@pytest.mark.parametrize(("a", "b"), [("1", "3"), ("3", "1"), ("999999", "1")])
def test_diff_with_a_version_that_does_not_exist_is_404(a, b, owner):
    request = with_query(valid("GET /v1/prompts/{id}/diff", owner), **{"from": a, "to": b})

    assert_rejected(request, 404, "NOT_FOUND")


@pytest.mark.parametrize("n", ["3", "999999"])
def test_a_version_that_does_not_exist_is_404(n, owner):
    for route_key in (
        "GET /v1/prompts/{id}/versions/{n}",
        "POST /v1/prompts/{id}/versions/{n}/restore",
    ):
        request = valid(route_key, owner)
        request = replace(request, params={**request.params, "n": n}, token=owner.token)

        assert_rejected(request, 404, "NOT_FOUND")


def test_the_nothing_written_check_notices_a_write(owner):
    """The control for every ``assert_rejected``: a write does change what it compares."""
    before = stored()

    assert send(fresh(SIGNUP, owner)).status == 201

    items, users = stored()
    assert items > before[0]
    assert users == before[1] + 1
