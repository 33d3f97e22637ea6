"""The authorisation matrix, generated from the route catalogue.

Every catalogue route meets every kind of caller, and each meeting has one expected status.
``EXPECTED`` holds a row per route; a route added to the catalogue without a row fails
``test_every_catalogue_route_has_a_row``, so no endpoint escapes the matrix. The subject of
each request belongs to the owner (their private prompt, their key, their username), which
makes the object-level rules visible: others get 404 where existence must not leak.

Kinds of caller: anonymous; another signed-in user; the owner; a moderator; an admin; the
owner's API key with read scope, with read+write, and one that was revoked. Public routes
read no credentials at all, so even a revoked key gets their ordinary answer.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from promptvault.catalogue import ROUTES
from promptvault.email.tokens import unsubscribe_token
from promptvault.web.envelope import FORM
from tests.support.api import Reply, call
from tests.support.factories import PASSWORD, User, create_prompt, prompt_body, sign_up
from tests.support.identity import api_key, ask_email_change, revoked_key, with_role

KINDS = (
    "anonymous",
    "other",
    "owner",
    "moderator",
    "admin",
    "read-key",
    "write-key",
    "revoked-key",
)


@dataclass
class World:
    owner: User
    other: User
    moderator: User
    admin: User
    read_key: str
    write_key: str
    revoked: str
    private: dict[str, Any]  # the owner's private prompt, two versions
    public: dict[str, Any]  # the owner's public prompt
    unlisted: dict[str, Any]  # the owner's unlisted prompt, two versions
    _fresh: dict[str, User] = field(default_factory=dict)

    def credential(self, kind: str) -> str | None:
        return {
            "anonymous": None,
            "other": self.other.token,
            "owner": self.owner.token,
            "moderator": self.moderator.token,
            "admin": self.admin.token,
            "read-key": self.read_key,
            "write-key": self.write_key,
            "revoked-key": self.revoked,
        }[kind]


def two_versions(owner: User, **fields: Any) -> dict[str, Any]:
    prompt = create_prompt(owner, title=f"Matrix {uuid.uuid4().hex[:8]}", **fields)
    edited = call(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        {"content": "Summarise the notes about {{topic}} in three bullet points."},
        token=owner.token,
        headers={"If-Match": prompt["etag"]},
    )
    assert edited.status == 200, edited.body
    return {**edited.data, "etag": edited.headers["ETag"]}


@pytest.fixture(scope="module")
def world() -> World:
    owner = sign_up()
    return World(
        owner=owner,
        other=sign_up(),
        moderator=with_role("moderator"),
        admin=with_role("admin"),
        read_key=api_key(owner, ("read",))["key"],
        write_key=api_key(owner, ("read", "write"))["key"],
        revoked=revoked_key(owner),
        private=two_versions(owner, visibility="private"),
        public=two_versions(owner),
        unlisted=two_versions(owner, visibility="unlisted"),
    )


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    token: str | None = None  # overrides the caller's credential (account deletion)
    raw: str | None = None  # a body sent as it is (a form), instead of ``body`` as JSON


Build = Callable[[World, str], Req]


def rule(
    owner: int,
    *,
    other: int | None = None,
    anonymous: int = 401,
    moderator: int | None = None,
    admin: int | None = None,
    read_key: int | None = 403,
    write_key: int | None = None,
    revoked: int = 401,
) -> dict[str, int]:
    """Expected statuses of a route that reads credentials; unset kinds follow the owner
    (keys act as the owner) or the other user (moderators and admins are other users)."""
    other = owner if other is None else other
    moderator = other if moderator is None else moderator
    return {
        "anonymous": anonymous,
        "other": other,
        "owner": owner,
        "moderator": moderator,
        "admin": moderator if admin is None else admin,
        "read-key": owner if read_key is None else read_key,
        "write-key": owner if write_key is None else write_key,
        "revoked-key": revoked,
    }


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(KINDS, status)


def private_read(success: int = 200) -> dict[str, int]:
    """The owner's private prompt: the owner and their keys see it; nobody else learns it
    exists (moderators neither: they act on public content)."""
    return rule(success, other=404, anonymous=404, read_key=success)


def owner_write(success: int) -> dict[str, int]:
    return rule(success, other=404)


# --- requests ---------------------------------------------------------------------------------


def fresh_private(world: World, kind: str) -> dict[str, Any]:
    return two_versions(world.owner, visibility="private")


def fresh_public(world: World, kind: str) -> dict[str, Any]:
    return create_prompt(world.owner, title=f"Matrix {uuid.uuid4().hex[:8]}")


def _signup(world: World, kind: str) -> Req:
    name = f"m{uuid.uuid4().hex[:10]}"
    body = {"email": f"{name}@example.com", "password": PASSWORD, "username": name}
    return Req("POST", "/v1/auth/signup", body)


def _delete_me(world: World, kind: str) -> Req:
    if kind in {"other", "owner", "moderator", "admin"}:
        someone = sign_up() if kind in {"other", "owner"} else with_role(kind)
        return Req("DELETE", "/v1/users/me", {"password": PASSWORD}, token=someone.token)
    return Req("DELETE", "/v1/users/me", {"password": PASSWORD})


def _person(world: World, kind: str) -> User | None:
    """A person of this kind with an account of their own (a change of address spends it and
    the world's people keep theirs); None for the callers that are not a person's token."""
    if kind in {"other", "owner"}:
        return sign_up()
    return with_role(kind) if kind in {"moderator", "admin"} else None


def _change_email(world: World, kind: str) -> Req:
    body = {"email": f"m{uuid.uuid4().hex[:10]}@example.org", "password": PASSWORD}
    someone = _person(world, kind)
    return Req("PUT", "/v1/users/me/email", body, token=someone.token if someone else None)


def _verify_email(world: World, kind: str) -> Req:
    someone = _person(world, kind)
    if someone is None:
        return Req("POST", "/v1/users/me/email/verify", {"code": "123456"})
    code = ask_email_change(someone, f"m{uuid.uuid4().hex[:10]}@example.org")
    return Req("POST", "/v1/users/me/email/verify", {"code": code}, token=someone.token)


IMPORT_FILE = "# Matrix import\n\nSummarise the notes about {{topic}} in three points.\n"


def _owners_import(tail: str) -> Build:
    def build(world: World, kind: str) -> Req:
        body = {"format": "markdown", "content": IMPORT_FILE}
        started = call("POST", "/v1/imports", body, token=world.owner.token)
        assert started.status == 201, started.body
        return Req("GET", f"/v1/imports/{started.data['id']}{tail}")

    return build


def _follow(method: str) -> Build:
    def build(world: World, kind: str) -> Req:
        return Req(method, f"/v1/users/{world.owner.username}/follow")

    return build


def _role(world: World, kind: str) -> Req:
    return Req("PUT", f"/v1/admin/users/{sign_up().username}/role", {"role": "user"})


def _archive(world: World, kind: str) -> Req:
    prompt = fresh_public(world, kind)
    return Req("POST", f"/v1/moderation/prompts/{prompt['id']}/archive", {"reason": "spam"})


def _restore(world: World, kind: str) -> Req:
    prompt = fresh_public(world, kind)
    archive = call(
        "POST",
        f"/v1/moderation/prompts/{prompt['id']}/archive",
        {"reason": "spam"},
        token=world.moderator.token,
    )
    assert archive.status == 201, archive.body
    return Req("POST", f"/v1/moderation/prompts/{prompt['id']}/restore", {"reason": "fine"})


def _revoke_key(world: World, kind: str) -> Req:
    return Req("DELETE", f"/v1/users/me/api-keys/{api_key(world.owner)['id']}")


def _edit(world: World, kind: str) -> Req:
    prompt = fresh_private(world, kind)
    return Req(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        {"title": "Edited by the matrix"},
        headers={"If-Match": prompt["etag"]},
    )


def _on(path: str, prompt: str = "private", **extra: Any) -> Build:
    """A request on the world's shared prompt (``private`` or ``public``)."""

    def build(world: World, kind: str) -> Req:
        subject = world.private if prompt == "private" else world.public
        return Req(path=path.format(id=subject["id"]), **extra)

    return build


def _on_fresh(method: str, path: str, public: bool = False, **extra: Any) -> Build:
    def build(world: World, kind: str) -> Req:
        subject = (fresh_public if public else fresh_private)(world, kind)
        return Req(method, path.format(id=subject["id"]), **extra)

    return build


def _labelled_delete(world: World, kind: str) -> Req:
    """The owner's fresh private prompt with a production label, for someone to remove."""
    prompt = fresh_private(world, kind)
    path = f"/v1/prompts/{prompt['id']}/labels/production"
    moved = call("PUT", path, {"version": 1}, token=world.owner.token)
    assert moved.status == 200, moved.body
    return Req("DELETE", path)


def _new_share(world: World) -> dict[str, Any]:
    """A share link to the owner's private prompt, minted by the owner."""
    made = call("POST", f"/v1/prompts/{world.private['id']}/shares", {}, token=world.owner.token)
    assert made.status == 201, made.body
    return made.data


def _share_revoke(world: World, kind: str) -> Req:
    share = _new_share(world)
    return Req("DELETE", f"/v1/prompts/{world.private['id']}/shares/{share['id']}")


def _shared_read(world: World, kind: str) -> Req:
    return Req("GET", f"/v1/shared/{_new_share(world)['token']}")


def _report(world: World, kind: str) -> Req:
    """A report of a fresh public prompt of the owner's (three reports would hide a shared
    one)."""
    prompt = fresh_public(world, kind)
    body = {"targetType": "prompt", "targetId": prompt["id"], "reason": "spam"}
    return Req("POST", "/v1/reports", body)


def _resolve(world: World, kind: str) -> Req:
    """An open report (by a fresh person, of a fresh public prompt) for someone to resolve."""
    prompt = fresh_public(world, kind)
    body = {"targetType": "prompt", "targetId": prompt["id"], "reason": "spam"}
    filed = call("POST", "/v1/reports", body, token=sign_up().token)
    assert filed.status == 201, filed.body
    path = f"/v1/moderation/reports/{filed.data['id']}/resolve"
    return Req("POST", path, {"action": "dismiss", "note": "Reviewed: fine"})


def _plain(method: str, path: str, **extra: Any) -> Build:
    def build(world: World, kind: str) -> Req:
        return Req(method, path.format(username=world.owner.username), **extra)

    return build


def _new_collection(world: World, visibility: str = "private") -> dict[str, Any]:
    """A collection of the owner's, holding the owner's public prompt."""
    body = {"name": "Matrix shelf", "visibility": visibility}
    made = call("POST", "/v1/collections", body, token=world.owner.token)
    assert made.status == 201, made.body
    path = f"/v1/collections/{made.data['id']}/prompts/{world.public['id']}"
    assert call("PUT", path, {}, token=world.owner.token).status == 200
    return made.data


def _on_collection(
    method: str, suffix: str = "", visibility: str = "private", **extra: Any
) -> Build:
    """A request on a fresh collection of the owner's (``suffix``: after its path, with
    ``{prompt}`` the owner's public prompt, which the collection holds)."""

    def build(world: World, kind: str) -> Req:
        collection = _new_collection(world, visibility)
        tail = suffix.format(prompt=world.public["id"])
        return Req(method, f"/v1/collections/{collection['id']}{tail}", **extra)

    return build


ONE_CLICK = "List-Unsubscribe=One-Click"  # RFC 8058's body, as mail providers post it


def _unsubscribe(method: str) -> Build:
    """The owner's unsubscribe link (public: the signed token is the credential), opened or
    posted one-click; any number of times, it answers the same."""

    def build(world: World, kind: str) -> Req:
        query = {"token": unsubscribe_token(world.owner.id, "prompt.rated", 0)}
        if method == "GET":
            return Req("GET", "/v1/email/unsubscribe", query=query)
        form = {"content-type": FORM}
        return Req("POST", "/v1/email/unsubscribe", headers=form, query=query, raw=ONE_CLICK)

    return build


def _login(world: World, kind: str) -> Req:
    return Req("POST", "/v1/auth/login", {"email": world.other.email, "password": PASSWORD})


def _refresh(world: World, kind: str) -> Req:
    login = call("POST", "/v1/auth/login", {"email": world.other.email, "password": PASSWORD})
    return Req("POST", "/v1/auth/refresh", {"refreshToken": login.data["refreshToken"]})


HOOK = {"url": "http://127.0.0.1:9/matrix", "events": ["prompt.deleted"]}  # nobody listens
_hooks: dict[str, str] = {}  # owner id -> the webhook the matrix's requests are about


def _owners_hook(world: World) -> str:
    """The owner's webhook (one, made once): what the webhook routes are asked about."""
    if world.owner.id not in _hooks:
        made = call("POST", "/v1/webhooks", HOOK, token=world.owner.token)
        assert made.status == 201, made.body
        _hooks[world.owner.id] = made.data["id"]
    return _hooks[world.owner.id]


def _on_hook(method: str, tail: str = "") -> Build:
    def build(world: World, kind: str) -> Req:
        return Req(method, f"/v1/webhooks/{_owners_hook(world)}{tail}")

    return build


def _fresh_hook_delete(world: World, kind: str) -> Req:
    """A fresh webhook of the owner's to delete; the ones earlier kinds left go first (a
    person has at most ten)."""
    keep = _owners_hook(world)
    for hook in call("GET", "/v1/webhooks", token=world.owner.token, query={"limit": "50"}).data:
        if hook["id"] != keep:
            call("DELETE", f"/v1/webhooks/{hook['id']}", token=world.owner.token)
    made = call("POST", "/v1/webhooks", HOOK, token=world.owner.token)
    assert made.status == 201, made.body
    return Req("DELETE", f"/v1/webhooks/{made.data['id']}")


# route key -> (how to ask, what each kind of caller gets)
EXPECTED: dict[str, tuple[Build, dict[str, int]]] = {
    # accounts: public, so credentials are never read and every caller gets the same answer
    "POST /v1/auth/signup": (_signup, everyone(201)),
    "POST /v1/auth/confirm": (
        _plain("POST", "/v1/auth/confirm", body={"email": "nobody@example.com", "code": "123456"}),
        everyone(401),
    ),
    "POST /v1/auth/login": (_login, everyone(200)),
    "POST /v1/auth/refresh": (_refresh, everyone(200)),
    "POST /v1/auth/forgot-password": (
        _plain("POST", "/v1/auth/forgot-password", body={"email": "nobody@example.com"}),
        everyone(202),
    ),
    "POST /v1/auth/reset-password": (
        _plain(
            "POST",
            "/v1/auth/reset-password",
            body={"email": "nobody@example.com", "code": "123456", "password": PASSWORD},
        ),
        everyone(422),  # an unknown account looks like a wrong code
    ),
    "GET /v1/users/me": (_plain("GET", "/v1/users/me"), rule(200, read_key=200)),
    "GET /v1/users/me/prompts": (_plain("GET", "/v1/users/me/prompts"), rule(200, read_key=200)),
    # prompts: the owner's private prompt
    "POST /v1/prompts": (_plain("POST", "/v1/prompts", body=prompt_body()), rule(201)),
    "GET /v1/prompts": (_plain("GET", "/v1/prompts"), everyone(200)),
    "GET /v1/prompts/{id}": (_on("/v1/prompts/{id}", method="GET"), private_read()),
    "PATCH /v1/prompts/{id}": (_edit, owner_write(200)),
    "DELETE /v1/prompts/{id}": (_on_fresh("DELETE", "/v1/prompts/{id}"), owner_write(204)),
    "GET /v1/prompts/{id}/versions": (
        _on("/v1/prompts/{id}/versions", method="GET"),
        private_read(),
    ),
    "GET /v1/prompts/{id}/versions/{n}": (
        _on("/v1/prompts/{id}/versions/1", method="GET"),
        private_read(),
    ),
    "POST /v1/prompts/{id}/versions/{n}/restore": (
        _on_fresh("POST", "/v1/prompts/{id}/versions/1/restore"),
        owner_write(201),
    ),
    "GET /v1/prompts/{id}/diff": (
        _on("/v1/prompts/{id}/diff", method="GET", query={"from": "1", "to": "2"}),
        private_read(),
    ),
    # labels and rendering (issue 13): the owner moves labels; whoever sees the prompt reads
    # them and renders it (a read key included: rendering writes nothing)
    "PUT /v1/prompts/{id}/labels/{label}": (
        _on("/v1/prompts/{id}/labels/production", method="PUT", body={"version": 1}),
        owner_write(200),
    ),
    "DELETE /v1/prompts/{id}/labels/{label}": (_labelled_delete, owner_write(204)),
    "GET /v1/prompts/{id}/labels": (_on("/v1/prompts/{id}/labels", method="GET"), private_read()),
    "GET /v1/prompts/{id}/labels/{label}/history": (
        _on("/v1/prompts/{id}/labels/production/history", method="GET"),
        private_read(),
    ),
    "POST /v1/prompts/{id}/render": (
        _on(
            "/v1/prompts/{id}/render",
            method="POST",
            body={"variables": {"topic": "matrix"}, "version": 2},
        ),
        private_read(),
    ),
    "POST /v1/prompts/{id}/shares": (
        _on("/v1/prompts/{id}/shares", method="POST", body={"maxViews": 3}),
        owner_write(201),
    ),
    "GET /v1/prompts/{id}/shares": (
        _on("/v1/prompts/{id}/shares", method="GET"),
        rule(200, other=404, read_key=200),
    ),
    "DELETE /v1/prompts/{id}/shares/{shareId}": (_share_revoke, owner_write(204)),
    # public: anyone holding the token reads the private prompt; no credential is read
    "GET /v1/shared/{token}": (_shared_read, everyone(200)),
    "GET /v1/categories": (_plain("GET", "/v1/categories"), everyone(200)),
    "GET /v1/models": (_plain("GET", "/v1/models"), everyone(200)),
    "GET /v1/tags": (_plain("GET", "/v1/tags", query={"prefix": "m"}), everyone(200)),
    "GET /v1/tags/popular": (_plain("GET", "/v1/tags/popular"), everyone(200)),
    # engagement: on the owner's public prompt (anyone may engage), bookmarks are personal
    "PUT /v1/prompts/{id}/rating": (
        _on("/v1/prompts/{id}/rating", "public", method="PUT", body={"score": 4}),
        rule(200),
    ),
    "DELETE /v1/prompts/{id}/rating": (
        _on("/v1/prompts/{id}/rating", "public", method="DELETE"),
        rule(204),
    ),
    "GET /v1/prompts/{id}/ratings": (
        _on("/v1/prompts/{id}/ratings", "public", method="GET"),
        rule(200, anonymous=200, read_key=200),
    ),
    "POST /v1/prompts/{id}/views": (
        _on("/v1/prompts/{id}/views", "public", method="POST"),
        rule(202, anonymous=202, read_key=202),
    ),
    "POST /v1/prompts/{id}/copies": (
        _on("/v1/prompts/{id}/copies", "public", method="POST"),
        rule(202, anonymous=202, read_key=202),
    ),
    "PUT /v1/prompts/{id}/bookmark": (
        _on("/v1/prompts/{id}/bookmark", "public", method="PUT"),
        rule(200),
    ),
    "DELETE /v1/prompts/{id}/bookmark": (
        _on("/v1/prompts/{id}/bookmark", "public", method="DELETE"),
        rule(204),
    ),
    "GET /v1/users/me/bookmarks": (
        _plain("GET", "/v1/users/me/bookmarks"),
        rule(200, read_key=200),
    ),
    # notifications: one's own (another person's ids mark nothing: test_notifications.py)
    "GET /v1/users/me/notifications": (
        _plain("GET", "/v1/users/me/notifications"),
        rule(200, read_key=200),
    ),
    "GET /v1/users/me/notifications/unread-count": (
        _plain("GET", "/v1/users/me/notifications/unread-count"),
        rule(200, read_key=200),
    ),
    "POST /v1/users/me/notifications/read": (
        _plain("POST", "/v1/users/me/notifications/read", body={"all": True}),
        rule(200),
    ),
    "POST /v1/prompts/{id}/fork": (
        _on("/v1/prompts/{id}/fork", "public", method="POST", body={}),
        rule(201),
    ),
    "GET /v1/prompts/{id}/forks": (
        _on("/v1/prompts/{id}/forks", "public", method="GET"),
        rule(200, anonymous=200, read_key=200),
    ),
    # search: public content for everyone; a bad credential is still refused
    "GET /v1/search": (
        _plain("GET", "/v1/search", query={"q": "meeting"}),
        rule(200, anonymous=200, read_key=200),
    ),
    "GET /v1/search/suggest": (
        _plain("GET", "/v1/search/suggest", query={"q": "mee"}),
        rule(200, anonymous=200, read_key=200),
    ),
    # identity: keys are managed, and the account deleted, by a person's token only
    "POST /v1/users/me/api-keys": (
        _plain("POST", "/v1/users/me/api-keys", body={"name": "matrix", "scopes": ["read"]}),
        rule(201, write_key=403),
    ),
    "GET /v1/users/me/api-keys": (
        _plain("GET", "/v1/users/me/api-keys"),
        rule(200, write_key=403),
    ),
    "DELETE /v1/users/me/api-keys/{id}": (_revoke_key, rule(204, other=404, write_key=403)),
    "PATCH /v1/users/me": (_plain("PATCH", "/v1/users/me", body={"bio": "matrix"}), rule(200)),
    "DELETE /v1/users/me": (_delete_me, rule(204, write_key=403)),
    # a change of address: a person's token only, each on their own account
    "PUT /v1/users/me/email": (_change_email, rule(202, write_key=403)),
    "POST /v1/users/me/email/verify": (_verify_email, rule(200, write_key=403)),
    "GET /v1/users/{username}": (_plain("GET", "/v1/users/{username}"), everyone(200)),
    "GET /v1/users/{username}/prompts": (
        _plain("GET", "/v1/users/{username}/prompts"),
        everyone(200),
    ),
    # following oneself is refused (422); unfollowing someone one does not follow is a no-op
    "PUT /v1/users/{username}/follow": (_follow("PUT"), rule(422, other=200)),
    "DELETE /v1/users/{username}/follow": (_follow("DELETE"), rule(204)),
    "GET /v1/users/{username}/followers": (
        _plain("GET", "/v1/users/{username}/followers"),
        everyone(200),
    ),
    "GET /v1/users/{username}/following": (
        _plain("GET", "/v1/users/{username}/following"),
        everyone(200),
    ),
    "GET /v1/leaderboard": (_plain("GET", "/v1/leaderboard"), everyone(200)),
    # email preferences are one's own; the unsubscribe link needs no sign-in (its token)
    "GET /v1/users/me/notification-preferences": (
        _plain("GET", "/v1/users/me/notification-preferences"),
        rule(200, read_key=200),
    ),
    "PUT /v1/users/me/notification-preferences": (
        _plain(
            "PUT",
            "/v1/users/me/notification-preferences",
            body={"preferences": {"prompt.rated": {"email": "weekly"}}},
        ),
        rule(200),
    ),
    "GET /v1/email/unsubscribe": (_unsubscribe("GET"), everyone(200)),
    "POST /v1/email/unsubscribe": (_unsubscribe("POST"), everyone(200)),
    # export: one's own prompts, for a person or a read key
    "GET /v1/users/me/export": (
        _plain("GET", "/v1/users/me/export", query={"format": "csv"}),
        rule(200, read_key=200),
    ),
    # imports: started with a write key or a token; seen by their importer alone (404 to
    # everyone else, moderators included: the file is private)
    "POST /v1/imports": (
        _plain("POST", "/v1/imports", body={"format": "markdown", "content": IMPORT_FILE}),
        rule(201),
    ),
    "GET /v1/imports/{id}": (_owners_import(""), rule(200, other=404, read_key=200)),
    "GET /v1/imports/{id}/rows": (_owners_import("/rows"), rule(200, other=404, read_key=200)),
    # webhooks (issue 13): one's own; another person's webhook id is 404, never 403
    "POST /v1/webhooks": (_plain("POST", "/v1/webhooks", body=HOOK), rule(201)),
    "GET /v1/webhooks": (_plain("GET", "/v1/webhooks"), rule(200, read_key=200)),
    "DELETE /v1/webhooks/{id}": (_fresh_hook_delete, owner_write(204)),
    "POST /v1/webhooks/{id}/test": (_on_hook("POST", "/test"), owner_write(200)),
    "GET /v1/webhooks/{id}/deliveries": (
        _on_hook("GET", "/deliveries"),
        rule(200, other=404, read_key=200),
    ),
    "POST /v1/webhooks/{id}/rotate-secret": (
        _on_hook("POST", "/rotate-secret"),
        owner_write(200),
    ),
    # roles and moderation: function-level, so a refused person gets 403 (they are known)
    "PUT /v1/admin/users/{username}/role": (
        _role,
        rule(403, moderator=403, admin=200, write_key=403),
    ),
    "POST /v1/moderation/prompts/{id}/archive": (
        _archive,
        rule(403, moderator=201, write_key=403),
    ),
    "POST /v1/moderation/prompts/{id}/restore": (
        _restore,
        rule(403, moderator=201, write_key=403),
    ),
    # reports (issue 12): anyone signed in reports what they see and do not own (the owner and
    # their keys: 422); the queue, resolution and log are moderators' (session scope)
    "POST /v1/reports": (_report, rule(422, other=201, read_key=403)),
    "GET /v1/users/me/reports": (_plain("GET", "/v1/users/me/reports"), rule(200, read_key=200)),
    "GET /v1/moderation/reports": (
        _plain("GET", "/v1/moderation/reports"),
        rule(403, moderator=200, write_key=403),
    ),
    "POST /v1/moderation/reports/{id}/resolve": (
        _resolve,
        rule(403, moderator=200, write_key=403),
    ),
    "GET /v1/moderation/actions": (
        _plain("GET", "/v1/moderation/actions"),
        rule(403, moderator=200, write_key=403),
    ),
    # collections (issue 12): anyone signed in makes their own; a private one is its owner's
    # alone (moderators too get 404); only the owner edits and fills it; a moderator may
    # delete a public one (its name and description are all it publishes)
    "POST /v1/collections": (
        _plain("POST", "/v1/collections", body={"name": "Matrix shelf"}),
        rule(201),
    ),
    "GET /v1/collections/{id}": (_on_collection("GET"), private_read()),
    "PATCH /v1/collections/{id}": (
        _on_collection("PATCH", body={"name": "Renamed by the matrix"}),
        owner_write(200),
    ),
    "DELETE /v1/collections/{id}": (
        _on_collection("DELETE", visibility="public"),
        rule(204, other=404, moderator=204),
    ),
    "PUT /v1/collections/{id}/prompts/{promptId}": (
        _on_collection("PUT", "/prompts/{prompt}", body={"position": 1}),
        owner_write(200),
    ),
    "DELETE /v1/collections/{id}/prompts/{promptId}": (
        _on_collection("DELETE", "/prompts/{prompt}"),
        owner_write(204),
    ),
    "GET /v1/users/me/collections": (
        _plain("GET", "/v1/users/me/collections"),
        rule(200, read_key=200),
    ),
    "GET /v1/users/{username}/collections": (
        _plain("GET", "/v1/users/{username}/collections"),
        everyone(200),
    ),
}


# --- comments (issue 12): on the owner's private prompt, so others learn nothing of it --------


def _owners_comment(world: World) -> dict[str, Any]:
    path = f"/v1/prompts/{world.private['id']}/comments"
    made = call("POST", path, {"body": "A matrix comment"}, token=world.owner.token)
    assert made.status == 201, made.body
    return made.data


def _on_comment(method: str, suffix: str = "", **extra: Any) -> Build:
    def build(world: World, kind: str) -> Req:
        return Req(method, f"/v1/comments/{_owners_comment(world)['id']}{suffix}", **extra)

    return build


EXPECTED.update(
    {
        "POST /v1/prompts/{id}/comments": (
            _on("/v1/prompts/{id}/comments", method="POST", body={"body": "Hello @nobody"}),
            owner_write(201),
        ),
        "GET /v1/prompts/{id}/comments": (
            _on("/v1/prompts/{id}/comments", method="GET"),
            private_read(),
        ),
        "GET /v1/comments/{id}/replies": (_on_comment("GET", "/replies"), private_read()),
        "PATCH /v1/comments/{id}": (
            _on_comment("PATCH", body={"body": "Edited"}),
            owner_write(200),
        ),
        "DELETE /v1/comments/{id}": (_on_comment("DELETE"), owner_write(204)),
        "PUT /v1/comments/{id}/like": (_on_comment("PUT", "/like"), owner_write(200)),
        # withdrawing one's like reads nothing of the prompt: anyone's is a no-op for others
        "DELETE /v1/comments/{id}/like": (_on_comment("DELETE", "/like"), rule(204)),
    }
)


# --- workspaces (issue 14): a fresh team workspace of the owner's; everyone else is not a
# member and gets 404 (ids never leak); keys act as the owner within their scopes ------------


def _matrix_workspace(world: World) -> dict[str, Any]:
    from promptvault.workspaces.roles import Role
    from promptvault.workspaces.service import add_member

    body = {"name": "Matrix team", "slug": f"matrix-{uuid.uuid4().hex[:12]}"}
    made = call("POST", "/v1/workspaces", body, token=world.owner.token)
    assert made.status == 201, made.body
    member = sign_up()
    add_member(made.data["id"], member.id, Role.VIEWER, invited_by=world.owner.id)
    return {**made.data, "member": member.id}


def _new_workspace(world: World, kind: str) -> Req:
    body = {"name": "Matrix team", "slug": f"matrix-{uuid.uuid4().hex[:12]}"}
    return Req("POST", "/v1/workspaces", body)


def _on_workspace(method: str, suffix: str = "", **extra: Any) -> Build:
    """A request on a fresh workspace of the owner's (``{member}``: its viewer's id)."""

    def build(world: World, kind: str) -> Req:
        ws = _matrix_workspace(world)
        tail = suffix.format(member=ws["member"])
        return Req(method, f"/v1/workspaces/{ws['id']}{tail}", **extra)

    return build


EXPECTED.update(
    {
        "POST /v1/workspaces": (_new_workspace, rule(201)),
        "GET /v1/workspaces": (_plain("GET", "/v1/workspaces"), rule(200, read_key=200)),
        "GET /v1/workspaces/{id}": (_on_workspace("GET"), rule(200, other=404, read_key=200)),
        "PATCH /v1/workspaces/{id}": (
            _on_workspace("PATCH", body={"name": "Renamed by the matrix"}),
            owner_write(200),
        ),
        "DELETE /v1/workspaces/{id}": (_on_workspace("DELETE"), owner_write(204)),
        "GET /v1/workspaces/{id}/members": (
            _on_workspace("GET", "/members"),
            rule(200, other=404, read_key=200),
        ),
        "PATCH /v1/workspaces/{id}/members/{userId}": (
            _on_workspace("PATCH", "/members/{member}", body={"role": "editor"}),
            owner_write(200),
        ),
        "DELETE /v1/workspaces/{id}/members/{userId}": (
            _on_workspace("DELETE", "/members/{member}"),
            owner_write(204),
        ),
    }
)

# --- invitations (issue 14, decisions 74 and 75): session scope (keys 403); non-members 404;
# an invitation is accepted only by the account it was sent to (others 403) ------------------

_invitation_workspaces: dict[str, str] = {}  # owner id -> the workspace the matrix invites to


def _inviting_workspace(world: World) -> str:
    """One team workspace of the owner's for the invitation rows (a person owns at most 50)."""
    if world.owner.id not in _invitation_workspaces:
        body = {"name": "Matrix invitations", "slug": f"matrix-{uuid.uuid4().hex[:12]}"}
        made = call("POST", "/v1/workspaces", body, token=world.owner.token)
        assert made.status == 201, made.body
        _invitation_workspaces[world.owner.id] = made.data["id"]
    return _invitation_workspaces[world.owner.id]


def _invitee() -> str:
    return f"i{uuid.uuid4().hex[:12]}@example.org"


def _invite(world: World, kind: str) -> Req:
    body = {"email": _invitee(), "role": "editor"}
    return Req("POST", f"/v1/workspaces/{_inviting_workspace(world)}/invitations", body)


def _invitations(world: World, kind: str) -> Req:
    return Req("GET", f"/v1/workspaces/{_inviting_workspace(world)}/invitations")


def _revoke_invitation(world: World, kind: str) -> Req:
    path = f"/v1/workspaces/{_inviting_workspace(world)}/invitations"
    body = {"email": _invitee(), "role": "viewer"}
    made = call("POST", path, body, token=world.owner.token)
    assert made.status == 201, made.body
    return Req("DELETE", f"{path}/{made.data['id']}")


def _accept_invitation(world: World, kind: str) -> Req:
    """An invitation to the owner's address, to a fresh workspace of the other person's: the
    owner's account may accept it, every other account is refused."""
    from infra.local.outbox import sent_emails

    body = {"name": "Matrix host", "slug": f"matrix-{uuid.uuid4().hex[:12]}"}
    made = call("POST", "/v1/workspaces", body, token=world.other.token)
    assert made.status == 201, made.body
    path = f"/v1/workspaces/{made.data['id']}/invitations"
    invited = call(
        "POST", path, {"email": world.owner.email, "role": "viewer"}, token=world.other.token
    )
    assert invited.status == 201, invited.body
    (email,) = [e for e in sent_emails() if world.owner.email in e["to"]][-1:]
    (token,) = set(re.findall(r"/v1/invitations/(pvi_[A-Za-z0-9_-]+)/accept", email["text"]))
    return Req("POST", f"/v1/invitations/{token}/accept")


EXPECTED.update(
    {
        "POST /v1/workspaces/{id}/invitations": (_invite, rule(201, other=404, write_key=403)),
        "GET /v1/workspaces/{id}/invitations": (
            _invitations,
            rule(200, other=404, write_key=403),
        ),
        "DELETE /v1/workspaces/{id}/invitations/{invitationId}": (
            _revoke_invitation,
            rule(204, other=404, write_key=403),
        ),
        "POST /v1/invitations/{token}/accept": (
            _accept_invitation,
            rule(200, other=403, write_key=403),
        ),
    }
)

CASES = [
    (route.route_key, kind) for route in ROUTES for kind in KINDS if route.route_key in EXPECTED
]


def test_every_catalogue_route_has_a_row():
    assert sorted(r.route_key for r in ROUTES if r.route_key not in EXPECTED) == []
    assert set(EXPECTED) <= {r.route_key for r in ROUTES}, "rows for routes that do not exist"


def test_the_matrix_size_is_routes_times_caller_kinds():
    assert len(CASES) == len(ROUTES) * len(KINDS)


def send(request: Req, credential: str | None) -> Reply:
    return call(
        request.method,
        request.path,
        request.body,
        token=request.token or credential,
        headers=request.headers,
        query=request.query,
        raw=request.raw,
    )


@pytest.mark.parametrize(("route_key", "kind"), CASES, ids=[f"{k} by {c}" for k, c in CASES])
def test_each_caller_gets_the_expected_status(route_key, kind, world):
    build, expected = EXPECTED[route_key]
    request = build(world, kind)

    reply = send(request, world.credential(kind))

    assert reply.status == expected[kind], reply.body
    if reply.status >= 400:
        assert reply.body["success"] is False


# --- unlisted links (issue 16, finding 1): the id is the link; a slug reaches only the owner --

# route key -> (method, path after the prompt, body, query, success)
UNLISTED: dict[str, tuple[str, str, Any, dict[str, str], int]] = {
    "GET /v1/prompts/{id}": ("GET", "", None, {}, 200),
    "GET /v1/prompts/{id}/versions": ("GET", "/versions", None, {}, 200),
    "GET /v1/prompts/{id}/versions/{n}": ("GET", "/versions/1", None, {}, 200),
    "GET /v1/prompts/{id}/diff": ("GET", "/diff", None, {"from": "1", "to": "2"}, 200),
    "GET /v1/prompts/{id}/ratings": ("GET", "/ratings", None, {}, 200),
    "GET /v1/prompts/{id}/forks": ("GET", "/forks", None, {}, 200),
    "POST /v1/prompts/{id}/views": ("POST", "/views", None, {}, 202),
    "POST /v1/prompts/{id}/copies": ("POST", "/copies", None, {}, 202),
    "PUT /v1/prompts/{id}/rating": ("PUT", "/rating", {"score": 4}, {}, 200),
    "DELETE /v1/prompts/{id}/rating": ("DELETE", "/rating", None, {}, 204),
    "PUT /v1/prompts/{id}/bookmark": ("PUT", "/bookmark", None, {}, 200),
    "POST /v1/prompts/{id}/fork": ("POST", "/fork", {"visibility": "public"}, {}, 201),
}


def unlisted_expected(route_key: str, by: str) -> dict[str, int]:
    """What each caller gets on the owner's unlisted prompt: by id, what they get on a public
    prompt (the same row above); by slug, the owner alone, others as for an unknown slug."""
    row = dict(EXPECTED[route_key][1])
    if route_key.startswith("GET /v1/prompts/{id}") and route_key != "GET /v1/prompts/{id}/ratings":
        row = rule(200, anonymous=200, read_key=200)  # the rows above use the private prompt
    if by == "slug":
        row.update({k: 404 for k in ("anonymous", "other", "moderator", "admin") if row[k] < 400})
    return row


UNLISTED_CASES = [(key, by, kind) for key in UNLISTED for by in ("id", "slug") for kind in KINDS]


@pytest.mark.parametrize(
    ("route_key", "by", "kind"),
    UNLISTED_CASES,
    ids=[f"{key} by {by} by {kind}" for key, by, kind in UNLISTED_CASES],
)
def test_finding_1_an_unlisted_prompt_is_reached_by_its_id_and_by_its_slug_only_by_its_owner(
    route_key, by, kind, world
):
    method, tail, body, query, _ = UNLISTED[route_key]
    prompt = world.unlisted[by]
    request = Req(method, f"/v1/prompts/{prompt}{tail}", body, query=query)

    reply = send(request, world.credential(kind))

    assert reply.status == unlisted_expected(route_key, by)[kind], reply.body
    if reply.status == 201:  # a fork of a prompt others cannot list starts private
        owner = kind in {"owner", "write-key"}
        assert reply.data["visibility"] == ("public" if owner else "private"), reply.body
        assert reply.data["forkedFrom"] == {"id": world.unlisted["id"], "version": 2}
