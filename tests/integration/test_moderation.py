"""Moderation wins (issue 16, finding 6): only a moderator undoes a moderator's archive."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Reply, call
from tests.support.factories import User, create_prompt, sign_up
from tests.support.identity import with_role


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


@pytest.fixture(scope="module")
def moderator() -> User:
    return with_role("moderator")


def archived(owner: User, moderator: User) -> dict[str, Any]:
    prompt = create_prompt(owner, visibility="public", status="published")
    path = f"/v1/moderation/prompts/{prompt['id']}/archive"
    reply = call("POST", path, {"reason": "Spam links"}, token=moderator.token)
    assert reply.status == 201, reply.body
    return prompt


def read(user: User | None, prompt: dict[str, Any]) -> Reply:
    return call("GET", f"/v1/prompts/{prompt['id']}", token=user.token if user else None)


def edit(user: User, prompt: dict[str, Any], body: dict[str, Any]) -> Reply:
    etag = read(user, prompt).headers["ETag"]
    return call(
        "PATCH", f"/v1/prompts/{prompt['id']}", body, token=user.token, headers={"If-Match": etag}
    )


def restore(user: User, prompt: dict[str, Any], reason: str = "Reviewed, fine") -> Reply:
    path = f"/v1/moderation/prompts/{prompt['id']}/restore"
    return call("POST", path, {"reason": reason}, token=user.token)


def test_finding_6_the_owner_cannot_publish_again_what_a_moderator_archived(owner, moderator):
    prompt = archived(owner, moderator)

    reply = edit(owner, prompt, {"status": "published"})

    assert reply.status == 409, reply.body
    assert reply.error["details"][0]["field"] == "status"
    assert "Spam links" in reply.error["message"]
    assert read(owner, prompt).data["status"] == "archived"


def test_finding_6_the_owners_other_edits_keep_working_and_the_status_stays(owner, moderator):
    prompt = archived(owner, moderator)

    reply = edit(owner, prompt, {"title": "A cleaned-up title"})

    assert reply.status == 200, reply.body
    assert reply.data["title"] == "A cleaned-up title"
    assert reply.data["status"] == "archived"


def test_finding_6_the_owner_sees_why_and_others_do_not(owner, moderator):
    prompt = archived(owner, moderator)

    mine, theirs = read(owner, prompt).data, read(sign_up(), prompt).data

    assert mine["moderation"]["action"] == "archive"
    assert mine["moderation"]["reason"] == "Spam links"
    assert theirs["moderation"] is None
    assert read(None, prompt).data["moderation"] is None


def test_finding_6_a_moderator_restores_and_the_owner_is_free_again(owner, moderator):
    prompt = archived(owner, moderator)

    reply = restore(moderator, prompt)

    assert reply.status == 201, reply.body
    assert reply.data["action"] == "restore"
    assert read(owner, prompt).data["status"] == "published"
    assert read(owner, prompt).data["moderation"] is None
    assert edit(owner, prompt, {"status": "draft"}).status == 200


def test_the_owner_cannot_restore_their_own_archived_prompt(owner, moderator):
    prompt = archived(owner, moderator)

    reply = restore(owner, prompt)

    assert reply.status == 403, reply.body
    assert read(owner, prompt).data["status"] == "archived"


def test_restoring_a_prompt_no_moderator_archived_is_409(owner, moderator):
    prompt = create_prompt(owner, visibility="public", status="published")

    reply = restore(moderator, prompt)

    assert reply.status == 409, reply.body


def test_an_owner_archiving_their_own_prompt_can_publish_it_again(owner):
    prompt = create_prompt(owner, visibility="public", status="published")
    assert edit(owner, prompt, {"status": "archived"}).status == 200

    reply = edit(owner, prompt, {"status": "published"})

    assert reply.status == 200, reply.body
