"""Prompts with immutable versions: slugs, optimistic concurrency, restore, diff, listings."""

from __future__ import annotations

import re
import uuid
from typing import Any

import boto3
import pytest

from promptvault.core.settings import get_settings
from promptvault.prompts import repository
from tests.support.api import Reply, call
from tests.support.factories import User, create_prompt, sign_up


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


def unique_title() -> str:
    return f"Unique title {uuid.uuid4().hex[:10]}"


def edit(user: User, prompt: dict[str, Any], body: dict[str, Any], etag: str | None) -> Reply:
    headers = {"If-Match": etag} if etag is not None else {}
    return call("PATCH", f"/v1/prompts/{prompt['id']}", body, token=user.token, headers=headers)


def content(n: int) -> str:
    return f"Revision {n}: summarise the notes about {{{{topic}}}} in {n} bullet points."


def with_versions(user: User, count: int, **overrides: Any) -> dict[str, Any]:
    prompt = create_prompt(user, content=content(1), **overrides)
    etag = prompt["etag"]
    for n in range(2, count + 1):
        reply = edit(user, prompt, {"content": content(n), "changeMessage": f"v{n}"}, etag)
        assert reply.status == 200, reply.body
        etag = reply.headers["ETag"]
    return {**prompt, "etag": etag, "version": count}


def walk(path: str, user: User | None, limit: int, **query: str) -> list[list[dict[str, Any]]]:
    pages, cursor = [], None
    while True:
        params = {"limit": str(limit), **query, **({"cursor": cursor} if cursor else {})}
        reply = call("GET", path, token=user.token if user else None, query=params)
        assert reply.status == 200, reply.body
        pages.append(reply.data)
        if not reply.body["meta"]["hasMore"]:
            assert reply.body["meta"]["nextCursor"] is None
            return pages
        cursor = reply.body["meta"]["nextCursor"]
        assert len(pages) < 1000, "pagination does not end"


# --- slugs ------------------------------------------------------------------------------------


def test_every_slug_is_the_title_with_a_random_suffix(owner):
    title = unique_title()

    first = create_prompt(owner, title=title)
    second = create_prompt(owner, title=title)

    base = title.lower().replace(" ", "-")
    assert re.fullmatch(rf"{base}-[0-9a-f]{{6}}", first["slug"])
    assert re.fullmatch(rf"{base}-[0-9a-f]{{6}}", second["slug"])
    assert second["slug"] != first["slug"]


def test_a_prompt_can_be_read_by_its_slug(owner):
    prompt = create_prompt(owner, title=unique_title())

    reply = call("GET", f"/v1/prompts/{prompt['slug']}")

    assert reply.status == 200, reply.body
    assert reply.data["id"] == prompt["id"]
    assert reply.headers["ETag"] == prompt["etag"]


def test_a_deleted_prompts_slug_is_gone_for_good(owner):
    title = unique_title()
    gone = create_prompt(owner, title=title)

    assert call("DELETE", f"/v1/prompts/{gone['id']}", token=owner.token).status == 204
    reborn = create_prompt(owner, title=title)

    assert reborn["slug"] != gone["slug"]
    assert call("GET", f"/v1/prompts/{gone['slug']}").status == 410
    assert call("GET", f"/v1/prompts/{reborn['slug']}").data["id"] == reborn["id"]
    assert call("GET", f"/v1/prompts/{gone['id']}").status == 404


def test_unicode_titles_get_a_usable_slug(owner):
    prompt = create_prompt(owner, title="会議の議事録 🚀 summary")

    assert call("GET", f"/v1/prompts/{prompt['slug']}").data["id"] == prompt["id"]


# --- edits and concurrency ------------------------------------------------------------------


def test_an_edit_without_if_match_is_428(owner):
    prompt = create_prompt(owner)

    reply = edit(owner, prompt, {"title": "A newer title"}, None)

    assert reply.status == 428, reply.body
    assert reply.error["code"] == "PRECONDITION_REQUIRED"


@pytest.mark.parametrize("if_match", ["*", "", '"r999"', "r1", 'W/"r1"x'])
def test_an_edit_with_a_wildcard_empty_or_unknown_etag_is_refused(if_match, owner):
    prompt = create_prompt(owner)

    reply = edit(owner, prompt, {"title": "A newer title"}, if_match)

    assert reply.status in {400, 412, 428}, reply.body


def test_a_stale_etag_is_412_with_the_current_version(owner):
    prompt = create_prompt(owner)
    assert edit(owner, prompt, {"content": content(2)}, prompt["etag"]).status == 200

    reply = edit(owner, prompt, {"content": content(3)}, prompt["etag"])

    assert reply.status == 412, reply.body
    assert reply.error["code"] == "PRECONDITION_FAILED"
    assert reply.error["details"][0]["currentVersion"] == 2
    assert call("GET", f"/v1/prompts/{prompt['id']}").data["content"] == content(2)


def test_a_visibility_change_moves_the_etag_but_not_the_version(owner):
    prompt = create_prompt(owner)

    reply = edit(owner, prompt, {"visibility": "private"}, prompt["etag"])

    assert reply.status == 200, reply.body
    assert reply.data["version"] == 1
    assert reply.data["visibility"] == "private"
    assert reply.headers["ETag"] != prompt["etag"]
    versions = call("GET", f"/v1/prompts/{prompt['id']}/versions", token=owner.token)
    assert [v["version"] for v in versions.data] == [1]


def test_a_content_edit_writes_a_new_version_with_its_message(owner):
    prompt = create_prompt(owner)

    reply = edit(owner, prompt, {"content": content(2), "changeMessage": "tighter"}, prompt["etag"])

    assert reply.status == 200, reply.body
    assert reply.data["version"] == 2
    stored = call("GET", f"/v1/prompts/{prompt['id']}/versions/2", token=owner.token)
    assert stored.data["content"] == content(2)
    assert stored.data["changeMessage"] == "tighter"
    first = call("GET", f"/v1/prompts/{prompt['id']}/versions/1", token=owner.token)
    assert first.data["content"] == prompt["content"]


def test_an_edit_that_changes_nothing_writes_no_version(owner):
    prompt = create_prompt(owner)

    reply = edit(owner, prompt, {"title": prompt["title"]}, prompt["etag"])

    assert reply.status == 200, reply.body
    assert reply.data["version"] == 1


def test_concurrent_edits_with_the_same_etag_let_exactly_one_win(owner, monkeypatch):
    # Threads cannot race against moto (its transaction rollback restores a whole-table
    # snapshot), so the race is staged: B's whole edit runs between A's read and A's write.
    prompt = create_prompt(owner)
    first, second = ({"content": content(n), "changeMessage": f"writer {n}"} for n in (2, 3))
    real_read = repository.get_head_with_stats  # the edit's read: head + stats
    replies: dict[str, Reply] = {}

    def read_then_let_the_other_writer_in(prompt_id: str) -> Any:
        found = real_read(prompt_id)
        monkeypatch.setattr(repository, "get_head_with_stats", real_read)
        replies["second"] = edit(owner, prompt, second, prompt["etag"])
        return found

    monkeypatch.setattr(repository, "get_head_with_stats", read_then_let_the_other_writer_in)
    replies["first"] = edit(owner, prompt, first, prompt["etag"])

    assert replies["second"].status == 200, replies["second"].body
    assert replies["first"].status == 412, replies["first"].body
    assert replies["first"].error["details"][0]["currentVersion"] == 2
    head = call("GET", f"/v1/prompts/{prompt['id']}")
    assert (head.data["version"], head.data["content"]) == (2, second["content"])
    versions = call("GET", f"/v1/prompts/{prompt['id']}/versions", token=owner.token)
    assert [v["changeMessage"] for v in versions.data] == ["writer 3", None]


def test_two_edits_sent_with_the_same_etag_one_after_the_other_let_one_win(owner):
    prompt = create_prompt(owner)

    replies = [edit(owner, prompt, {"content": content(n)}, prompt["etag"]) for n in (2, 3)]

    assert [r.status for r in replies] == [200, 412]


def test_sequential_edits_each_see_the_previous_one(owner):
    prompt = with_versions(owner, 4)

    head = call("GET", f"/v1/prompts/{prompt['id']}")

    assert head.data["version"] == 4
    assert head.data["content"] == content(4)


# --- restore and diff ---------------------------------------------------------------------


def test_owner_can_restore_an_old_version(owner):
    prompt = with_versions(owner, 3)

    reply = call("POST", f"/v1/prompts/{prompt['id']}/versions/1/restore", token=owner.token)

    assert reply.status == 201, reply.body
    assert reply.data["version"] == 4
    restored = call("GET", f"/v1/prompts/{prompt['id']}/versions/4", token=owner.token).data
    original = call("GET", f"/v1/prompts/{prompt['id']}/versions/1", token=owner.token).data
    assert restored["restoredFrom"] == 1
    for name in ("title", "content", "description", "variables", "category", "model", "tags"):
        assert restored[name] == original[name]


def test_restore_checks_if_match_when_it_is_sent(owner):
    prompt = with_versions(owner, 2)

    reply = call(
        "POST",
        f"/v1/prompts/{prompt['id']}/versions/1/restore",
        token=owner.token,
        headers={"If-Match": '"r1"'},
    )

    assert reply.status == 412, reply.body


def test_diff_shows_a_unified_diff_and_the_changed_fields(owner):
    prompt = create_prompt(owner)
    reply = edit(
        owner,
        prompt,
        {"content": content(2), "title": "Another title here", "tags": ["fresh"]},
        prompt["etag"],
    )
    assert reply.status == 200, reply.body

    diff = call("GET", f"/v1/prompts/{prompt['id']}/diff", query={"from": "1", "to": "2"})

    assert diff.status == 200, diff.body
    text = diff.data["contentDiff"]
    assert text.startswith("--- v1\n+++ v2\n")
    assert f"-{prompt['content']}" in text
    assert f"+{content(2)}" in text
    changed = {c["field"]: c for c in diff.data["changes"]}
    assert set(changed) == {"title", "tags"}
    assert changed["title"]["before"] == prompt["title"]
    assert changed["title"]["after"] == "Another title here"
    assert changed["tags"]["after"] == ["fresh"]


def test_diff_works_backwards_too(owner):
    prompt = with_versions(owner, 2)

    diff = call("GET", f"/v1/prompts/{prompt['id']}/diff", query={"from": "2", "to": "1"})

    assert diff.status == 200, diff.body
    assert diff.data["contentDiff"].startswith("--- v2\n+++ v1\n")


# --- versions listing ---------------------------------------------------------------------


def test_versions_are_listed_newest_first_across_pages_without_gaps(owner):
    prompt = with_versions(owner, 7)

    pages = walk(f"/v1/prompts/{prompt['id']}/versions", None, limit=3)

    numbers = [v["version"] for page in pages for v in page]
    assert numbers == [7, 6, 5, 4, 3, 2, 1]
    assert [len(page) for page in pages[:2]] == [3, 3]


def test_a_page_exactly_full_still_ends(owner):
    prompt = with_versions(owner, 4)

    pages = walk(f"/v1/prompts/{prompt['id']}/versions", None, limit=2)

    assert [v["version"] for page in pages for v in page] == [4, 3, 2, 1]


# --- delete -------------------------------------------------------------------------------


def test_deleting_a_prompt_removes_its_versions(owner):
    prompt = with_versions(owner, 3)

    assert call("DELETE", f"/v1/prompts/{prompt['id']}", token=owner.token).status == 204

    left = boto3.client("dynamodb").query(
        TableName=get_settings().table_name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"PROMPT#{prompt['id']}"}},
    )
    assert left["Items"] == []
    assert call("GET", f"/v1/prompts/{prompt['id']}/versions/1", token=owner.token).status == 404


def test_deleting_twice_is_404_the_second_time(owner):
    prompt = create_prompt(owner)

    assert call("DELETE", f"/v1/prompts/{prompt['id']}", token=owner.token).status == 204
    assert call("DELETE", f"/v1/prompts/{prompt['id']}", token=owner.token).status == 404


# --- my prompts ---------------------------------------------------------------------------


def test_my_prompts_filters_by_status_and_visibility_across_pages():
    user = sign_up()
    wanted = {create_prompt(user, visibility="private", status="draft")["id"] for _ in range(3)}
    create_prompt(user, visibility="private", status="published")
    create_prompt(user, visibility="public", status="draft")
    create_prompt(user)

    pages = walk("/v1/users/me/prompts", user, limit=2, status="draft", visibility="private")

    listed = [p["id"] for page in pages for p in page]
    assert set(listed) == wanted
    assert len(listed) == len(wanted)


def test_my_prompts_lists_everything_of_mine_newest_first():
    user = sign_up()
    ids = [create_prompt(user, status=s)["id"] for s in ("draft", "published", "archived")]

    pages = walk("/v1/users/me/prompts", user, limit=1)

    assert [p["id"] for page in pages for p in page] == ids[::-1]


# --- the public feed ----------------------------------------------------------------------


def test_the_feed_lists_only_public_published_prompts_newest_first():
    user = sign_up()
    tag = f"feed-{uuid.uuid4().hex[:8]}"
    listed = [create_prompt(user, tags=[tag])["id"] for _ in range(3)]
    for hidden in (
        {"visibility": "private"},
        {"visibility": "unlisted"},
        {"status": "draft"},
        {"status": "archived"},
    ):
        create_prompt(user, tags=[tag], **hidden)

    pages = walk("/v1/prompts", None, limit=100, tag=tag)

    assert [p["id"] for page in pages for p in page] == listed[::-1]


def test_a_prompt_made_private_leaves_the_feed():
    user = sign_up()
    tag = f"feed-{uuid.uuid4().hex[:8]}"
    prompt = create_prompt(user, tags=[tag])
    assert edit(user, prompt, {"visibility": "private"}, prompt["etag"]).status == 200

    pages = walk("/v1/prompts", None, limit=100, tag=tag)

    assert [p for page in pages for p in page] == []


@pytest.mark.parametrize(
    ("field", "match", "other"),
    [
        ("category", "coding", "writing"),
        ("model", "gpt-4o", "claude-sonnet"),
    ],
)
def test_the_feed_filters_by_category_and_model(field, match, other):
    user = sign_up()
    tag = f"feed-{uuid.uuid4().hex[:8]}"
    wanted = create_prompt(user, tags=[tag], **{field: match})
    create_prompt(user, tags=[tag], **{field: other})

    pages = walk("/v1/prompts", None, limit=100, tag=tag, **{field: match})

    assert [p["id"] for page in pages for p in page] == [wanted["id"]]


def test_the_feed_filters_by_normalised_tag():
    user = sign_up()
    tag = f"Feed Tag {uuid.uuid4().hex[:8]}"
    prompt = create_prompt(user, tags=[tag])

    pages = walk("/v1/prompts", None, limit=100, tag=tag.lower().replace(" ", "-"))

    assert [p["id"] for page in pages for p in page] == [prompt["id"]]
