"""Who may do what to a prompt: anonymous callers, other signed-in users and the owner.

The matrix is data: ``CALLERS`` (how each kind of caller authenticates), ``STATES`` (how the
prompt is published) and ``OPERATIONS`` (each prompt endpoint, and whether it reads or
writes). ``expected`` states the rule once. A new kind of caller (moderators arrive in a
later issue) is one more entry in ``CALLERS`` and one more branch in ``expected``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from promptvault.core.settings import get_settings
from tests.support.api import Reply, call
from tests.support.factories import User, create_prompt, prompt_body, sign_up


@dataclass
class World:
    owner: User
    stranger: User


@pytest.fixture(scope="module")
def world() -> World:
    return World(owner=sign_up(), stranger=sign_up())


def table_items() -> int:
    # moto keeps ItemCount live (AWS refreshes it every few hours), and unlike a Scan it
    # costs the same however big the shared table has grown.
    table = boto3.client("dynamodb").describe_table(TableName=get_settings().table_name)
    return table["Table"]["ItemCount"]


CALLERS: dict[str, Callable[[World], str | None]] = {
    "anonymous": lambda world: None,
    "stranger": lambda world: world.stranger.token,
    "owner": lambda world: world.owner.token,
}

STATES: dict[str, dict[str, str]] = {
    "public": {"visibility": "public", "status": "published"},
    "unlisted": {"visibility": "unlisted", "status": "published"},
    "archived": {"visibility": "public", "status": "archived"},
    "private": {"visibility": "private", "status": "published"},
    "draft": {"visibility": "public", "status": "draft"},
    "private-draft": {"visibility": "private", "status": "draft"},
}
READABLE_BY_ANYONE = {"public", "unlisted", "archived"}
# a slug is guessable (a title): others reach only public prompts by it; an unlisted prompt's
# link is its id (issue 16, finding 1)
READABLE_BY_SLUG = {"public", "archived"}


def prompt_in(state: str, owner: User) -> dict[str, Any]:
    """A prompt of ``owner`` in ``state`` with two versions."""
    title = f"Matrix prompt {uuid.uuid4().hex[:8]}"
    prompt = create_prompt(owner, title=title, **STATES[state])
    edited = call(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        {"content": "Summarise the notes about {{topic}} in three bullet points."},
        token=owner.token,
        headers={"If-Match": prompt["etag"]},
    )
    assert edited.status == 200, edited.body
    return {**edited.data, "etag": edited.headers["ETag"]}


@dataclass(frozen=True)
class Operation:
    name: str
    writes: bool
    success: int
    send: Callable[[dict[str, Any], str | None], Reply]
    by_slug: bool = False


OPERATIONS = [
    Operation("get", False, 200, lambda p, t: call("GET", f"/v1/prompts/{p['id']}", token=t)),
    Operation(
        "get-by-slug",
        False,
        200,
        lambda p, t: call("GET", f"/v1/prompts/{p['slug']}", token=t),
        by_slug=True,
    ),
    Operation(
        "list-versions-by-slug",
        False,
        200,
        lambda p, t: call("GET", f"/v1/prompts/{p['slug']}/versions", token=t),
        by_slug=True,
    ),
    Operation(
        "get-version-by-slug",
        False,
        200,
        lambda p, t: call("GET", f"/v1/prompts/{p['slug']}/versions/1", token=t),
        by_slug=True,
    ),
    Operation(
        "diff-by-slug",
        False,
        200,
        lambda p, t: call(
            "GET", f"/v1/prompts/{p['slug']}/diff", token=t, query={"from": "1", "to": "2"}
        ),
        by_slug=True,
    ),
    Operation(
        "list-versions",
        False,
        200,
        lambda p, t: call("GET", f"/v1/prompts/{p['id']}/versions", token=t),
    ),
    Operation(
        "get-version",
        False,
        200,
        lambda p, t: call("GET", f"/v1/prompts/{p['id']}/versions/1", token=t),
    ),
    Operation(
        "diff",
        False,
        200,
        lambda p, t: call(
            "GET", f"/v1/prompts/{p['id']}/diff", token=t, query={"from": "1", "to": "2"}
        ),
    ),
    Operation(
        "edit",
        True,
        200,
        lambda p, t: call(
            "PATCH",
            f"/v1/prompts/{p['id']}",
            {"title": "Taken over title"},
            token=t,
            headers={"If-Match": p["etag"]},
        ),
    ),
    Operation("delete", True, 204, lambda p, t: call("DELETE", f"/v1/prompts/{p['id']}", token=t)),
    Operation(
        "restore",
        True,
        201,
        lambda p, t: call("POST", f"/v1/prompts/{p['id']}/versions/1/restore", token=t),
    ),
]


def expected(operation: Operation, caller: str, state: str) -> int:
    if caller == "owner":
        return operation.success
    if operation.writes:
        return 401 if caller == "anonymous" else 404
    readable = READABLE_BY_SLUG if operation.by_slug else READABLE_BY_ANYONE
    return operation.success if state in readable else 404


MATRIX = [
    (operation, caller, state) for operation in OPERATIONS for caller in CALLERS for state in STATES
]


_shared: dict[tuple[str, str], dict[str, Any]] = {}


def shared_prompt_in(state: str, owner: User) -> dict[str, Any]:
    """One prompt per state for requests that change nothing (reads and refused writes)."""
    key = (state, owner.id)
    if key not in _shared:
        _shared[key] = prompt_in(state, owner)
    return _shared[key]


@pytest.mark.parametrize(
    ("operation", "caller", "state"),
    MATRIX,
    ids=[f"{o.name}-by-{c}-on-{s}" for o, c, s in MATRIX],
)
def test_prompt_endpoint_answers_each_caller_by_the_rule(operation, caller, state, world):
    changes_it = operation.writes and caller == "owner"
    prompt = (prompt_in if changes_it else shared_prompt_in)(state, world.owner)
    want = expected(operation, caller, state)
    before = table_items()

    reply = operation.send(prompt, CALLERS[caller](world))

    assert reply.status == want, reply.body
    if want >= 400:
        assert reply.body["success"] is False
        assert table_items() == before, "a refused request wrote something"


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_a_hidden_prompt_looks_exactly_like_a_missing_one(operation, world):
    hidden = shared_prompt_in("private", world.owner)
    missing = {**hidden, "id": f"p_{uuid.uuid4().hex}", "slug": f"no-such-{uuid.uuid4().hex}"}

    seen = operation.send(hidden, world.stranger.token)
    unseen = operation.send(missing, world.stranger.token)

    assert (seen.status, seen.body) == (unseen.status, unseen.body) == (404, seen.body)


@pytest.mark.parametrize("operation", [o for o in OPERATIONS if o.by_slug], ids=lambda o: o.name)
def test_finding_1_an_unlisted_prompt_by_its_slug_looks_exactly_like_a_missing_one(
    operation, world
):
    unlisted = shared_prompt_in("unlisted", world.owner)
    missing = {**unlisted, "slug": f"no-such-{uuid.uuid4().hex}"}

    seen = operation.send(unlisted, world.stranger.token)
    unseen = operation.send(missing, world.stranger.token)

    assert (seen.status, seen.body) == (unseen.status, unseen.body) == (404, seen.body)


def test_prompt_endpoints_never_answer_403(world):
    assert all(expected(o, c, s) != 403 for o, c, s in MATRIX)


# --- endpoints about the caller ---------------------------------------------------------------

ACCOUNT_OPERATIONS = {
    "me": (200, lambda t: call("GET", "/v1/users/me", token=t)),
    "my-prompts": (200, lambda t: call("GET", "/v1/users/me/prompts", token=t)),
    "create": (201, lambda t: call("POST", "/v1/prompts", prompt_body(), token=t)),
}


@pytest.mark.parametrize("name", ACCOUNT_OPERATIONS)
def test_anonymous_callers_are_401_on_account_endpoints(name):
    before = table_items()

    reply = ACCOUNT_OPERATIONS[name][1](None)

    assert reply.status == 401, reply.body
    assert reply.error["code"] == "UNAUTHORIZED"
    assert table_items() == before


@pytest.mark.parametrize("name", ACCOUNT_OPERATIONS)
def test_signed_in_callers_use_account_endpoints(name, world):
    status, send = ACCOUNT_OPERATIONS[name]

    assert send(world.stranger.token).status == status


def test_users_me_is_the_caller_not_anyone_else(world):
    mine = call("GET", "/v1/users/me", token=world.owner.token)
    theirs = call("GET", "/v1/users/me", token=world.stranger.token)

    assert mine.data["id"] == world.owner.id
    assert mine.data["username"] == world.owner.username
    assert theirs.data["id"] == world.stranger.id


def test_my_prompts_never_lists_another_users_prompts(world):
    secret = prompt_in("private", world.owner)

    theirs = call("GET", "/v1/users/me/prompts", token=world.stranger.token, query={"limit": "100"})
    mine = call("GET", "/v1/users/me/prompts", token=world.owner.token, query={"limit": "100"})

    assert secret["id"] not in {p["id"] for p in theirs.data}
    assert all(p["ownerId"] == world.stranger.id for p in theirs.data)
    assert secret["id"] in {p["id"] for p in mine.data}


def test_a_prompt_is_owned_by_whoever_created_it(world):
    reply = call("POST", "/v1/prompts", prompt_body(), token=world.stranger.token)

    assert reply.data["ownerId"] == world.stranger.id
