"""Bad input for every catalogue route: a 4xx error envelope, and nothing written.

Each route has one valid example request below; the tests break it in one way at a time.
A route added to the catalogue without an example fails
``test_every_catalogue_route_has_a_valid_example``, so no endpoint escapes these checks.

"Nothing written" compares the table's item count and the pool's user count before and after.
Rate-limit counters are table items too, so rate limiting is switched off for this module
(``tests.support.ratelimits.disabled``; the "test" stage has it off already, this makes the
module independent of that default). Limits have their own tests (test_ratelimit_limits.py);
here a counter item would make every refused request look like a write.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest

from promptvault.catalogue import ROUTES, Route
from promptvault.core.settings import get_settings
from promptvault.email.tokens import unsubscribe_token
from promptvault.prompts.schemas import LABEL_PATTERN
from promptvault.ratelimit.limits import active
from promptvault.web.envelope import FORM
from tests.support.api import FakeContext, Reply, call, event, reply_of
from tests.support.factories import PASSWORD, User, create_prompt, prompt_body, sign_up
from tests.support.identity import api_key, ask_email_change, with_role
from tests.support.ratelimits import disabled

BY_KEY = {route.route_key: route for route in ROUTES}
MISSING = object()
# a key expiry within the longest lifetime (a year); a date, so every worker collects one id
IN_A_MONTH = f"{date.today() + timedelta(days=30)}T00:00:00"


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
        # a form route's body is a form (one-click unsubscribe), any other JSON
        text = urlencode(request.body) if takes_form(request.route) else json.dumps(request.body)
    module = importlib.import_module(f"functions.{request.route.function}.handler")
    response = module.handler(
        event(request.route, path, request.params, text, headers, request.query), FakeContext()
    )
    return reply_of(response)


@functools.cache
def _clients() -> tuple[Any, Any]:
    """Made once (each new client costs more than the calls it makes), in the session's moto."""
    return boto3.client("dynamodb"), boto3.client("cognito-idp")


def stored() -> tuple[int, int]:
    """How many items the table holds and how many users the pool holds."""
    # moto keeps ItemCount and EstimatedNumberOfUsers live (AWS refreshes them every few
    # hours, or estimates), and unlike a Scan or ListUsers they cost the same however big the
    # shared table and pool have grown.
    dynamodb, cognito = _clients()
    table = dynamodb.describe_table(TableName=get_settings().table_name)
    pool = cognito.describe_user_pool(UserPoolId=get_settings().user_pool_id)
    return table["Table"]["ItemCount"], pool["UserPool"]["EstimatedNumberOfUsers"]


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


_people: dict[str, User] = {}


def _person(kind: str) -> User:
    """One user per kind for the module: "other" (someone to follow, or whose role an admin
    sets), or a "moderator" or an "admin" (the staff routes refuse everyone else)."""
    if kind not in _people:
        _people[kind] = sign_up() if kind == "other" else with_role(kind)
    return _people[kind]


IMPORT_FILE = "# Inputs import\n\nSummarise the notes about {{topic}} in three points.\n"


def _import_of(owner: User) -> str:
    """An import the owner started (inline): what its status and rows routes read."""
    body = {"format": "markdown", "content": IMPORT_FILE}
    reply = call("POST", "/v1/imports", body, token=owner.token)
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def _archived(owner: User) -> str:
    """A prompt of the owner's that a moderator archived: what a restore needs."""
    prompt_id = create_prompt(owner)["id"]
    path = f"/v1/moderation/prompts/{prompt_id}/archive"
    reply = call("POST", path, {"reason": "Spam"}, token=_person("moderator").token)
    assert reply.status == 201, reply.body
    return str(prompt_id)


def _labelled(owner: User) -> str:
    """A prompt of the owner's whose version 1 is labelled production."""
    prompt_id = create_prompt(owner)["id"]
    path = f"/v1/prompts/{prompt_id}/labels/production"
    reply = call("PUT", path, {"version": 1}, token=owner.token)
    assert reply.status == 200, reply.body
    return str(prompt_id)


def _share(owner: User) -> dict[str, Any]:
    """A share link to a new private prompt of the owner's: its prompt id, id and token."""
    prompt_id = create_prompt(owner, visibility="private")["id"]
    reply = call("POST", f"/v1/prompts/{prompt_id}/shares", {}, token=owner.token)
    assert reply.status == 201, reply.body
    return {"prompt": prompt_id, **reply.data}


def _report_body(owner: User) -> dict[str, Any]:
    """A report of a new public prompt of the owner's (the sender is someone else)."""
    return {"targetType": "prompt", "targetId": create_prompt(owner)["id"], "reason": "spam"}


def _open_report(owner: User) -> str:
    """The id of an open report of a new public prompt of the owner's."""
    reply = call("POST", "/v1/reports", _report_body(owner), token=sign_up().token)
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def _new_address() -> str:
    return f"n{uuid.uuid4().hex[:12]}@example.org"


def _waiting_for_code() -> tuple[User, str]:
    """A new person who asked to move to a new address, and the code Cognito sent it."""
    person = sign_up()
    return person, ask_email_change(person, _new_address())


HOOK_URL = "http://127.0.0.1:9/hooks"  # the test stage's loopback exception; nobody listens
_hooks: dict[str, str] = {}


def _hook(owner: User) -> str:
    """The owner's webhook (made once: a person has at most ten)."""
    if owner.id not in _hooks:
        body = {"url": HOOK_URL, "events": ["prompt.deleted"]}
        made = send(Request(BY_KEY["POST /v1/webhooks"], body=body, token=owner.token))
        assert made.status == 201, made.body
        _hooks[owner.id] = made.data["id"]
    return _hooks[owner.id]


def _fresh_hook(owner: User) -> str:
    """A webhook of a person of its own, to delete."""
    someone = sign_up()
    body = {"url": HOOK_URL, "events": ["prompt.deleted"]}
    made = send(Request(BY_KEY["POST /v1/webhooks"], body=body, token=someone.token))
    assert made.status == 201, made.body
    owner_of[made.data["id"]] = someone.token
    return str(made.data["id"])


owner_of: dict[str, str] = {}


def _link_token(owner: User, category: str = "prompt.forked") -> str:
    """The token of the owner's unsubscribe link (the first epoch: never revoked here)."""
    return unsubscribe_token(owner.id, category, 0)


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
    # labels and rendering (issue 13)
    "PUT /v1/prompts/{id}/labels/{label}": lambda r, u: Request(
        r, {"id": create_prompt(u)["id"], "label": "production"}, {"version": 1}, u.token
    ),
    "DELETE /v1/prompts/{id}/labels/{label}": lambda r, u: Request(
        r, {"id": _labelled(u), "label": "production"}, token=u.token
    ),
    "GET /v1/prompts/{id}/labels": lambda r, u: Request(r, {"id": _labelled(u)}),
    "GET /v1/prompts/{id}/labels/{label}/history": lambda r, u: Request(
        r, {"id": _labelled(u), "label": "production"}
    ),
    "POST /v1/prompts/{id}/render": lambda r, u: Request(
        r, {"id": create_prompt(u)["id"]}, {"variables": {"topic": "Q3"}, "version": 1}
    ),
    "POST /v1/prompts/{id}/shares": lambda r, u: Request(
        r, {"id": create_prompt(u)["id"]}, {"maxViews": 5}, u.token
    ),
    "GET /v1/prompts/{id}/shares": lambda r, u: Request(
        r, {"id": _share(u)["prompt"]}, token=u.token
    ),
    "DELETE /v1/prompts/{id}/shares/{shareId}": lambda r, u: Request(
        r, {"id": (share := _share(u))["prompt"], "shareId": share["id"]}, token=u.token
    ),
    "GET /v1/shared/{token}": lambda r, u: Request(r, {"token": _share(u)["token"]}),
    "GET /v1/categories": lambda r, u: Request(r),
    "GET /v1/models": lambda r, u: Request(r),
    "GET /v1/tags": lambda r, u: Request(r, query={"prefix": "meet"}),
    "GET /v1/tags/popular": lambda r, u: Request(r, query={"window": "30d", "limit": "5"}),
    # engagement
    "PUT /v1/prompts/{id}/rating": lambda r, u: Request(
        r, {"id": create_prompt(u)["id"]}, {"score": 4}, u.token
    ),
    "DELETE /v1/prompts/{id}/rating": lambda r, u: Request(
        r, {"id": create_prompt(u)["id"]}, token=u.token
    ),
    "GET /v1/prompts/{id}/ratings": lambda r, u: Request(r, {"id": create_prompt(u)["id"]}),
    "POST /v1/prompts/{id}/views": lambda r, u: Request(r, {"id": create_prompt(u)["id"]}),
    "POST /v1/prompts/{id}/copies": lambda r, u: Request(r, {"id": create_prompt(u)["id"]}),
    "PUT /v1/prompts/{id}/bookmark": lambda r, u: Request(
        r, {"id": create_prompt(u)["id"]}, token=u.token
    ),
    "DELETE /v1/prompts/{id}/bookmark": lambda r, u: Request(
        r, {"id": create_prompt(u)["id"]}, token=u.token
    ),
    "GET /v1/users/me/bookmarks": lambda r, u: Request(r, token=u.token),
    # notifications
    "GET /v1/users/me/notifications": lambda r, u: Request(r, token=u.token),
    "GET /v1/users/me/notifications/unread-count": lambda r, u: Request(r, token=u.token),
    "POST /v1/users/me/notifications/read": lambda r, u: Request(
        r, body={"all": True}, token=u.token
    ),
    "POST /v1/prompts/{id}/fork": lambda r, u: Request(
        r, {"id": create_prompt(u)["id"]}, {"title": "My own take on it"}, u.token
    ),
    "GET /v1/prompts/{id}/forks": lambda r, u: Request(r, {"id": create_prompt(u)["id"]}),
    # search
    "GET /v1/search": lambda r, u: Request(r, query={"q": "meeting"}),
    "GET /v1/search/suggest": lambda r, u: Request(r, query={"q": "sum"}),
    # identity
    "POST /v1/users/me/api-keys": lambda r, u: Request(
        r, body={"name": "CI key", "scopes": ["read"]}, token=u.token
    ),
    "GET /v1/users/me/api-keys": lambda r, u: Request(r, token=u.token),
    "DELETE /v1/users/me/api-keys/{id}": lambda r, u: Request(
        r, {"id": api_key(u)["id"]}, token=u.token
    ),
    "PATCH /v1/users/me": lambda r, u: Request(r, body={"displayName": "Ada"}, token=u.token),
    # deleting the account spends it: each example has an account of its own
    "DELETE /v1/users/me": lambda r, u: Request(
        r, body={"password": PASSWORD}, token=sign_up().token
    ),
    # a change of address moves the account: each example has an account of its own; the
    # verification's code is the one Cognito emailed (moto keeps it with the outbox)
    "PUT /v1/users/me/email": lambda r, u: Request(
        r, body={"email": _new_address(), "password": PASSWORD}, token=sign_up().token
    ),
    "POST /v1/users/me/email/verify": lambda r, u: Request(
        r, body={"code": (waiting := _waiting_for_code())[1]}, token=waiting[0].token
    ),
    "GET /v1/users/{username}": lambda r, u: Request(r, {"username": u.username}),
    "GET /v1/users/{username}/prompts": lambda r, u: Request(r, {"username": u.username}),
    "PUT /v1/users/{username}/follow": lambda r, u: Request(
        r, {"username": _person("other").username}, token=u.token
    ),
    "DELETE /v1/users/{username}/follow": lambda r, u: Request(
        r, {"username": _person("other").username}, token=u.token
    ),
    "GET /v1/users/{username}/followers": lambda r, u: Request(r, {"username": u.username}),
    "GET /v1/users/{username}/following": lambda r, u: Request(r, {"username": u.username}),
    "GET /v1/leaderboard": lambda r, u: Request(r),
    # email preferences and one-click unsubscribe (issue 11)
    "GET /v1/users/me/notification-preferences": lambda r, u: Request(r, token=u.token),
    "PUT /v1/users/me/notification-preferences": lambda r, u: Request(
        r, body={"preferences": {"prompt.rated": {"email": "weekly"}}}, token=u.token
    ),
    "GET /v1/email/unsubscribe": lambda r, u: Request(r, query={"token": _link_token(u)}),
    "POST /v1/email/unsubscribe": lambda r, u: Request(
        r,
        body={"List-Unsubscribe": "One-Click"},
        headers={"content-type": FORM},
        query={"token": _link_token(u)},
    ),
    # webhooks (issue 13): each creation by a person of its own (at most ten each)
    "POST /v1/webhooks": lambda r, u: Request(
        r,
        body={"url": HOOK_URL, "events": ["prompt.version.created"], "description": "CI"},
        token=sign_up().token,
    ),
    "GET /v1/webhooks": lambda r, u: Request(r, token=u.token),
    "DELETE /v1/webhooks/{id}": lambda r, u: Request(
        r, {"id": (hook := _fresh_hook(u))}, token=owner_of[hook]
    ),
    "POST /v1/webhooks/{id}/test": lambda r, u: Request(r, {"id": _hook(u)}, token=u.token),
    "GET /v1/webhooks/{id}/deliveries": lambda r, u: Request(r, {"id": _hook(u)}, token=u.token),
    "POST /v1/webhooks/{id}/rotate-secret": lambda r, u: Request(
        r, {"id": _hook(u)}, token=u.token
    ),
    # import and export (issue 13)
    "GET /v1/users/me/export": lambda r, u: Request(r, token=u.token, query={"format": "yaml"}),
    "POST /v1/imports": lambda r, u: Request(
        r, body={"format": "markdown", "content": IMPORT_FILE}, token=u.token
    ),
    "GET /v1/imports/{id}": lambda r, u: Request(r, {"id": _import_of(u)}, token=u.token),
    "GET /v1/imports/{id}/rows": lambda r, u: Request(r, {"id": _import_of(u)}, token=u.token),
    "PUT /v1/admin/users/{username}/role": lambda r, u: Request(
        r, {"username": _person("other").username}, {"role": "user"}, _person("admin").token
    ),
    "POST /v1/moderation/prompts/{id}/archive": lambda r, u: Request(
        r, {"id": create_prompt(u)["id"]}, {"reason": "Spam"}, _person("moderator").token
    ),
    "POST /v1/moderation/prompts/{id}/restore": lambda r, u: Request(
        r, {"id": _archived(u)}, {"reason": "Reviewed"}, _person("moderator").token
    ),
    "POST /v1/reports": lambda r, u: Request(r, body=_report_body(u), token=sign_up().token),
    "GET /v1/users/me/reports": lambda r, u: Request(r, token=u.token),
    "GET /v1/moderation/reports": lambda r, u: Request(r, token=_person("moderator").token),
    "POST /v1/moderation/reports/{id}/resolve": lambda r, u: Request(
        r,
        {"id": _open_report(u)},
        {"action": "dismiss", "note": "Fine"},
        _person("moderator").token,
    ),
    "GET /v1/moderation/actions": lambda r, u: Request(r, token=_person("moderator").token),
}


# --- comments (issue 12) ----------------------------------------------------------------------
COMMENT = "POST /v1/prompts/{id}/comments"
COMMENT_EDIT = "PATCH /v1/comments/{id}"


def _comment(owner: User) -> str:
    """A comment of the owner's on a new public prompt of theirs: its id."""
    prompt_id = create_prompt(owner)["id"]
    reply = call("POST", f"/v1/prompts/{prompt_id}/comments", {"body": "Hi"}, token=owner.token)
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


EXAMPLES.update(
    {
        COMMENT: lambda r, u: Request(
            r, {"id": create_prompt(u)["id"]}, {"body": "Nice, @nobody"}, u.token
        ),
        "GET /v1/prompts/{id}/comments": lambda r, u: Request(r, {"id": create_prompt(u)["id"]}),
        "GET /v1/comments/{id}/replies": lambda r, u: Request(r, {"id": _comment(u)}),
        COMMENT_EDIT: lambda r, u: Request(r, {"id": _comment(u)}, {"body": "Edited"}, u.token),
        "DELETE /v1/comments/{id}": lambda r, u: Request(r, {"id": _comment(u)}, token=u.token),
        "PUT /v1/comments/{id}/like": lambda r, u: Request(r, {"id": _comment(u)}, token=u.token),
        "DELETE /v1/comments/{id}/like": lambda r, u: Request(
            r, {"id": _comment(u)}, token=u.token
        ),
    }
)


# --- collections (issue 12) -------------------------------------------------------------------
COLLECTION = "POST /v1/collections"
COLLECTION_EDIT = "PATCH /v1/collections/{id}"
COLLECT = "PUT /v1/collections/{id}/prompts/{promptId}"


def _collection(owner: User, holding: str | None = None) -> str:
    """A new private collection of the owner's (holding that prompt, when given): its id."""
    reply = call("POST", "/v1/collections", {"name": "Inputs shelf"}, token=owner.token)
    assert reply.status == 201, reply.body
    collection_id = str(reply.data["id"])
    if holding is not None:
        path = f"/v1/collections/{collection_id}/prompts/{holding}"
        assert call("PUT", path, {}, token=owner.token).status == 200
    return collection_id


def _collected(owner: User) -> dict[str, str]:
    """The path parameters of a prompt of the owner's in a collection of theirs."""
    prompt_id = str(create_prompt(owner)["id"])
    return {"id": _collection(owner, prompt_id), "promptId": prompt_id}


EXAMPLES.update(
    {
        COLLECTION: lambda r, u: Request(
            r,
            body={"name": "Reading list", "description": "Good ones", "visibility": "public"},
            token=u.token,
        ),
        "GET /v1/collections/{id}": lambda r, u: Request(r, {"id": _collection(u)}, token=u.token),
        COLLECTION_EDIT: lambda r, u: Request(
            r, {"id": _collection(u)}, {"name": "Renamed"}, u.token
        ),
        "DELETE /v1/collections/{id}": lambda r, u: Request(
            r, {"id": _collection(u)}, token=u.token
        ),
        COLLECT: lambda r, u: Request(
            r,
            {"id": _collection(u), "promptId": create_prompt(u)["id"]},
            {"position": 1},
            u.token,
        ),
        "DELETE /v1/collections/{id}/prompts/{promptId}": lambda r, u: Request(
            r, _collected(u), token=u.token
        ),
        "GET /v1/users/me/collections": lambda r, u: Request(r, token=u.token),
        "GET /v1/users/{username}/collections": lambda r, u: Request(r, {"username": u.username}),
    }
)


# --- workspaces (issue 14) --------------------------------------------------------------------
WORKSPACE = "POST /v1/workspaces"
WORKSPACE_EDIT = "PATCH /v1/workspaces/{id}"
MEMBER_ROLE = "PATCH /v1/workspaces/{id}/members/{userId}"


def _slug() -> str:
    return f"inputs-{uuid.uuid4().hex[:12]}"


def _workspace(owner: User) -> str:
    """A new team workspace of the owner's: its id."""
    body = {"name": "Inputs team", "slug": _slug()}
    reply = call("POST", "/v1/workspaces", body, token=owner.token)
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def _membership(owner: User) -> dict[str, str]:
    """The path parameters of a viewer in a new team workspace of the owner's."""
    from promptvault.workspaces.roles import Role
    from promptvault.workspaces.service import add_member

    workspace_id, member = _workspace(owner), sign_up()
    add_member(workspace_id, member.id, Role.VIEWER, invited_by=owner.id)
    return {"id": workspace_id, "userId": member.id}


EXAMPLES.update(
    {
        WORKSPACE: lambda r, u: Request(r, body={"name": "Team", "slug": _slug()}, token=u.token),
        "GET /v1/workspaces": lambda r, u: Request(r, token=u.token),
        "GET /v1/workspaces/{id}": lambda r, u: Request(r, {"id": _workspace(u)}, token=u.token),
        WORKSPACE_EDIT: lambda r, u: Request(
            r, {"id": _workspace(u)}, {"name": "Renamed", "slug": _slug()}, u.token
        ),
        "DELETE /v1/workspaces/{id}": lambda r, u: Request(r, {"id": _workspace(u)}, token=u.token),
        "GET /v1/workspaces/{id}/members": lambda r, u: Request(
            r, {"id": _workspace(u)}, token=u.token
        ),
        MEMBER_ROLE: lambda r, u: Request(r, _membership(u), {"role": "editor"}, u.token),
        "DELETE /v1/workspaces/{id}/members/{userId}": lambda r, u: Request(
            r, _membership(u), token=u.token
        ),
    }
)


# --- invitations (issue 14, decisions 74 and 75) -----------------------------------------------
INVITE = "POST /v1/workspaces/{id}/invitations"
ACCEPT = "POST /v1/invitations/{token}/accept"
_inviting: dict[str, str] = {}  # owner id -> the one workspace invited to (50 owned at most)


def _inviting_workspace(owner: User) -> str:
    if owner.id not in _inviting:
        _inviting[owner.id] = _workspace(owner)
    return _inviting[owner.id]


def _invitee() -> str:
    return f"i{uuid.uuid4().hex[:12]}@example.org"


def _invitation(owner: User) -> dict[str, str]:
    """The path parameters of a new pending invitation to the owner's workspace."""
    workspace_id = _inviting_workspace(owner)
    body = {"email": _invitee(), "role": "viewer"}
    reply = call("POST", f"/v1/workspaces/{workspace_id}/invitations", body, token=owner.token)
    assert reply.status == 201, reply.body
    return {"id": workspace_id, "invitationId": reply.data["id"]}


def _invitation_token(owner: User) -> str:
    """The token of a new invitation to the owner's address (to someone else's workspace)."""
    from infra.local.outbox import sent_emails

    host = sign_up()
    workspace_id = _workspace(host)
    body = {"email": owner.email, "role": "viewer"}
    reply = call("POST", f"/v1/workspaces/{workspace_id}/invitations", body, token=host.token)
    assert reply.status == 201, reply.body
    email = [e for e in sent_emails() if owner.email in e["to"]][-1]
    (token,) = set(re.findall(r"/v1/invitations/(pvi_[A-Za-z0-9_-]+)/accept", email["text"]))
    return token


EXAMPLES.update(
    {
        INVITE: lambda r, u: Request(
            r, {"id": _inviting_workspace(u)}, {"email": _invitee(), "role": "editor"}, u.token
        ),
        "GET /v1/workspaces/{id}/invitations": lambda r, u: Request(
            r, {"id": _inviting_workspace(u)}, token=u.token
        ),
        "DELETE /v1/workspaces/{id}/invitations/{invitationId}": lambda r, u: Request(
            r, _invitation(u), token=u.token
        ),
        ACCEPT: lambda r, u: Request(r, {"token": _invitation_token(u)}, token=u.token),
    }
)


@pytest.fixture(autouse=True, scope="module")
def _no_rate_limits() -> Iterator[None]:
    """See the module's docstring: counter items would count as writes."""
    with disabled():
        yield


@pytest.fixture(scope="module")
def owner(_no_rate_limits: None) -> User:
    return sign_up()


def test_no_request_here_is_counted_against_a_rate_limit():
    """The premise of counting items as writes (see the module's docstring)."""
    assert all(limit is None for limit in active().values())


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


def takes_body(route: Route) -> bool:
    """Whether the route reads a body: its function has a ``body`` parameter (the resolver
    validates the body against that parameter's model; without one it never parses it)."""
    handle = importlib.import_module(f"functions.{route.function}.route").endpoint.handle
    return "body" in inspect.signature(handle).parameters


def takes_form(route: Route) -> bool:
    """Whether the body is a form (one-click unsubscribe, RFC 8058), not JSON."""
    return bool(importlib.import_module(f"functions.{route.function}.route").endpoint.takes_form)


# JSON bodies; the form bodies have their own cases below (FORM_ROUTES)
BODY_ROUTES = [r.route_key for r in ROUTES if takes_body(r) and not takes_form(r)]
FORM_ROUTES = [r.route_key for r in ROUTES if takes_form(r)]
# Writes that take no body (count a view, bookmark, follow): a body sent anyway is ignored.
BODILESS_ROUTES = [
    r.route_key for r in ROUTES if r.method in {"POST", "PATCH", "PUT"} and not takes_body(r)
]
PARAM_ROUTES = [r.route_key for r in ROUTES if "{" in r.path]
ALL_ROUTES = [r.route_key for r in ROUTES]


def test_every_catalogue_route_has_a_valid_example():
    assert set(EXAMPLES) == set(ALL_ROUTES)


def test_the_body_split_is_what_the_routes_declare():
    """A control for ``takes_body``: it sees the bodies that exist, and the bodiless writes."""
    assert {"POST /v1/prompts", "DELETE /v1/users/me", "POST /v1/prompts/{id}/fork"} <= set(
        BODY_ROUTES
    )
    assert {
        "POST /v1/prompts/{id}/views",
        "POST /v1/prompts/{id}/copies",
        "PUT /v1/prompts/{id}/bookmark",
        "PUT /v1/users/{username}/follow",
        "POST /v1/webhooks/{id}/test",
        "POST /v1/webhooks/{id}/rotate-secret",
        "PUT /v1/comments/{id}/like",
        "POST /v1/invitations/{token}/accept",
    } == set(BODILESS_ROUTES)


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


# One body, one resource (docs/security.md, finding 11): a JSON array, even of one valid body,
# or any other JSON value that is not an object, is refused before the route runs.
NOT_ONE_OBJECT = ["[the valid body]", "[]", "1", '"x"', "null", "true"]


@pytest.mark.parametrize("route_key", BODY_ROUTES)
@pytest.mark.parametrize("shape", NOT_ONE_OBJECT)
def test_finding_11_a_body_that_is_not_one_json_object_is_422_and_writes_nothing(
    route_key, shape, owner
):
    if shape == "[the valid body]":
        request = fresh(route_key, owner)  # its own: were it accepted, it would be spent
        raw = json.dumps([request.body])
    else:
        request, raw = valid(route_key, owner), shape

    reply = assert_rejected(replace(request, raw=raw), 422, "VALIDATION_ERROR", "body")

    assert "JSON object" in reply.error["details"][0]["message"], reply.error


def test_finding_11_the_web_layer_knows_the_routes_that_take_a_body():
    """The refusal is the web layer's, by the endpoint's own account of whether it reads a body:
    it agrees with the test's ``takes_body`` and with what Powertools validates as the body."""
    from aws_lambda_powertools.event_handler.openapi.dependant import get_dependant

    from promptvault.web.handler_factory import endpoint_of

    for route in ROUTES:
        endpoint = endpoint_of(route)
        powertools = bool(get_dependant(path=route.resolver_path, call=endpoint.handle).body_params)
        assert endpoint.takes_body is takes_body(route) is powertools, route.route_key


@pytest.mark.parametrize("route_key", BODY_ROUTES)
def test_a_repeated_key_is_422_not_its_last_value(route_key, owner):
    """Two values for one field: JSON parsers differ on which wins; none is taken."""
    request = valid(route_key, owner)
    key, value = next(iter(request.body.items()))
    raw = "{" + f"{json.dumps(key)}: {json.dumps(value)}, " + json.dumps(request.body)[1:]

    assert_rejected(replace(request, raw=raw), 422, "VALIDATION_ERROR", "body")


def test_a_repeated_key_inside_the_body_is_422_too(owner):
    raw = json.dumps(prompt_body()).replace(
        '{"name": "topic"', '{"name": "tone", "name": "topic"', 1
    )
    assert raw.count('"name"') == 2

    assert_rejected(replace(valid(CREATE, owner), raw=raw), 422, "VALIDATION_ERROR", "body")


@pytest.mark.parametrize("route_key", BODY_ROUTES)
@pytest.mark.parametrize("kind", ["arrays", "objects"])
def test_a_deeply_nested_body_is_400_never_a_server_error(route_key, kind, owner):
    """Python's JSON parser gives up on deep nesting with a RecursionError, not a decode error."""
    request = valid(route_key, owner)
    room = request.route.max_body_bytes - 8
    depth = min(5_000, room // 2 if kind == "arrays" else room // 6)
    raw = "[" * depth + "]" * depth if kind == "arrays" else '{"a":' * depth + "1" + "}" * depth

    reply = assert_refused(replace(request, raw=raw))

    assert reply.status in {400, 422}, reply.body


@pytest.mark.parametrize("route_key", BODY_ROUTES)
@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "multipart/form-data",  # no boundary: never parsed, so never a server error
        "a/b",
    ],
)
def test_a_body_that_is_not_sent_as_json_is_415_and_writes_nothing(route_key, content_type, owner):
    request = valid(route_key, owner)
    request = replace(request, headers={**request.headers, "content-type": content_type})

    assert_rejected(request, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type")


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON"])
def test_json_media_types_in_any_case_and_with_a_charset_are_json(content_type, owner):
    request = fresh(CREATE, owner)
    request = replace(request, headers={**request.headers, "content-type": content_type})

    reply = send(request)

    assert reply.status == 201, reply.body


@pytest.mark.parametrize("route_key", BODY_ROUTES)
@pytest.mark.parametrize("extra", ["unexpected", "ownerId", "id", "version", "__proto__"])
def test_an_unknown_field_is_422_and_named(route_key, extra, owner):
    request = with_body(valid(route_key, owner), **{extra: "x"})

    assert_rejected(request, 422, "VALIDATION_ERROR", extra)


def _send_counting(request: Request) -> tuple[Reply, int]:
    """The reply, and how many items the request added to the table."""
    before = stored()[0]
    reply = send(request)
    return reply, stored()[0] - before


# Bodiless writes whose every answer is new (a ping's delivery id and timing, a new secret).
FRESH_EVERY_TIME = {"POST /v1/webhooks/{id}/test", "POST /v1/webhooks/{id}/rotate-secret"}
# Bodiless writes that work once: an invitation is accepted once, then answers 410.
SPENT_BY_USE = {"POST /v1/invitations/{token}/accept"}


@pytest.mark.parametrize("route_key", BODILESS_ROUTES)
@pytest.mark.parametrize(
    "raw",
    ["{", "\x00", "[]", '"text"', '{"unexpected": "x"}', '{"id": "p_x", "ownerId": "x"}', "{}"],
)
def test_a_body_sent_to_a_bodiless_route_is_ignored(route_key, raw, owner):
    """The product never parses it: the answer, and what is written, are those of no body."""
    # counting a view, bookmarking, following: still valid
    request = (fresh if route_key in SPENT_BY_USE else valid)(route_key, owner)
    first = send(request)  # the first of an idempotent write (bookmark, follow) writes more
    assert 200 <= first.status < 300, first.body

    plain, plain_writes = _send_counting(request)
    with_raw, raw_writes = _send_counting(replace(request, raw=raw))

    if route_key in FRESH_EVERY_TIME:  # a new delivery id, a new secret: the same shape
        assert (with_raw.status, set(with_raw.data)) == (plain.status, set(plain.data))
    else:
        assert (with_raw.status, with_raw.body) == (plain.status, plain.body)
    assert raw_writes == plain_writes


@pytest.mark.parametrize("route_key", BODILESS_ROUTES)
def test_a_body_at_the_limit_of_a_bodiless_route_is_ignored(route_key, owner):
    request = (fresh if route_key in SPENT_BY_USE else valid)(route_key, owner)
    padded = json.dumps({"title": ""}).ljust(request.route.max_body_bytes)

    reply = send(replace(request, raw=padded))

    assert 200 <= reply.status < 300, reply.body


# --- fields of each body ---------------------------------------------------------------------

SIGNUP = "POST /v1/auth/signup"
CREATE = "POST /v1/prompts"
UPDATE = "PATCH /v1/prompts/{id}"
RATE = "PUT /v1/prompts/{id}/rating"
FORK = "POST /v1/prompts/{id}/fork"
KEYS = "POST /v1/users/me/api-keys"
PROFILE = "PATCH /v1/users/me"
DELETE_ME = "DELETE /v1/users/me"
EMAIL_CHANGE = "PUT /v1/users/me/email"
EMAIL_VERIFY = "POST /v1/users/me/email/verify"
ROLE = "PUT /v1/admin/users/{username}/role"
ARCHIVE = "POST /v1/moderation/prompts/{id}/archive"
RESTORE = "POST /v1/moderation/prompts/{id}/restore"
REPORT = "POST /v1/reports"
RESOLVE = "POST /v1/moderation/reports/{id}/resolve"
LABEL = "PUT /v1/prompts/{id}/labels/{label}"
RENDER = "POST /v1/prompts/{id}/render"
SHARE = "POST /v1/prompts/{id}/shares"
MARK_READ = "POST /v1/users/me/notifications/read"
PREFS = "PUT /v1/users/me/notification-preferences"
WEBHOOK = "POST /v1/webhooks"
IMPORT = "POST /v1/imports"

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
    # finding 12: blank, invisible, direction-changing or line-breaking titles
    (CREATE, {"title": " " * 5}, "title"),
    (CREATE, {"title": "\u200b" * 5}, "title"),
    (CREATE, {"title": "Plan\u202eevil"}, "title"),
    (CREATE, {"title": "two\u2028lines"}, "title"),
    (CREATE, {"title": "nel\x85here"}, "title"),
    (CREATE, {"title": "a   b"}, "title"),  # 3 visible characters at least
    (CREATE, {"title": "  abcd  "}, "title"),  # 4 once trimmed
    (CREATE, {"content": " " * 30}, "content"),
    (
        CREATE,
        {"variables": [{"name": "topic", "description": "a\u2028b"}]},
        "variables.0.description",
    ),
    (
        CREATE,
        {"variables": [{"name": "topic", "description": "\u202eevil"}]},
        "variables.0.description",
    ),
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
    (UPDATE, {"changeMessage": "   "}, "changeMessage"),
    (UPDATE, {"changeMessage": "\u202eevil"}, "changeMessage"),
    (UPDATE, {"title": "\u200b" * 5}, "title"),
    (UPDATE, {"title": MISSING, "changeMessage": "only a message"}, "body"),
    ("POST /v1/prompts/{id}/versions/{n}/restore", {"changeMessage": "x" * 501}, "changeMessage"),
    ("POST /v1/prompts/{id}/versions/{n}/restore", {"changeMessage": 5}, "changeMessage"),
    ("POST /v1/prompts/{id}/versions/{n}/restore", {"changeMessage": "a\u2029b"}, "changeMessage"),
    # labels and rendering (issue 13)
    (MARK_READ, {"all": False}, "all"),
    (MARK_READ, {"all": "yes"}, "all"),
    (MARK_READ, {"all": 1}, "all"),
    (MARK_READ, {"ids": []}, "ids"),
    (MARK_READ, {"ids": ["x"]}, "ids.0"),
    (MARK_READ, {"ids": ["0" * 19 + "g"]}, "ids.0"),
    (MARK_READ, {"ids": ["0" * 20] * 101}, "ids"),
    (MARK_READ, {"ids": "0" * 20}, "ids"),
    (MARK_READ, {"ids": ["<script>alert(1)</script>"]}, "ids.0"),
    # email preferences (issue 11): known types, known modes, a strict boolean, something sent
    (PREFS, {"preferences": MISSING}, "preferences"),
    (PREFS, {"preferences": None}, "preferences"),
    (PREFS, {"preferences": {}}, "preferences"),
    (PREFS, {"preferences": []}, "preferences"),
    (PREFS, {"preferences": "off"}, "preferences"),
    (
        PREFS,
        {"preferences": {"prompt.commented": {"email": "off"}}},
        "preferences.prompt.commented.[key]",
    ),
    (PREFS, {"preferences": {"PROMPT.RATED": {"email": "off"}}}, "preferences.PROMPT.RATED.[key]"),
    (PREFS, {"preferences": {"__proto__": {"email": "off"}}}, "preferences.__proto__.[key]"),
    (
        PREFS,
        {"preferences": {"prompt.rated": {"email": "hourly"}}},
        "preferences.prompt.rated.email",
    ),
    (PREFS, {"preferences": {"prompt.rated": {"email": "OFF"}}}, "preferences.prompt.rated.email"),
    (PREFS, {"preferences": {"prompt.rated": {"email": 0}}}, "preferences.prompt.rated.email"),
    (PREFS, {"preferences": {"prompt.rated": {"email": False}}}, "preferences.prompt.rated.email"),
    (PREFS, {"preferences": {"prompt.rated": {"inApp": "true"}}}, "preferences.prompt.rated.inApp"),
    (PREFS, {"preferences": {"prompt.rated": {"inApp": 1}}}, "preferences.prompt.rated.inApp"),
    (PREFS, {"preferences": {"prompt.rated": {"inApp": "off"}}}, "preferences.prompt.rated.inApp"),
    (PREFS, {"preferences": {"prompt.rated": {}}}, "preferences.prompt.rated"),
    (PREFS, {"preferences": {"prompt.rated": {"inApp": None}}}, "preferences.prompt.rated"),
    (PREFS, {"preferences": {"prompt.rated": {"push": True}}}, "preferences.prompt.rated.push"),
    (PREFS, {"preferences": {"prompt.rated": "off"}}, "preferences.prompt.rated"),
    (LABEL, {"version": MISSING}, "version"),
    (LABEL, {"version": 0}, "version"),
    (LABEL, {"version": -1}, "version"),
    (LABEL, {"version": 2}, "version"),  # the prompt has one version
    (LABEL, {"version": 1_000_000}, "version"),
    (LABEL, {"version": "1"}, "version"),
    (LABEL, {"version": 1.5}, "version"),
    (LABEL, {"version": True}, "version"),
    (LABEL, {"version": None}, "version"),
    (LABEL, {"version": [1]}, "version"),
    (SHARE, {"maxViews": 0}, "maxViews"),
    (SHARE, {"maxViews": 1_000_001}, "maxViews"),
    (SHARE, {"maxViews": "5"}, "maxViews"),
    (SHARE, {"maxViews": 1.5}, "maxViews"),
    (SHARE, {"maxViews": True}, "maxViews"),
    (SHARE, {"expiresAt": "2020-01-01T00:00:00Z"}, "expiresAt"),  # the past
    (SHARE, {"expiresAt": IN_A_MONTH}, "expiresAt"),  # no time zone
    (SHARE, {"expiresAt": "tomorrow"}, "expiresAt"),
    (SHARE, {"expiresAt": f"{date.today() + timedelta(days=400)}T00:00:00Z"}, "expiresAt"),
    (RENDER, {"variables": "topic=x"}, "variables"),
    (RENDER, {"variables": ["Q3"]}, "variables"),
    (RENDER, {"variables": {f"v{i}": 1 for i in range(101)}}, "variables"),
    (RENDER, {"variables": {}}, "variables.topic"),  # required
    (RENDER, {"variables": {"topic": 3}}, "variables.topic"),  # a string
    (RENDER, {"variables": {"topic": None}}, "variables.topic"),
    (RENDER, {"variables": {"topic": "x", "__class__": "x"}}, "variables.__class__"),  # strict
    (RENDER, {"label": "Production"}, "label"),
    (RENDER, {"label": "x" * 37}, "label"),
    (RENDER, {"label": 5}, "label"),
    (RENDER, {"label": "production"}, "version"),  # both
    (RENDER, {"version": 0}, "version"),
    (RENDER, {"version": 1_000_000}, "version"),
    (RENDER, {"strict": "maybe"}, "strict"),
    # engagement
    (RATE, {"score": MISSING}, "score"),
    (RATE, {"score": 0}, "score"),
    (RATE, {"score": 6}, "score"),
    (RATE, {"score": -1}, "score"),
    (RATE, {"score": 4.5}, "score"),
    (RATE, {"score": "4"}, "score"),
    (RATE, {"score": True}, "score"),
    (RATE, {"score": None}, "score"),
    (RATE, {"score": [4]}, "score"),
    (RATE, {"score": 10**30}, "score"),
    (RATE, {"guestId": "g" * 15}, "guestId"),
    (RATE, {"guestId": "g" * 65}, "guestId"),
    (RATE, {"guestId": "guest id with spaces"}, "guestId"),
    (RATE, {"guestId": "<script>alert(1)</script>"}, "guestId"),
    (RATE, {"guestId": "gäst-ïd-ünïcödé-1234"}, "guestId"),
    (RATE, {"guestId": "../../../../etc/passwd"}, "guestId"),
    (RATE, {"guestId": 1234567890123456}, "guestId"),
    (FORK, {"title": "x" * 4}, "title"),
    (FORK, {"title": "x" * 101}, "title"),
    (FORK, {"title": 12345}, "title"),
    (FORK, {"title": "Two\nlines here"}, "title"),
    (FORK, {"title": "Null \x00 byte"}, "title"),
    (FORK, {"title": " " * 5}, "title"),
    (FORK, {"title": "\u200b" * 5}, "title"),
    (FORK, {"visibility": "secret"}, "visibility"),
    (FORK, {"visibility": None}, "visibility"),
    (FORK, {"status": "deleted"}, "status"),
    (FORK, {"status": ["published"]}, "status"),
    # identity
    (KEYS, {"name": MISSING}, "name"),
    (KEYS, {"name": ""}, "name"),
    (KEYS, {"name": "x" * 65}, "name"),
    (KEYS, {"name": 42}, "name"),
    (KEYS, {"name": None}, "name"),
    (KEYS, {"name": "two\nlines"}, "name"),
    (KEYS, {"name": "Escape \x1b[31m"}, "name"),
    (KEYS, {"scopes": []}, "scopes"),
    (KEYS, {"scopes": ["write"]}, "scopes"),
    (KEYS, {"scopes": ["read", "admin"]}, "scopes.1"),
    (KEYS, {"scopes": ["read", "write", "read"]}, "scopes"),
    (KEYS, {"scopes": "read"}, "scopes"),
    (KEYS, {"scopes": ["READ"]}, "scopes.0"),
    (KEYS, {"expiresAt": "tomorrow"}, "expiresAt"),
    (KEYS, {"expiresAt": IN_A_MONTH}, "expiresAt"),  # no time zone
    (KEYS, {"expiresAt": "9999-12-31T00:00:00Z"}, "expiresAt"),  # beyond the longest lifetime
    (KEYS, {"expiresAt": "2001-01-01T00:00:00Z"}, "expiresAt"),  # in the past
    (KEYS, {"expiresAt": ["2999-01-01T00:00:00Z"]}, "expiresAt"),
    (PROFILE, {"displayName": MISSING}, "body"),
    (PROFILE, {"displayName": ""}, "displayName"),
    (PROFILE, {"displayName": "x" * 51}, "displayName"),
    (PROFILE, {"displayName": "two\nlines"}, "displayName"),
    (PROFILE, {"displayName": "Bell \x07 rings"}, "displayName"),
    (PROFILE, {"displayName": 42}, "displayName"),
    (PROFILE, {"bio": "x" * 301}, "bio"),
    (PROFILE, {"bio": "Null \x00 byte"}, "bio"),
    (PROFILE, {"bio": ["a bio"]}, "bio"),
    (PROFILE, {"avatarUrl": "http://example.com/a.png"}, "avatarUrl"),
    (PROFILE, {"avatarUrl": "javascript:alert(1)"}, "avatarUrl"),
    (PROFILE, {"avatarUrl": "https://example.com/" + "x" * 481}, "avatarUrl"),
    (PROFILE, {"website": "javascript:alert(1)"}, "website"),
    (PROFILE, {"website": "ftp://example.com"}, "website"),
    (PROFILE, {"website": "https://user:pass@example.com"}, "website"),
    (PROFILE, {"website": "https://exa mple.com"}, "website"),
    (PROFILE, {"website": "https://"}, "website"),
    (PROFILE, {"website": "https://example.com/" + "x" * 281}, "website"),
    (PROFILE, {"twitter": "x" * 16}, "twitter"),
    (PROFILE, {"twitter": "@handle"}, "twitter"),
    (PROFILE, {"twitter": ""}, "twitter"),
    (PROFILE, {"github": "x" * 40}, "github"),
    (PROFILE, {"github": "-leading"}, "github"),
    (PROFILE, {"github": "double--hyphen"}, "github"),
    (PROFILE, {"github": "<script>"}, "github"),
    (DELETE_ME, {"password": MISSING}, "password"),
    (DELETE_ME, {"password": "x" * 7}, "password"),
    (DELETE_ME, {"password": "x" * 257}, "password"),
    (DELETE_ME, {"password": 12345678}, "password"),
    (DELETE_ME, {"password": None}, "password"),
    (EMAIL_CHANGE, {"email": MISSING}, "email"),
    (EMAIL_CHANGE, {"password": MISSING}, "password"),
    (EMAIL_CHANGE, {"email": "not-an-email"}, "email"),
    (EMAIL_CHANGE, {"email": "@example.com"}, "email"),
    (EMAIL_CHANGE, {"email": "x" * 250 + "@example.com"}, "email"),
    (EMAIL_CHANGE, {"email": 42}, "email"),
    (EMAIL_CHANGE, {"email": None}, "email"),
    (EMAIL_CHANGE, {"email": ["a@example.com"]}, "email"),
    (EMAIL_CHANGE, {"email": "a@example.com\nBcc: b@example.com"}, "email"),
    (EMAIL_CHANGE, {"password": "x" * 7}, "password"),
    (EMAIL_CHANGE, {"password": "x" * 257}, "password"),
    (EMAIL_CHANGE, {"password": 12345678}, "password"),
    (EMAIL_CHANGE, {"password": None}, "password"),
    (EMAIL_VERIFY, {"code": MISSING}, "code"),
    (EMAIL_VERIFY, {"code": "12"}, "code"),
    (EMAIL_VERIFY, {"code": "1" * 13}, "code"),
    (EMAIL_VERIFY, {"code": "<script>"}, "code"),
    (EMAIL_VERIFY, {"code": "12 34 56"}, "code"),
    (EMAIL_VERIFY, {"code": 123456}, "code"),
    (EMAIL_VERIFY, {"code": None}, "code"),
    (ROLE, {"role": MISSING}, "role"),
    (ROLE, {"role": "superuser"}, "role"),
    (ROLE, {"role": "ADMIN"}, "role"),
    (ROLE, {"role": None}, "role"),
    (ROLE, {"role": ["admin"]}, "role"),
    (ROLE, {"role": "admin' OR '1'='1"}, "role"),
    (REPORT, {"targetType": MISSING}, "targetType"),
    (REPORT, {"targetType": "comment!"}, "targetType"),
    (REPORT, {"targetType": "Prompt"}, "targetType"),
    (REPORT, {"targetId": MISSING}, "targetId"),
    (REPORT, {"targetId": ""}, "targetId"),
    (REPORT, {"targetId": "p_x/../y"}, "targetId"),
    (REPORT, {"targetId": "x" * 81}, "targetId"),
    (REPORT, {"targetId": 5}, "targetId"),
    (REPORT, {"reason": MISSING}, "reason"),
    (REPORT, {"reason": "boring"}, "reason"),
    (REPORT, {"reason": ["spam"]}, "reason"),
    (REPORT, {"details": "x" * 2001}, "details"),
    (REPORT, {"details": 3}, "details"),
    (RESOLVE, {"action": MISSING}, "action"),
    (RESOLVE, {"action": "ban"}, "action"),
    (RESOLVE, {"note": MISSING}, "note"),
    (RESOLVE, {"note": "ok"}, "note"),
    (RESOLVE, {"note": "x" * 501}, "note"),
    (RESOLVE, {"note": "two\nlines"}, "note"),
    (ARCHIVE, {"reason": MISSING}, "reason"),
    (ARCHIVE, {"reason": "ab"}, "reason"),
    (ARCHIVE, {"reason": "x" * 501}, "reason"),
    (ARCHIVE, {"reason": "two\nlines"}, "reason"),
    (ARCHIVE, {"reason": "Null \x00 byte"}, "reason"),
    (ARCHIVE, {"reason": 404}, "reason"),
    (ARCHIVE, {"reason": None}, "reason"),
    (RESTORE, {"reason": MISSING}, "reason"),
    (RESTORE, {"reason": "ab"}, "reason"),
    (RESTORE, {"reason": "x" * 501}, "reason"),
    (RESTORE, {"reason": "two\nlines"}, "reason"),
    (RESTORE, {"reason": "Null \x00 byte"}, "reason"),
    (RESTORE, {"reason": 404}, "reason"),
    (RESTORE, {"reason": None}, "reason"),
    # webhooks: https to a public address only (the test stage also takes 127.0.0.1:<port>)
    (WEBHOOK, {"url": MISSING}, "url"),
    (WEBHOOK, {"url": ""}, "url"),
    (WEBHOOK, {"url": None}, "url"),
    (WEBHOOK, {"url": 443}, "url"),
    (WEBHOOK, {"url": "https://example.com/" + "x" * 2048}, "url"),
    (WEBHOOK, {"url": "ftp://example.com/hooks"}, "url"),
    (WEBHOOK, {"url": "https://user:pw@example.com/hooks"}, "url"),
    (WEBHOOK, {"url": "https://example.com@127.0.0.1/hooks"}, "url"),
    (WEBHOOK, {"url": "https://10.0.0.7/hooks"}, "url"),
    (WEBHOOK, {"url": "https://2130706433/hooks"}, "url"),
    (WEBHOOK, {"url": "https://[::ffff:127.0.0.1]/hooks"}, "url"),
    (WEBHOOK, {"url": "https://169.254.169.254/latest/meta-data"}, "url"),
    (WEBHOOK, {"url": "https://93.184.216.34:22/hooks"}, "url"),
    (WEBHOOK, {"url": "http://127.0.0.1/hooks"}, "url"),
    (WEBHOOK, {"url": "http://localhost:8080/hooks"}, "url"),
    (WEBHOOK, {"events": MISSING}, "events"),
    (WEBHOOK, {"events": []}, "events"),
    (WEBHOOK, {"events": "prompt.deleted"}, "events"),
    (WEBHOOK, {"events": ["prompt.rated"]}, "events.0"),
    (WEBHOOK, {"events": ["webhook.test"]}, "events.0"),
    (WEBHOOK, {"events": ["prompt.deleted", "prompt.deleted"]}, "events"),
    (WEBHOOK, {"events": [None]}, "events.0"),
    (WEBHOOK, {"description": "x" * 201}, "description"),
    (WEBHOOK, {"description": "two\nlines"}, "description"),
    (WEBHOOK, {"description": "Null \x00 byte"}, "description"),
    (WEBHOOK, {"description": 7}, "description"),
    # imports: a known format, and exactly one of content and filename
    (IMPORT, {"format": MISSING}, "format"),
    (IMPORT, {"format": "xlsx"}, "format"),
    (IMPORT, {"format": "CSV"}, "format"),
    (IMPORT, {"format": None}, "format"),
    (IMPORT, {"content": MISSING}, "body"),
    (IMPORT, {"content": ""}, "content"),
    (IMPORT, {"content": 12}, "content"),
    (IMPORT, {"content": "x" * 60_001}, "content"),
    (IMPORT, {"filename": "prompts.csv"}, "body"),
    (IMPORT, {"content": MISSING, "filename": ""}, "filename"),
    (IMPORT, {"content": MISSING, "filename": "two\nlines.csv"}, "filename"),
    (IMPORT, {"content": MISSING, "filename": "x" * 201}, "filename"),
    (IMPORT, {"content": MISSING, "filename": "Null \x00 byte.csv"}, "filename"),
    (IMPORT, {"uploadUrl": "https://evil.example/"}, "uploadUrl"),
]
FIELD_CASES += [
    # comments (issue 12): 1-5,000 characters of visible text, a parent of the same prompt
    (COMMENT, {"body": MISSING}, "body"),
    (COMMENT, {"body": ""}, "body"),
    (COMMENT, {"body": "   \n\t "}, "body"),
    (COMMENT, {"body": "\u200b\u200b"}, "body"),
    (COMMENT, {"body": "x" * 5_001}, "body"),
    (COMMENT, {"body": "Bell \x07 rings"}, "body"),
    (COMMENT, {"body": "Null \x00 byte"}, "body"),
    (COMMENT, {"body": 42}, "body"),
    (COMMENT, {"body": None}, "body"),
    (COMMENT, {"body": ["x"]}, "body"),
    (COMMENT, {"parentId": "cm_" + "0" * 64}, "parentId"),  # well-formed, names nothing
    (COMMENT, {"parentId": "<script>"}, "parentId"),
    (COMMENT, {"parentId": "x" * 81}, "parentId"),
    (COMMENT, {"parentId": 7}, "parentId"),
    (COMMENT_EDIT, {"body": MISSING}, "body"),
    (COMMENT_EDIT, {"body": ""}, "body"),
    (COMMENT_EDIT, {"body": "x" * 5_001}, "body"),
    (COMMENT_EDIT, {"body": "Escape \x1b[31m"}, "body"),
    (COMMENT_EDIT, {"body": 1}, "body"),
    (UPDATE, {"commentsClosed": "yes"}, "commentsClosed"),
    (UPDATE, {"commentsClosed": 1}, "commentsClosed"),
]

FIELD_CASES += [
    # collections (issue 12): a one-line name of 1-100, a description of at most 1,000, public
    # or private; a position 1-500
    (COLLECTION, {"name": MISSING}, "name"),
    (COLLECTION, {"name": ""}, "name"),
    (COLLECTION, {"name": "   "}, "name"),
    (COLLECTION, {"name": "\u200b\u200b"}, "name"),
    (COLLECTION, {"name": "x" * 101}, "name"),
    (COLLECTION, {"name": "two\nlines"}, "name"),
    (COLLECTION, {"name": "\u202eevil"}, "name"),
    (COLLECTION, {"name": 42}, "name"),
    (COLLECTION, {"name": None}, "name"),
    (COLLECTION, {"description": "x" * 1_001}, "description"),
    (COLLECTION, {"description": "Bell \x07 rings"}, "description"),
    (COLLECTION, {"description": 5}, "description"),
    (COLLECTION, {"visibility": "unlisted"}, "visibility"),
    (COLLECTION, {"visibility": "PUBLIC"}, "visibility"),
    (COLLECTION, {"visibility": None}, "visibility"),
    (COLLECTION_EDIT, {"name": MISSING}, "body"),
    (COLLECTION_EDIT, {"name": None}, "body"),
    (COLLECTION_EDIT, {"name": ""}, "name"),
    (COLLECTION_EDIT, {"name": "x" * 101}, "name"),
    (COLLECTION_EDIT, {"visibility": "secret"}, "visibility"),
    (COLLECTION_EDIT, {"visibility": None}, "body"),
    (COLLECTION_EDIT, {"description": "x" * 1_001}, "description"),
    (COLLECT, {"position": 0}, "position"),
    (COLLECT, {"position": -1}, "position"),
    (COLLECT, {"position": 501}, "position"),
    (COLLECT, {"position": "1"}, "position"),
    (COLLECT, {"position": 1.5}, "position"),
    (COLLECT, {"position": True}, "position"),
]

FIELD_CASES += [
    # workspaces (issue 14): a one-line name of 1-100, a slug of 3-40 lowercase letters,
    # digits and inner hyphens; a member's role one of four
    (WORKSPACE, {"name": MISSING}, "name"),
    (WORKSPACE, {"name": ""}, "name"),
    (WORKSPACE, {"name": "   "}, "name"),
    (WORKSPACE, {"name": "x" * 101}, "name"),
    (WORKSPACE, {"name": "two\nlines"}, "name"),
    (WORKSPACE, {"name": None}, "name"),
    (WORKSPACE, {"name": 42}, "name"),
    (WORKSPACE, {"slug": MISSING}, "slug"),
    (WORKSPACE, {"slug": "ab"}, "slug"),
    (WORKSPACE, {"slug": "a" * 41}, "slug"),
    (WORKSPACE, {"slug": "-team"}, "slug"),
    (WORKSPACE, {"slug": "team-"}, "slug"),
    (WORKSPACE, {"slug": "Team"}, "slug"),
    (WORKSPACE, {"slug": "my_team"}, "slug"),
    (WORKSPACE, {"slug": "my team"}, "slug"),
    (WORKSPACE, {"slug": "WORKSPACESLUG#x"}, "slug"),
    (WORKSPACE, {"slug": None}, "slug"),
    (WORKSPACE, {"slug": 7}, "slug"),
    (WORKSPACE_EDIT, {"name": MISSING, "slug": MISSING}, "body"),
    (WORKSPACE_EDIT, {"name": None}, "body"),
    (WORKSPACE_EDIT, {"name": ""}, "name"),
    (WORKSPACE_EDIT, {"name": "x" * 101}, "name"),
    (WORKSPACE_EDIT, {"slug": "Not a slug"}, "slug"),
    (WORKSPACE_EDIT, {"slug": None}, "body"),
    (MEMBER_ROLE, {"role": MISSING}, "role"),
    (MEMBER_ROLE, {"role": "superuser"}, "role"),
    (MEMBER_ROLE, {"role": "OWNER"}, "role"),
    (MEMBER_ROLE, {"role": None}, "role"),
    (MEMBER_ROLE, {"role": 1}, "role"),
]


FIELD_CASES += [
    # invitations (issue 14): an email address, and one of the four roles
    (INVITE, {"email": MISSING}, "email"),
    (INVITE, {"email": "not-an-email"}, "email"),
    (INVITE, {"email": "x" * 250 + "@example.com"}, "email"),
    (INVITE, {"email": None}, "email"),
    (INVITE, {"email": 42}, "email"),
    (INVITE, {"email": ["a@example.com"]}, "email"),
    (INVITE, {"role": MISSING}, "role"),
    (INVITE, {"role": "superuser"}, "role"),
    (INVITE, {"role": "OWNER"}, "role"),
    (INVITE, {"role": None}, "role"),
    (INVITE, {"role": 1}, "role"),
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
        {"title": "  Padded title  ", "description": " Two\nlines "},
        {"title": "Cafe\u0301 notes", "content": "Cafe\u0301 notes about {{topic}}, in short."},
    ],
    ids=lambda c: ",".join(f"{k}={repr(v)[:20]}" for k, v in c.items()),
)
def test_values_at_and_inside_the_limits_are_accepted(changes, owner):
    request = with_body(valid(CREATE, owner), **changes)

    reply = send(request)

    assert reply.status == 201, reply.body
    for name, value in changes.items():
        if name != "tags":
            assert reply.data[name] == as_stored(value)


# Values at and inside the limits of the other bodies: accepted, and echoed where answered.
ACCEPTED_CASES: list[tuple[str, dict[str, Any]]] = [
    (REPORT, {"reason": "other", "details": "x" * 2000}),
    (REPORT, {"reason": "nsfw", "details": None}),
    (REPORT, {"reason": "copyright", "details": "Línea uno\n\nLínea dos 🙂"}),
    (RESOLVE, {"note": "x" * 500}),
    (RESOLVE, {"action": "hide", "note": "abc"}),
    (SHARE, {}),
    (SHARE, {"maxViews": 1}),
    (SHARE, {"maxViews": 1_000_000, "expiresAt": None}),
    (SHARE, {"expiresAt": f"{date.today() + timedelta(days=364)}T00:00:00+02:00"}),
    (RATE, {"score": 1}),
    (RATE, {"score": 5}),
    (RATE, {"guestId": "g" * 16}),
    (RATE, {"guestId": "Aa0_-" * 12 + "abcd"}),
    (FORK, {}),
    (FORK, {"title": "x" * 5}),
    (FORK, {"title": "x" * 100}),
    (FORK, {"title": "Résumé writer 🚀 会議の議事録"}),
    (FORK, {"title": "<script>alert(1)</script>"}),
    (FORK, {"title": "  Padded fork title  "}),
    (FORK, {"visibility": "private", "status": "draft"}),
    (KEYS, {"name": "k"}),
    (KEYS, {"name": "k" * 64}),
    (KEYS, {"name": "Clé 🔑 ключ 鍵"}),
    (KEYS, {"name": "'; DROP TABLE keys; --"}),
    (KEYS, {"scopes": ["write", "read"]}),
    (KEYS, {"expiresAt": f"{IN_A_MONTH}+02:00"}),
    (PROFILE, {"displayName": "A"}),
    (PROFILE, {"displayName": "x" * 50}),
    (PROFILE, {"displayName": "Zoë 🚀 山田 Сергей"}),
    (PROFILE, {"displayName": "<script>alert(1)</script>"}),
    (PROFILE, {"displayName": None, "bio": "x" * 300}),
    (PROFILE, {"bio": "Line one\nline two\twith a tab 🙂\r\n"}),
    (PROFILE, {"bio": "'; DROP TABLE users; --"}),
    (PROFILE, {"avatarUrl": "https://example.com/" + "x" * 480}),
    (PROFILE, {"website": "http://example.com/" + "x" * 281}),
    (PROFILE, {"twitter": "x" * 15, "github": "x" * 39}),
    (PROFILE, {"github": "a-b-c"}),
    (EMAIL_CHANGE, {"email": "a@b.co"}),
    (EMAIL_CHANGE, {"email": "x" * 64 + "@example.org"}),
    (EMAIL_CHANGE, {"email": "ada.lovelace+prompts@example.org"}),
    (EMAIL_CHANGE, {"email": "o'brien_99@sub.example.org"}),
    (ROLE, {"role": "moderator"}),
    (ROLE, {"role": "user"}),
    (ARCHIVE, {"reason": "abc"}),
    (ARCHIVE, {"reason": "x" * 500}),
    (ARCHIVE, {"reason": "Spam 🚫 スパム"}),
    (ARCHIVE, {"reason": "<img src=x onerror=alert(1)>"}),
    (RESTORE, {"reason": "Spam 🚫 スパム"}),
    (LABEL, {"version": 1}),
    (MARK_READ, {"all": True}),
    (PREFS, {"preferences": {"prompt.rated": {"inApp": False, "email": "off"}}}),
    (PREFS, {"preferences": {"user.followed": {"inApp": True}}}),
    (PREFS, {"preferences": {"prompt.forked": {"email": "daily", "inApp": None}}}),
    (
        PREFS,
        {
            "preferences": {
                kind: {"inApp": True, "email": mode}
                for kind, mode in zip(
                    ("prompt.rated", "prompt.bookmarked", "prompt.forked", "user.followed"),
                    ("instant", "daily", "weekly", "off"),
                    strict=True,
                )
            }
        },
    ),
    (RENDER, {"version": 1}),
    (RENDER, {"strict": False, "variables": {"topic": "x", "unknown": 1}}),
    (RENDER, {"variables": {"topic": "x" * 10_000}}),
    (RENDER, {"variables": {"topic": "会議 🚀 <script>alert(1)</script> {{topic}} {% x %}"}}),
    (RENDER, {"variables": {"topic": "'; DROP TABLE prompts; --"}}),
    (WEBHOOK, {"events": ["prompt.version.created", "prompt.label.moved", "prompt.deleted"]}),
    (WEBHOOK, {"description": "x" * 200}),
    (WEBHOOK, {"description": None}),
    (WEBHOOK, {"description": "Déploiement 🚀 <script>alert(1)</script>"}),
    (WEBHOOK, {"url": "http://127.0.0.1:65535/" + "x" * 2000}),
    (IMPORT, {"content": "x"}),
    (IMPORT, {"content": "x" * 60_000}),
    (IMPORT, {"format": "prompts-chat-csv", "content": "act,prompt\n"}),
    (IMPORT, {"format": "langfuse-json", "content": "[]"}),
    (IMPORT, {"format": "prompt-yml", "content": "会議 🚀 <script>alert(1)</script>"}),
    (IMPORT, {"content": None, "filename": "x"}),
    (IMPORT, {"content": None, "filename": "  Prompts 会議 🚀.csv  "}),
    (IMPORT, {"content": None, "filename": "../../etc/passwd"}),
]
ACCEPTED_CASES += [
    (COMMENT, {"body": "x"}),
    (COMMENT, {"body": "x" * 5_000}),
    (COMMENT, {"body": "Line one\n\n- a *list*\n\tcode 🙂 会議 <script>alert(1)</script>"}),
    (COMMENT, {"body": "'; DROP TABLE comments; --", "parentId": None}),
    (COMMENT_EDIT, {"body": "y"}),
    (COMMENT_EDIT, {"body": "y" * 5_000}),
    (COMMENT_EDIT, {"body": "Ünïcödé 🚀 <img src=x onerror=alert(1)>"}),
]
ACCEPTED_CASES += [
    (COLLECTION, {"name": "x"}),
    (COLLECTION, {"name": "x" * 100, "description": "y" * 1_000}),
    (COLLECTION, {"name": "  Padded 会議 🚀  ", "description": "Two\nlines"}),
    (COLLECTION, {"name": "<script>alert(1)</script>", "visibility": "private"}),
    (COLLECTION, {"description": None, "visibility": "public"}),
    (COLLECTION_EDIT, {"name": "z"}),
    (COLLECTION_EDIT, {"name": "z" * 100, "description": "d" * 1_000}),
    (COLLECTION_EDIT, {"visibility": "public"}),
    (COLLECTION_EDIT, {"description": None}),
    (COLLECT, {"position": 1}),
    (COLLECT, {"position": 500}),
    (COLLECT, {"position": None}),
]
ACCEPTED_CASES += [
    (WORKSPACE, {"name": "x", "slug": "abc"}),
    (WORKSPACE, {"name": "x" * 100, "slug": "a" * 40}),
    (WORKSPACE, {"name": "  Padded 会議 🚀  ", "slug": "0-9-inner-hyphens"}),
    (WORKSPACE, {"name": "<script>alert(1)</script>", "slug": "accepted-script"}),
    (WORKSPACE_EDIT, {"name": "z", "slug": "accepted-edit"}),
    (WORKSPACE_EDIT, {"name": "z" * 100, "slug": "b" * 40}),
    (MEMBER_ROLE, {"role": "viewer"}),
    (MEMBER_ROLE, {"role": "admin"}),
    (MEMBER_ROLE, {"role": "owner"}),
    (MEMBER_ROLE, {"role": "editor"}),
]
ACCEPTED_CASES += [
    (INVITE, {"role": "viewer"}),
    (INVITE, {"role": "admin"}),
    (INVITE, {"role": "owner"}),
    (INVITE, {"email": "first.last+tag@sub.example.org"}),
]
# normalised: sorted, and a datetime in UTC; preferences answer every type, not those sent;
# a collection's position is where the prompt landed (past the end: last)
NOT_ECHOED = {"scopes", "expiresAt", "preferences", "position"}
# Archiving spends its example (the prompt is archived); the others stay valid when they
# succeed (rating again replaces, a prompt forks any number of times, ...), so they share one.
SPENT_BY_SUCCESS = {
    INVITE,  # one pending invitation per address: each success needs its own
    ARCHIVE,
    RESTORE,
    WEBHOOK,
    REPORT,
    RESOLVE,
}  # a webhook: ten at most; a report: one open per reporter and target; a resolution: once


# Body routes whose accepted values are proved elsewhere in this file (the create and username
# tests, the wrong-password test below) or by their valid example alone (codes and tokens that
# have no range to probe).
ACCEPTED_ELSEWHERE = {
    SIGNUP,
    CREATE,
    DELETE_ME,
    EMAIL_VERIFY,
    UPDATE,
    "POST /v1/auth/confirm",
    "POST /v1/auth/login",
    "POST /v1/auth/refresh",
    "POST /v1/auth/forgot-password",
    "POST /v1/auth/reset-password",
    "POST /v1/prompts/{id}/versions/{n}/restore",
}


def test_every_body_route_has_accepted_values():
    assert set(BODY_ROUTES) <= {key for key, _ in ACCEPTED_CASES} | ACCEPTED_ELSEWHERE


@pytest.mark.parametrize(
    ("route_key", "changes"),
    ACCEPTED_CASES,
    ids=[_case_id((k, c, "")) for k, c in ACCEPTED_CASES],
)
def test_values_at_and_inside_the_limits_of_other_bodies_are_accepted(route_key, changes, owner):
    request = (fresh if route_key in SPENT_BY_SUCCESS else valid)(route_key, owner)
    request = replace(request, body={**request.body, **changes})

    reply = send(request)

    assert 200 <= reply.status < 300, reply.body
    for name, value in changes.items():
        if name in reply.data and name not in NOT_ECHOED:
            assert reply.data[name] == as_stored(value)


def as_stored(value: Any) -> Any:
    """Text is kept NFC-normalised and trimmed (decision 25)."""
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


@pytest.mark.parametrize("password", ["x" * 8, "x" * 256, "Correct-Horse-8"])
def test_a_wrong_password_of_a_valid_length_is_refused_but_valid(password, owner):
    """At the length limits the body is valid; deletion then needs the right password."""
    request = with_body(valid(DELETE_ME, owner), password=password)

    reply = assert_refused(request)

    assert reply.status == 401, reply.body


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
    "ak_" + "0" * 16,  # an API key id nobody has
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
# Usernames are 3-30 of a-z, 0-9, "_" and "-"; besides the ids above: well-formed but unknown,
# the limits +-1, case, and names that look like routes or keys.
HOSTILE_USERNAMES = [
    *HOSTILE_IDS,
    "nobody-" + "0" * 20,
    "ab",
    "a" * 31,
    "Upper",
    "me",
    "USER#x",
    "USERNAME#x",
    "a b",
    "%2e%2e",
    "..",
]
# Labels are 1-36 of a-z, 0-9, ".", "_" and "-", from a letter or digit; latest is no one's
# (the ids above that are well-formed labels, such as "null", are labels anyone may set)
HOSTILE_LABELS = [
    *[value for value in HOSTILE_IDS if not re.fullmatch(LABEL_PATTERN, value)],
    "latest",
    "Production",
    "x" * 37,
    ".",
    "..",
    "-x",
    "LABEL#x",
    "prod uction",
    "",
]
HOSTILE_VALUES = {
    "id": HOSTILE_IDS,
    "n": HOSTILE_NUMBERS,
    "username": HOSTILE_USERNAMES,
    "label": HOSTILE_LABELS,
    "shareId": [*HOSTILE_IDS, "sh_" + "0" * 32, "sh_" + "0" * 33, "SHARE#x"],
    # well-formed tokens naming no link, and the id parts of a real one with another secret
    "token": [*HOSTILE_IDS, "pvs_" + "0" * 64 + "A" * 43, "pvs_" + "0" * 64 + "A" * 44, "pvs_"],
}
# a collection's prompt: a well-formed id not in the collection is 404, like a malformed one
HOSTILE_VALUES["promptId"] = [*HOSTILE_IDS, "p_" + "0" * 33, "COLLECTED#x"]
# an invitation: a well-formed id of none is 404, like a malformed one
HOSTILE_VALUES["invitationId"] = [*HOSTILE_IDS, "iv_" + "0" * 32, "iv_" + "0" * 33, "INVITATION#x"]
HOSTILE_VALUES["token"] += ["pvi_" + "0" * 64 + "A" * 43, "pvi_" + "0" * 64 + "A" * 44, "pvi_"]
# a workspace's member: a well-formed id of no member is 404, like a malformed one
HOSTILE_VALUES["userId"] = [*HOSTILE_IDS, "0" * 8 + "-0000-4000-8000-" + "0" * 12, "MEMBER#x"]


# Idempotent removals that check only the id's shape, never what it names: one can always
# drop a bookmark, even of a prompt since deleted or hidden (docs/streams.md), so a well-formed
# id that names nothing is a 204 that removes nothing; a malformed one is still refused.
SHAPE_ONLY_REMOVALS = {"DELETE /v1/prompts/{id}/bookmark": re.compile(r"^p_[0-9a-f]{32}$")}


def path_params(route_key: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", route_key)


def test_every_path_parameter_has_hostile_values():
    assert {name for key in PARAM_ROUTES for name in path_params(key)} <= set(HOSTILE_VALUES)


def _param_cases() -> list[tuple[str, str, str]]:
    return [
        (route_key, name, value)
        for route_key in PARAM_ROUTES
        for name in path_params(route_key)
        for value in HOSTILE_VALUES[name]
    ]


@pytest.mark.parametrize(
    ("route_key", "param", "value"),
    _param_cases(),
    ids=[f"{k.split(' ')[1]}:{p}={v[:16]!r}" for k, p, v in _param_cases()],
)
def test_a_hostile_path_parameter_is_refused_never_a_server_error(route_key, param, value, owner):
    request = valid(route_key, owner)
    # the example's own caller (staff routes need a moderator or an admin), else the owner
    token = request.token or owner.token
    request = replace(request, params={**request.params, param: value}, token=token)
    if request.route.method == "PATCH":
        request = replace(request, headers={"If-Match": '"r1"'})
    shape = SHAPE_ONLY_REMOVALS.get(route_key)
    if shape and shape.match(value):
        before = stored()
        reply = send(request)
        assert reply.status == 204, reply.body
        assert stored() == before, "removing what is not there wrote something"
        return

    reply = assert_refused(request)

    assert reply.status in {404, 422}, reply.body


# --- query parameters ------------------------------------------------------------------------

LISTINGS = [
    "GET /v1/prompts",
    "GET /v1/users/me/prompts",
    "GET /v1/prompts/{id}/versions",
    "GET /v1/users/me/bookmarks",
    "GET /v1/users/me/notifications",
    "GET /v1/prompts/{id}/forks",
    "GET /v1/users/{username}/prompts",
    "GET /v1/users/{username}/followers",
    "GET /v1/users/{username}/following",
    "GET /v1/leaderboard",
    "GET /v1/prompts/{id}/labels/{label}/history",
    "GET /v1/prompts/{id}/shares",
    "GET /v1/prompts/{id}/comments",
    "GET /v1/comments/{id}/replies",
    "GET /v1/tags",
    "GET /v1/users/me/reports",
    "GET /v1/moderation/reports",
    "GET /v1/moderation/actions",
    "GET /v1/webhooks",
    "GET /v1/webhooks/{id}/deliveries",
    "GET /v1/collections/{id}",
    "GET /v1/users/me/collections",
    "GET /v1/users/{username}/collections",
    "GET /v1/workspaces",
    "GET /v1/workspaces/{id}/members",
    "GET /v1/workspaces/{id}/invitations",
]
SEARCH = "GET /v1/search"
SUGGEST = "GET /v1/search/suggest"

UNSUBSCRIBE = ["GET /v1/email/unsubscribe", "POST /v1/email/unsubscribe"]

QUERY_CASES: list[tuple[str, dict[str, str], str]] = [
    *[(k, {"limit": v}, "limit") for k in LISTINGS for v in ["0", "101", "-1", "abc", "1.5", ""]],
    *[(k, {"cursor": "x" * 2049}, "cursor") for k in LISTINGS],
    ("GET /v1/prompts", {"category": "Not A Slug"}, "category"),
    ("GET /v1/tags", {"prefix": "Upper"}, "prefix"),
    ("GET /v1/tags", {"prefix": "a b"}, "prefix"),
    ("GET /v1/tags", {"prefix": "TAG#x"}, "prefix"),
    ("GET /v1/tags", {"prefix": "x" * 31}, "prefix"),
    ("GET /v1/tags/popular", {"window": "2d"}, "window"),
    ("GET /v1/tags/popular", {"window": ""}, "window"),
    ("GET /v1/tags/popular", {"limit": "0"}, "limit"),
    ("GET /v1/tags/popular", {"limit": "101"}, "limit"),
    ("GET /v1/prompts", {"model": "x" * 65}, "model"),
    ("GET /v1/prompts", {"tag": "<script>"}, "tag"),
    ("GET /v1/prompts", {"tag": "../../etc/passwd"}, "tag"),
    ("GET /v1/users/me/prompts", {"status": "deleted"}, "status"),
    ("GET /v1/users/me/prompts", {"visibility": "secret"}, "visibility"),
    ("GET /v1/prompts/{id}", {"version": "0"}, "version"),
    ("GET /v1/prompts/{id}", {"version": "abc"}, "version"),
    ("GET /v1/prompts/{id}", {"version": "1000000"}, "version"),
    ("GET /v1/prompts/{id}", {"label": "x" * 37}, "label"),
    ("GET /v1/prompts/{id}", {"label": "Production"}, "label"),
    ("GET /v1/prompts/{id}", {"label": "../../etc/passwd"}, "label"),
    ("GET /v1/prompts/{id}", {"label": "latest", "version": "1"}, "version"),
    ("GET /v1/prompts/{id}/diff", {"from": "0"}, "from"),
    ("GET /v1/prompts/{id}/diff", {"to": "-2"}, "to"),
    ("GET /v1/prompts/{id}/diff", {"from": "abc"}, "from"),
    ("GET /v1/prompts/{id}/diff", {"to": "1.5"}, "to"),
    ("GET /v1/prompts/{id}/diff", {"to": "1000000"}, "to"),
    ("GET /v1/prompts/{id}/diff", {"from": "2", "to": "2"}, "from"),
    # search: at most 50 a page
    *[(SEARCH, {"limit": v}, "limit") for v in ["0", "51", "-1", "abc", "1.5", ""]],
    (SEARCH, {"cursor": "x" * 2049}, "cursor"),
    (SEARCH, {"q": "x" * 201}, "q"),
    (SEARCH, {"category": "Not A Slug"}, "category"),
    (SEARCH, {"model": "x" * 65}, "model"),
    (SEARCH, {"tag": "<script>"}, "tag"),
    (SEARCH, {"tag": "../../etc/passwd"}, "tag"),
    (SEARCH, {"owner": "' OR 1=1 --"}, "owner"),
    (SEARCH, {"owner": "x" * 65}, "owner"),
    (SEARCH, {"sort": "random"}, "sort"),
    (SEARCH, {"sort": "RELEVANCE"}, "sort"),
    (SEARCH, {"includeOwn": "maybe"}, "includeOwn"),
    (SUGGEST, {"q": ""}, "q"),
    (SUGGEST, {"q": "x" * 101}, "q"),
    (SUGGEST, {"includeOwn": "2"}, "includeOwn"),
    # a guest's ratings
    ("GET /v1/prompts/{id}/ratings", {"guestId": "g" * 15}, "guestId"),
    ("GET /v1/prompts/{id}/ratings", {"guestId": "<script>alert(1)</script>"}, "guestId"),
    ("DELETE /v1/prompts/{id}/rating", {"guestId": "g" * 65}, "guestId"),
    ("DELETE /v1/prompts/{id}/rating", {"guestId": "' OR '1'='1' --"}, "guestId"),
    # an export's format: one of four, spelled as listed
    *[("GET /v1/users/me/export", {"format": v}, "format") for v in ["xml", "JSON", "", "md"]],
    # an unsubscribe link's token: there, and no longer than any token we make
    *[(k, {"token": v}, "token") for k in UNSUBSCRIBE for v in ["", "x" * 513]],
]


@pytest.mark.parametrize(
    ("route_key", "query", "field_name"),
    QUERY_CASES,
    ids=[f"{k.split(' ')[1]}:{q}"[:60] for k, q, _ in QUERY_CASES],
)
def test_a_bad_query_parameter_is_422_and_named(route_key, query, field_name, owner):
    request = replace(with_query(valid(route_key, owner), **query), token=owner.token)

    assert_rejected(request, 422, "VALIDATION_ERROR", field_name)


def test_suggest_needs_a_prefix(owner):
    request = replace(valid(SUGGEST, owner), query={})

    assert_rejected(request, 422, "VALIDATION_ERROR", "q")


@pytest.mark.parametrize(
    "query",
    [
        {"q": "x" * 200, "limit": "50"},
        {"q": "", "limit": "1"},
        {"q": "会議 🚀 <script>alert(1)</script>"},
        {"q": "'; DROP TABLE prompts; --", "sort": "trending", "includeOwn": "true"},
        {"category": "coding", "model": "claude-sonnet", "tag": "a-b", "owner": "Ab-9"},
    ],
    ids=lambda q: ",".join(f"{k}={v[:12]!r}" for k, v in q.items()),
)
def test_search_queries_at_and_inside_the_limits_are_accepted(query, owner):
    reply = send(replace(valid(SEARCH, owner), query=query, token=owner.token))

    assert reply.status == 200, reply.body


@pytest.mark.parametrize("q", ["x", "x" * 100, "会", "🚀", "<script>"])
def test_suggest_prefixes_at_and_inside_the_limits_are_accepted(q, owner):
    reply = send(replace(valid(SUGGEST, owner), query={"q": q}))

    assert reply.status == 200, reply.body


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


# --- form bodies (one-click unsubscribe, RFC 8058) and the signed link's token ---------------

ONE_CLICK = "POST /v1/email/unsubscribe"
UNSUBSCRIBE_PAGE = "GET /v1/email/unsubscribe"


def test_the_form_routes_are_the_one_click_unsubscribe():
    """The control for the form cases: the web layer reads exactly these bodies as forms."""
    assert FORM_ROUTES == [ONE_CLICK]


@pytest.mark.parametrize("route_key", FORM_ROUTES)
@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "multipart/form-data",
        "a/b",
    ],
)
def test_a_form_sent_as_another_media_type_is_415_and_writes_nothing(
    route_key, content_type, owner
):
    request = valid(route_key, owner)
    raw = urlencode(request.body)
    request = replace(request, headers={**request.headers, "content-type": content_type}, raw=raw)

    assert_rejected(request, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type")


@pytest.mark.parametrize(
    "content_type", [f"{FORM}; charset=utf-8", "Application/X-WWW-Form-Urlencoded"]
)
def test_form_media_types_in_any_case_and_with_a_charset_are_forms(content_type, owner):
    request = fresh(ONE_CLICK, owner)
    request = replace(request, headers={**request.headers, "content-type": content_type})

    assert send(request).status == 200


@pytest.mark.parametrize("route_key", FORM_ROUTES)
@pytest.mark.parametrize(
    "raw", ["List-Unsubscribe=%FF", "List-Unsubscribe=One-Click%C3", "%E2%82=One-Click"]
)
def test_a_form_that_is_not_utf8_is_400_bad_request(route_key, raw, owner):
    assert_rejected(replace(valid(route_key, owner), raw=raw), 400, "BAD_REQUEST")


@pytest.mark.parametrize("route_key", FORM_ROUTES)
def test_a_repeated_form_field_is_422_not_its_last_value(route_key, owner):
    raw = "List-Unsubscribe=Two-Clicks&List-Unsubscribe=One-Click"

    assert_rejected(replace(valid(route_key, owner), raw=raw), 422, "VALIDATION_ERROR", "body")


@pytest.mark.parametrize("route_key", FORM_ROUTES)
@pytest.mark.parametrize("extra", ["unexpected", "token", "__proto__", "list-unsubscribe"])
def test_an_unknown_form_field_is_422_and_named(route_key, extra, owner):
    request = with_body(valid(route_key, owner), **{extra: "x"})

    assert_rejected(request, 422, "VALIDATION_ERROR", extra)


@pytest.mark.parametrize(
    "value",
    [MISSING, "", "one-click", "One-Click ", "One-Click\r\nBcc: x@example.com", "<script>", "1"],
    ids=lambda v: "<missing>" if v is MISSING else repr(v),
)
def test_a_bad_one_click_field_is_422_names_it_and_writes_nothing(value, owner):
    request = with_body(valid(ONE_CLICK, owner), **{"List-Unsubscribe": value})

    assert_rejected(request, 422, "VALIDATION_ERROR", "List-Unsubscribe")


def test_a_form_spelt_in_percent_escapes_is_the_same_form(owner):
    request = replace(fresh(ONE_CLICK, owner), raw="List%2DUnsubscribe=One%2DClick")

    assert send(request).status == 200


def test_the_unsubscribe_link_needs_its_token(owner):
    for route_key in UNSUBSCRIBE:
        assert_rejected(
            replace(valid(route_key, owner), query={}), 422, "VALIDATION_ERROR", "token"
        )


def _signed(value: Any, *, salt: bytes = b"", key: bytes = b"") -> str:
    """A token made with our library the way ours are, but another salt or key."""
    import hashlib

    from itsdangerous import URLSafeSerializer

    from promptvault.core.secret import derived_key
    from promptvault.email import tokens

    return URLSafeSerializer(
        derived_key(key or tokens.UNSUBSCRIBE_KEY),
        salt=salt or tokens.SALT,
        signer_kwargs={"digest_method": hashlib.sha256, "key_derivation": "hmac"},
    ).dumps(value)


def _swap(text: str, at: int) -> str:
    return text[:at] + ("B" if text[at] == "A" else "A") + text[at + 1 :]


def tampered_tokens(owner: User) -> dict[str, str]:
    """The owner's real token altered one way each, and tokens that were never ours."""
    token = _link_token(owner)
    payload, _, signature = token.partition(".")
    claim = [owner.id, "prompt.forked", 0]
    return {
        "first character": _swap(token, 0),
        "last payload character": f"{_swap(payload, len(payload) - 1)}.{signature}",
        "first signature character": f"{payload}.{_swap(signature, 0)}",
        "last signature character": f"{payload}.{_swap(signature, len(signature) - 1)}",
        "signature removed": payload,
        "signature empty": f"{payload}.",
        "one character short": token[:-1],
        "one character more": f"{token}A",
        "a second dot": f"{token}.x",
        "payload removed": f".{signature}",
        "upper case": token.upper(),
        "another person's claim": f"{_signed(['u-other', 'prompt.forked', 0]).split('.')[0]}."
        f"{signature}",
        "another salt": _signed(claim, salt=b"promptvault.email.other"),
        "another key": _signed(claim, key=b"promptvault/cursor/aes-256-gcm/v1"),
        "an unknown category": _signed([owner.id, "prompt.commented", 0]),
        "a negative epoch": _signed([owner.id, "prompt.forked", -1]),
        "a claim of another shape": _signed({"userId": owner.id, "category": "prompt.forked"}),
        "garbage": "not-a-token",
        "JSON": json.dumps(claim),
        "script": "<script>alert(1)</script>",
    }


TAMPERED = list(tampered_tokens(User("u", "u", "u@example.com", "t")))


@pytest.mark.parametrize("how", TAMPERED)
def test_a_tampered_token_is_400_invalid_token_and_one_click_writes_nothing(how, owner):
    token = tampered_tokens(owner)[how]

    assert_rejected(with_query(valid(ONE_CLICK, owner), token=token), 400, "INVALID_TOKEN")


@pytest.mark.parametrize("how", TAMPERED)
def test_a_tampered_token_opens_a_400_page_that_writes_nothing(how, owner):
    token = tampered_tokens(owner)[how]
    before = stored()

    reply = send(with_query(valid(UNSUBSCRIBE_PAGE, owner), token=token))

    assert reply.status == 400, reply.body
    assert reply.headers["Content-Type"].startswith("text/html")
    assert "INVALID_TOKEN" in reply.body
    assert "<form" not in reply.body
    assert stored() == before
