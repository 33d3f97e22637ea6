"""Deleting an account: re-authenticated, and nothing personal is left behind.

``test_every_item_type_is_accounted_for`` holds users/deletion.py's lists to the models, so
a new item type must be classified; the end-to-end test gives the user one item of every
personal type it can create, deletes the account and scans the whole table for the user's
id, username and email.
"""

from __future__ import annotations

import boto3

from promptvault.core.settings import get_settings
from promptvault.data import models
from promptvault.users.deletion import ERASED, NOT_PERSONAL
from tests.support.api import call
from tests.support.factories import PASSWORD, User, create_prompt, sign_up
from tests.support.identity import api_key, with_role
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


def busy_user() -> tuple[User, User, dict]:
    """A user with keys, prompts (public, private, edited), follows both ways, a bookmark, a
    rating, a moderation action, a profile and rate counters."""
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
    assert traces_of(user) == []
    profile = call("GET", f"/v1/users/{friend.username}").data
    assert (profile["followers"], profile["following"]) == (0, 0)
    assert call("GET", f"/v1/prompts/{public['id']}").status == 404
    assert call("GET", f"/v1/users/{user.username}").status == 404


def test_the_deleted_users_token_and_password_stop_working_and_the_names_are_free():
    user = sign_up()
    key = api_key(user)["key"]

    assert call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token).status == 204

    assert call("GET", "/v1/users/me/prompts", token=user.token).status == 401
    assert call("GET", "/v1/users/me/prompts", token=key).status == 401
    login = call("POST", "/v1/auth/login", {"email": user.email, "password": PASSWORD})
    assert login.status == 401
    again = call(
        "POST",
        "/v1/auth/signup",
        {"email": user.email, "password": PASSWORD, "username": user.username},
    )
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

    assert traces_of(user) == []
