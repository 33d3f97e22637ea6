"""Publishing a prompt with history asks for intent (issue 16, finding 5).

A private prompt's earlier versions can hold text its owner removed (a secret in version 1,
gone in version 2). Making it visible to others answers 409 with the number of earlier
versions unless the request says ``publishHistory``: true shows them all, false only the
current one (the rest stays the owner's).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Reply, call
from tests.support.factories import User, create_prompt, sign_up

SECRET = "Use the API key sk-live-0123456789abcdef to summarise the {{topic}} notes."


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


def edit(user: User, prompt_id: str, body: dict[str, Any]) -> Reply:
    etag = call("GET", f"/v1/prompts/{prompt_id}", token=user.token).headers["ETag"]
    return call(
        "PATCH", f"/v1/prompts/{prompt_id}", body, token=user.token, headers={"If-Match": etag}
    )


def private_with_a_removed_secret(owner: User) -> str:
    prompt = create_prompt(owner, content=SECRET, visibility="private")
    cleaned = {"content": "Summarise the notes about {{topic}} in five bullet points."}
    assert edit(owner, prompt["id"], cleaned).status == 200
    return str(prompt["id"])


def versions_seen_by(user: User | None, prompt_id: str) -> list[int]:
    token = user.token if user else None
    reply = call("GET", f"/v1/prompts/{prompt_id}/versions", token=token)
    assert reply.status == 200, reply.body
    return [v["version"] for v in reply.data]


def test_finding_5_making_a_private_prompt_public_asks_about_its_history(owner):
    prompt_id = private_with_a_removed_secret(owner)

    reply = edit(owner, prompt_id, {"visibility": "public"})

    assert reply.status == 409, reply.body
    assert reply.error["details"][0]["field"] == "publishHistory"
    assert "1 earlier version" in reply.error["message"]
    assert call("GET", f"/v1/prompts/{prompt_id}").status == 404  # nothing was written


def test_finding_5_publishing_without_history_keeps_the_removed_secret_owner_only(owner):
    prompt_id = private_with_a_removed_secret(owner)

    reply = edit(owner, prompt_id, {"visibility": "public", "publishHistory": False})

    assert reply.status == 200, reply.body
    assert call("GET", f"/v1/prompts/{prompt_id}/versions/1").status == 404
    assert (
        call("GET", f"/v1/prompts/{prompt_id}/diff", query={"from": "1", "to": "2"}).status == 404
    )
    assert versions_seen_by(None, prompt_id) == [2]
    assert versions_seen_by(sign_up(), prompt_id) == [2]
    assert versions_seen_by(owner, prompt_id) == [2, 1]
    mine = call("GET", f"/v1/prompts/{prompt_id}/versions/1", token=owner.token)
    assert mine.status == 200
    assert mine.data["content"] == SECRET


def test_finding_5_publishing_with_history_shows_every_version(owner):
    prompt_id = private_with_a_removed_secret(owner)

    reply = edit(owner, prompt_id, {"visibility": "unlisted", "publishHistory": True})

    assert reply.status == 200, reply.body
    assert versions_seen_by(None, prompt_id) == [2, 1]
    assert call("GET", f"/v1/prompts/{prompt_id}/versions/1").data["content"] == SECRET


def test_finding_5_later_versions_of_a_prompt_published_without_history_are_public(owner):
    prompt_id = private_with_a_removed_secret(owner)
    assert edit(owner, prompt_id, {"visibility": "public", "publishHistory": False}).status == 200

    newer = {"content": "Summarise the notes about {{topic}} in three bullet points."}
    assert edit(owner, prompt_id, newer).status == 200

    assert versions_seen_by(None, prompt_id) == [3, 2]


def test_finding_5_a_prompt_with_one_version_is_published_without_a_question(owner):
    prompt = create_prompt(owner, visibility="private")

    reply = edit(owner, prompt["id"], {"visibility": "public"})

    assert reply.status == 200, reply.body


def test_finding_5_publishing_a_draft_with_history_asks_too(owner):
    prompt = create_prompt(owner, content=SECRET, visibility="public", status="draft")
    cleaned = {"content": "Summarise the notes about {{topic}} in five bullet points."}
    assert edit(owner, prompt["id"], cleaned).status == 200

    reply = edit(owner, prompt["id"], {"status": "published"})

    assert reply.status == 409, reply.body


def test_finding_5_public_to_public_edits_need_no_intent(owner):
    prompt = create_prompt(owner, visibility="public")
    newer = {"content": "Summarise the notes about {{topic}} in three bullet points."}

    reply = edit(owner, prompt["id"], newer)

    assert reply.status == 200, reply.body
