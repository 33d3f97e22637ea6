"""Issue 16's findings, each reproduced as it was found and held closed (docs/security.md)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Reply, call
from tests.support.factories import User, create_prompt, sign_up


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


def edit(user: User, prompt: dict[str, Any], body: dict[str, Any], if_match: str) -> Reply:
    headers = {"If-Match": if_match}
    return call("PATCH", f"/v1/prompts/{prompt['id']}", body, token=user.token, headers=headers)


# --- finding 9: If-Match takes exactly one strong tag ----------------------------------------


def test_finding_9_a_list_of_guessed_etags_is_not_a_match(owner):
    prompt = create_prompt(owner)
    guesses = ", ".join(f'"r{n}"' for n in range(1, 400))

    reply = edit(owner, prompt, {"title": "A blind overwrite"}, guesses)

    assert reply.status == 400, reply.body
    assert reply.error["details"][0]["field"] == "If-Match"
    assert call("GET", f"/v1/prompts/{prompt['id']}").data["title"] == prompt["title"]


@pytest.mark.parametrize("if_match", ['W/"r1"', '"r1", "r1"', '"r1",', "r1"])
def test_finding_9_a_weak_or_listed_or_unquoted_tag_is_400(if_match, owner):
    prompt = create_prompt(owner)

    reply = edit(owner, prompt, {"title": "A newer title"}, if_match)

    assert reply.status == 400, reply.body
    assert reply.error["code"] == "BAD_REQUEST"


def test_finding_9_restore_takes_one_strong_tag_too(owner):
    prompt = create_prompt(owner)

    reply = call(
        "POST",
        f"/v1/prompts/{prompt['id']}/versions/1/restore",
        token=owner.token,
        headers={"If-Match": f'{prompt["etag"]}, "r9"'},
    )

    assert reply.status == 400, reply.body


def test_finding_9_the_one_current_tag_still_edits(owner):
    prompt = create_prompt(owner)

    reply = edit(owner, prompt, {"title": "A newer title"}, prompt["etag"])

    assert reply.status == 200, reply.body


# --- finding 12: single-line text is visible, normalised text --------------------------------


@pytest.mark.parametrize(
    "name",
    ["     ", "\u200b\u200b\u200b\u200b\u200b", "ada\u202eevil", "two\u2028lines", "nel\x85here"],
    ids=["spaces", "zero-width", "rtl-override", "line-separator", "nel"],
)
def test_finding_12_a_blank_or_disguised_display_name_is_refused(name, owner):
    reply = call("PATCH", "/v1/users/me", {"displayName": name}, token=owner.token)

    assert reply.status == 422, reply.body
    assert reply.error["details"][0]["field"] == "displayName"


def test_finding_12_a_display_name_is_stored_trimmed_and_nfc(owner):
    reply = call("PATCH", "/v1/users/me", {"displayName": "  Cafe\u0301 Ada  "}, token=owner.token)

    assert reply.status == 200, reply.body
    assert reply.data["displayName"] == "Caf\u00e9 Ada"


def test_finding_12_a_display_name_may_not_be_another_users_username(owner):
    other = sign_up()

    reply = call("PATCH", "/v1/users/me", {"displayName": other.username}, token=owner.token)

    assert reply.status == 422, reply.body
    assert reply.error["details"][0]["field"] == "displayName"
    assert call("GET", f"/v1/users/{owner.username}").data["displayName"] != other.username


def test_finding_12_ones_own_username_is_a_fine_display_name(owner):
    reply = call("PATCH", "/v1/users/me", {"displayName": owner.username}, token=owner.token)

    assert reply.status == 200, reply.body


def test_finding_12_an_api_key_name_with_a_direction_override_is_refused(owner):
    body = {"name": "ci\u202etpircs", "scopes": ["read"]}

    reply = call("POST", "/v1/users/me/api-keys", body, token=owner.token)

    assert reply.status == 422, reply.body
