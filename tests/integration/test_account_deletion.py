"""Deleting an account: re-authenticated, and nothing personal is left behind.

``test_every_item_type_is_accounted_for`` holds users/deletion.py's lists to the models, so
a new item type must be classified; the end-to-end test gives the user one item of every
personal type it can create, deletes the account and scans the whole table for the user's
id, username and email. The one item allowed to remain is the username's hold (issue 16,
finding 13): the name alone, with its expiry, and nothing that leads back to the person.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import boto3

from promptvault.core.settings import get_settings
from promptvault.data import models
from promptvault.users.deletion import ERASED, NOT_PERSONAL
from promptvault.workspaces.roles import Role
from promptvault.workspaces.service import add_member
from tests.support.api import call
from tests.support.factories import PASSWORD, User, create_prompt, sign_up
from tests.support.identity import api_key, with_role
from tests.support.settings import stage_env
from tests.support.streams import drain


def item_types() -> set[str]:
    found = set()
    for value in vars(models).values():
        if isinstance(value, type) and issubclass(value, models.Item) and value is not models.Item:
            found.add(value._get_discriminator_attribute().get_discriminator(value))
    return found


def test_every_item_type_is_accounted_for():
    assert set(ERASED) | set(NOT_PERSONAL) == item_types()
    assert not set(ERASED) & set(NOT_PERSONAL)


def traces_of(user: User) -> list[dict]:
    """Every item that still names the user (a Scan: tests only)."""
    client = boto3.client("dynamodb")
    pages = client.get_paginator("scan").paginate(TableName=get_settings().table_name)
    needles = (user.id, user.email, f"#{user.username}", f'"{user.username}"')
    return [
        item
        for page in pages
        for item in page["Items"]
        if any(n in str(item).replace("'", '"') for n in needles)
    ]


def username_hold(user: User) -> dict | None:
    """The guard that holds a deleted account's username, as stored (None when there is none)."""
    reply = boto3.client("dynamodb").get_item(
        TableName=get_settings().table_name,
        Key={"PK": {"S": f"USERNAME#{user.username}"}, "SK": {"S": "GUARD"}},
    )
    return reply.get("Item")


def personal_traces(user: User) -> list[dict]:
    """``traces_of`` after the account is deleted: the username's hold may remain, and only
    as the name with an expiry (no user id, no email, no other attribute)."""
    traces = traces_of(user)
    hold = username_hold(user)
    if hold in traces:
        assert set(hold) == {"PK", "SK", "type", "expiresAt"}, hold
        traces.remove(hold)
    return traces


def sign_up_as(username: str, email: str) -> object:
    return call(
        "POST", "/v1/auth/signup", {"email": email, "password": PASSWORD, "username": username}
    )


def busy_user() -> tuple[User, User, dict]:
    """A user with keys, prompts (public, private, edited), follows both ways, a bookmark, a
    rating, a collection, a moderation action, a profile and rate counters; a team workspace
    of their own (alone in it) and a co-ownership of the friend's."""
    friend = sign_up()
    user = with_role("moderator")
    public = create_prompt(user)
    create_prompt(user, visibility="private", status="draft")
    theirs = create_prompt(friend)
    api_key(user, ("read", "write"))
    call("PATCH", "/v1/users/me", {"bio": "soon gone", "github": "gone"}, token=user.token)
    assert call("PUT", f"/v1/users/{friend.username}/follow", token=user.token).status == 200
    assert call("PUT", f"/v1/users/{user.username}/follow", token=friend.token).status == 200
    archived = call(
        "POST",
        f"/v1/moderation/prompts/{theirs['id']}/archive",
        {"reason": "duplicate"},
        token=user.token,
    )
    assert archived.status == 201, archived.body
    call("PUT", f"/v1/prompts/{theirs['id']}/bookmark", token=user.token)
    call("PUT", f"/v1/prompts/{theirs['id']}/rating", {"score": 4}, token=user.token)
    shelf = call(
        "POST", "/v1/collections", {"name": "Shelf", "visibility": "public"}, token=user.token
    )
    assert shelf.status == 201, shelf.body
    for collected in (theirs, public):  # a collection of others' and of one's own prompts
        path = f"/v1/collections/{shelf.data['id']}/prompts/{collected['id']}"
        assert call("PUT", path, {}, token=user.token).status == 200
    for name, person in (("solo", user), ("shared", friend)):
        body = {"name": name, "slug": f"{name}-{uuid.uuid4().hex[:12]}"}
        made = call("POST", "/v1/workspaces", body, token=person.token)
        assert made.status == 201, made.body
    add_member(made.data["id"], user.id, Role.OWNER, invited_by=friend.id)
    # engagement received: a rating and a fork on the public prompt (reputation, GSI3)
    call("PUT", f"/v1/prompts/{public['id']}/rating", {"score": 5}, token=friend.token)
    assert call("POST", f"/v1/prompts/{public['id']}/fork", token=friend.token).status == 201
    drain()
    assert call("GET", f"/v1/users/{user.username}").data["reputation"] == 7
    return user, friend, public


def test_a_wrong_password_deletes_nothing():
    user = sign_up()

    reply = call("DELETE", "/v1/users/me", {"password": "Wrong-Horse-1"}, token=user.token)

    assert reply.status == 401
    assert call("GET", "/v1/users/me", token=user.token).status == 200


def test_deletion_leaves_nothing_personal_and_fixes_others_counts():
    user, friend, public = busy_user()
    assert traces_of(user)

    reply = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token)
    drain()  # the counters consumer sees it all after the fact: it must not recreate anything

    assert reply.status == 204, reply.body
    assert personal_traces(user) == []
    profile = call("GET", f"/v1/users/{friend.username}").data
    assert (profile["followers"], profile["following"]) == (0, 0)
    assert call("GET", f"/v1/prompts/{public['id']}").status == 404
    assert call("GET", f"/v1/users/{user.username}").status == 404


def test_the_deleted_users_token_and_password_stop_working_and_the_email_is_free():
    user = sign_up()
    key = api_key(user)["key"]

    assert call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token).status == 204

    assert call("GET", "/v1/users/me/prompts", token=user.token).status == 401
    assert call("GET", "/v1/users/me/prompts", token=key).status == 401
    login = call("POST", "/v1/auth/login", {"email": user.email, "password": PASSWORD})
    assert login.status == 401
    again = sign_up_as(f"{user.username}x", user.email)  # the email at once, under a new name
    assert again.status == 201, again.body


def test_a_deleted_users_ratings_are_gone():
    user, other = sign_up(), sign_up()
    prompt = create_prompt(other)
    assert (
        call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 5}, token=user.token).status
        == 200
    )

    assert call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token).status == 204
    drain()

    assert personal_traces(user) == []


# --- issue 16, finding 13 (b): a deleted account's username could be claimed at once --------


def test_finding_13_a_deleted_accounts_username_is_refused_to_others_like_a_taken_one():
    user, live = sign_up(), sign_up()
    assert call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token).status == 204

    claimed = sign_up_as(user.username, f"claimer-{user.username}@example.com")
    taken = sign_up_as(live.username, f"claimer-{live.username}@example.com")

    assert claimed.status == 409, claimed.body
    assert claimed.body == taken.body
    assert claimed.error["details"] == [{"field": "username", "message": "taken"}]
    assert call("GET", f"/v1/users/{user.username}").status == 404


def test_finding_13_the_username_hold_lasts_the_stage_setting_and_names_no_one():
    user = sign_up()
    with stage_env(USERNAME_HOLD_DAYS="3"):
        deleted = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token)

    assert deleted.status == 204, deleted.body
    hold = username_hold(user)
    assert hold is not None
    assert set(hold) == {"PK", "SK", "type", "expiresAt"}
    left = datetime.fromtimestamp(int(hold["expiresAt"]["N"]), UTC) - datetime.now(UTC)
    assert timedelta(days=2, hours=23) < left <= timedelta(days=3)


def test_finding_13_the_username_is_held_for_30_days_by_default():
    user = sign_up()

    assert call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token).status == 204

    hold = username_hold(user)
    assert hold is not None
    left = datetime.fromtimestamp(int(hold["expiresAt"]["N"]), UTC) - datetime.now(UTC)
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30)


def test_finding_13_a_held_username_is_free_once_the_hold_has_ended():
    user = sign_up()
    assert call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token).status == 204
    ended = int((datetime.now(UTC) - timedelta(seconds=1)).timestamp())
    boto3.client("dynamodb").update_item(  # ended, but not yet removed: TTL deletion lags
        TableName=get_settings().table_name,
        Key={"PK": {"S": f"USERNAME#{user.username}"}, "SK": {"S": "GUARD"}},
        UpdateExpression="SET expiresAt = :ended",
        ExpressionAttributeValues={":ended": {"N": str(ended)}},
    )

    claimed = sign_up_as(user.username, f"later-{user.username}@example.com")

    assert claimed.status == 201, claimed.body
    assert "expiresAt" not in username_hold(user)  # a guard again: it never expires
    assert call("GET", f"/v1/users/{user.username}").data["username"] == user.username


# --- issue 16, finding 7: a deleted prompt's slug is tombstoned, never given again -----------


def slug_guard(slug: str) -> dict | None:
    reply = boto3.client("dynamodb").get_item(
        TableName=get_settings().table_name,
        Key={"PK": {"S": f"SLUG#{slug}"}, "SK": {"S": "SLUG"}},
    )
    return reply.get("Item")


def test_finding_7_a_deleted_accounts_slugs_stay_gone_and_name_no_one():
    user = sign_up()
    prompts = [create_prompt(user), create_prompt(user, visibility="private", status="draft")]

    assert call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token).status == 204

    for prompt in prompts:
        reply = call("GET", f"/v1/prompts/{prompt['slug']}")
        assert (reply.status, reply.error["code"]) == (410, "GONE"), reply.body
        assert set(slug_guard(prompt["slug"]) or {}) == {"PK", "SK", "type", "deletedAt"}
    assert personal_traces(user) == []


def test_deletion_takes_a_commenters_comments_likes_and_mentions():
    """Comments (issue 12): a comment with replies stays as a tombstone (no author, body or
    mentions), the rest goes; likes go; the name leaves the comments that mention it."""
    user, friend = sign_up(), sign_up()
    theirs = create_prompt(friend)
    path = f"/v1/prompts/{theirs['id']}/comments"
    top = call("POST", path, {"body": f"Nice @{friend.username}"}, token=user.token).data
    answer = {"body": f"Thanks @{user.username}", "parentId": top["id"]}
    assert call("POST", path, answer, token=friend.token).status == 201
    friends = call("POST", path, {"body": "Mine"}, token=friend.token).data
    reply = {"body": "A reply", "parentId": friends["id"]}
    assert call("POST", path, reply, token=user.token).status == 201
    assert call("PUT", f"/v1/comments/{friends['id']}/like", token=user.token).status == 200
    drain()
    assert traces_of(user)

    reply = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token)
    drain()

    assert reply.status == 204, reply.body
    assert personal_traces(user) == []
    shown = call("GET", path).data
    assert [(c["author"], c["body"], c["deleted"]) for c in shown] == [
        (None, None, True),
        ({"id": friend.id, "username": friend.username}, "Mine", False),
    ]
    assert (shown[1]["likes"], shown[1]["replyCount"]) == (0, 0)
    [kept] = call("GET", f"/v1/comments/{top['id']}/replies").data
    assert kept["mentions"] == []  # the deleted person's name left it; the text is friend's
    assert kept["body"] == f"Thanks @{user.username}"
