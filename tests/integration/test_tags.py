"""Tags and categories with their counts of public prompts, and the tags rising in a window
(issue 12): kept by the counters consumer from the stream, exact under replay and reorder."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bench.scenarios import stream_record
from promptvault.streams import counters
from promptvault.tags import service as tags_service
from tests.support.api import call
from tests.support.factories import User, create_prompt, sign_up
from tests.support.streams import drain, pump


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


def fresh_tag() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


def tagged(user: User, *tags: str, **overrides: Any) -> dict[str, Any]:
    title = f"Tagged prompt {uuid.uuid4().hex[:8]}"
    return create_prompt(user, title=title, tags=list(tags), **overrides)


def counts(prefix: str) -> dict[str, int]:
    drain()
    reply = call("GET", "/v1/tags", query={"prefix": prefix})
    assert reply.status == 200, reply.body
    return {entry["tag"]: entry["count"] for entry in reply.data}


def edit(user: User, prompt: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    reply = call(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        body,
        token=user.token,
        headers={"If-Match": prompt["etag"]},
    )
    assert reply.status == 200, reply.body
    return {**reply.data, "etag": reply.headers["ETag"]}


def category_count(slug: str) -> int:
    drain()
    reply = call("GET", "/v1/categories")
    assert reply.status == 200, reply.body
    return next(c["promptCount"] for c in reply.data if c["slug"] == slug)


def test_a_tag_counts_the_public_published_prompts_that_carry_it(owner):
    tag = fresh_tag()
    other = f"{tag}-x"
    tagged(owner, tag, other)
    tagged(owner, tag)
    tagged(owner, tag, visibility="private")
    tagged(owner, tag, status="draft")
    tagged(owner, tag, visibility="unlisted")

    found = counts(tag)

    assert found[tag] == 2
    assert found[other] == 1


def test_counts_follow_edits_visibility_and_deletion(owner):
    tag, kept = fresh_tag(), fresh_tag()
    prompt = tagged(owner, tag, kept)
    assert counts(tag) == {tag: 1}

    prompt = edit(owner, prompt, {"tags": [kept]})
    assert counts(tag) == {}  # a tag no public prompt carries is not listed
    assert counts(kept) == {kept: 1}
    prompt = edit(owner, prompt, {"visibility": "private"})
    assert counts(kept) == {}
    prompt = edit(
        owner, prompt, {"visibility": "public", "tags": [tag, kept], "publishHistory": False}
    )
    assert counts(tag) == {tag: 1}
    assert call("DELETE", f"/v1/prompts/{prompt['id']}", token=owner.token).status == 204
    assert counts(tag) == {}
    assert counts(kept) == {}


def test_tags_are_listed_in_order_by_prefix_with_a_cursor(owner):
    stem = fresh_tag()
    names = [f"{stem}-{letter}" for letter in "dbca"]
    for name in names:
        tagged(owner, name)
    drain()

    first = call("GET", "/v1/tags", query={"prefix": stem, "limit": "3"})
    cursor = first.body["meta"]["nextCursor"]
    rest = call("GET", "/v1/tags", query={"prefix": stem, "limit": "3", "cursor": cursor})

    assert [t["tag"] for t in first.data + rest.data] == sorted(names)
    assert rest.body["meta"]["hasMore"] is False
    assert first.headers["Cache-Control"] == "public, max-age=60"


def _head_records(tag: str) -> list[dict[str, Any]]:
    """The stream records of prompt heads that carried ``tag`` (still in the pump's log)."""
    runner = pump()
    runner._read()
    found = []
    for record in runner._log:
        images = [record["dynamodb"].get(k) or {} for k in ("NewImage", "OldImage")]
        if any(
            image.get("type") == {"S": "Prompt"}
            and tag in image.get("tags", {}).get("SS", [])  # a string set
            for image in images
        ):
            found.append(record)
    return found


def test_replayed_and_reordered_head_records_leave_the_counts_exact(owner):
    tag = fresh_tag()
    prompts = [tagged(owner, tag) for _ in range(3)]
    prompts[0] = edit(owner, prompts[0], {"tags": []})
    prompts[1] = edit(owner, prompts[1], {"visibility": "private"})
    assert call("DELETE", f"/v1/prompts/{prompts[1]['id']}", token=owner.token).status == 204
    records = _head_records(tag)  # read before the pump hands them on (and forgets them)
    assert len(records) == 6  # 3 INSERTs, 2 MODIFYs, 1 REMOVE
    before = counts(tag)

    shuffled = records[::-1] + random.Random(7).sample(records, len(records))
    replies = [counters.handle({"Records": batch}) for batch in (records, shuffled)]

    assert replies == [{"batchItemFailures": []}] * 2
    assert before == counts(tag) == {tag: 1}  # only the third prompt still carries it


def test_a_new_tag_created_by_two_batches_at_once_counts_both(owner):
    tag = fresh_tag()
    at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def head(n: int) -> dict[str, Any]:
        pid = f"p_{n:032x}"
        return {"PK": f"PROMPT#{pid}", "SK": "META", "type": "Prompt", "promptId": pid,
                "ownerId": owner.id, "visibility": "public", "status": "published",
                "tags": {tag}, "updatedAt": at}  # fmt: skip

    first = [stream_record("INSERT", head(1))]
    second = [stream_record("INSERT", head(2))]

    assert counters.handle({"Records": first}) == {"batchItemFailures": []}
    assert counters.handle({"Records": second + first}) == {"batchItemFailures": []}

    assert counts(tag) == {tag: 2}


def test_popular_tags_rank_the_uses_of_the_window(owner, monkeypatch):
    hot, warm = fresh_tag(), fresh_tag()
    for _ in range(3):
        tagged(owner, hot)
    tagged(owner, warm)
    drain()

    week = call("GET", "/v1/tags/popular", query={"window": "7d", "limit": "100"})
    ranked = [t for t in week.data if t["tag"] in {hot, warm}]

    assert ranked == [
        {"tag": hot, "uses": 3, "count": 3},
        {"tag": warm, "uses": 1, "count": 1},
    ]
    assert week.headers["Cache-Control"] == "public, max-age=300"
    # a month on, today's uses have left the 7-day window
    later = datetime.now(UTC) + timedelta(days=8)
    monkeypatch.setattr(tags_service, "utcnow", lambda: later)
    moved = call("GET", "/v1/tags/popular", query={"window": "7d", "limit": "100"})
    assert {hot, warm}.isdisjoint(t["tag"] for t in moved.data)
    month = call("GET", "/v1/tags/popular", query={"window": "30d", "limit": "100"})
    assert {hot, warm} <= {t["tag"] for t in month.data}


def test_categories_carry_their_count_of_public_prompts(owner):
    before = category_count("coding")

    public = tagged(owner, fresh_tag(), category="coding")
    tagged(owner, fresh_tag(), category="coding", visibility="private")
    middle = category_count("coding")
    edit(owner, public, {"category": "writing"})

    assert middle == before + 1
    assert category_count("coding") == before
