"""Comments (issue 12): threads on the prompts one can see, one level of replies, edits by
the author, deletion by the author, the prompt's owner or a moderator (a tombstone where
replies hang on it), likes and reply counts from the stream, mentions, closed prompts."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest

from promptvault.core.settings import get_settings
from promptvault.data.models import prompt_pk
from tests.support.api import Reply, call
from tests.support.factories import User, create_prompt, sign_up
from tests.support.identity import with_role
from tests.support.streams import drain


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


@pytest.fixture(scope="module")
def reader() -> User:
    return sign_up()


def public_prompt(user: User, **overrides: Any) -> dict[str, Any]:
    return create_prompt(user, title=f"Commented {uuid.uuid4().hex[:8]}", **overrides)


def post(user: User, prompt_id: str, body: str, parent: str | None = None) -> Reply:
    sent: dict[str, Any] = {"body": body}
    if parent is not None:
        sent["parentId"] = parent
    return call("POST", f"/v1/prompts/{prompt_id}/comments", sent, token=user.token)


def comment(user: User, prompt_id: str, body: str = "Nice prompt", **kw: Any) -> dict[str, Any]:
    reply = post(user, prompt_id, body, **kw)
    assert reply.status == 201, reply.body
    return reply.data


def listed(prompt_id: str, user: User | None = None, **query: str) -> list[dict[str, Any]]:
    reply = call(
        "GET", f"/v1/prompts/{prompt_id}/comments", token=user.token if user else None, query=query
    )
    assert reply.status == 200, reply.body
    return reply.data


def replies(comment_id: str) -> list[dict[str, Any]]:
    reply = call("GET", f"/v1/comments/{comment_id}/replies")
    assert reply.status == 200, reply.body
    return reply.data


def partition(prompt_id: str, prefix: str) -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb").Table(get_settings().table_name)
    found = table.query(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
        ExpressionAttributeValues={":pk": prompt_pk(prompt_id), ":p": prefix},
        ConsistentRead=True,
    )
    return list(found["Items"])


# --- create, read -------------------------------------------------------------------------


def test_a_comment_is_created_with_its_author_and_zero_counts(owner, reader):
    prompt = public_prompt(owner)

    made = comment(reader, prompt["id"], "**Bold** <script>alert(1)</script>")

    assert made["id"].startswith("cm_")
    assert made["author"] == {"id": reader.id, "username": reader.username}
    assert made["body"] == "**Bold** <script>alert(1)</script>"  # text, never HTML
    assert made["parentId"] is None
    assert made["editedAt"] is None
    assert (made["likes"], made["replyCount"], made["deleted"]) == (0, 0, False)
    assert made["mentions"] == []


def test_top_level_comments_list_oldest_first_and_replies_apart(owner, reader):
    prompt = public_prompt(owner)
    first = comment(reader, prompt["id"], "first")
    second = comment(owner, prompt["id"], "second")
    answer = comment(owner, prompt["id"], "answer", parent=first["id"])

    shown = listed(prompt["id"])

    assert [c["id"] for c in shown] == [first["id"], second["id"]]
    assert [c["id"] for c in replies(first["id"])] == [answer["id"]]
    assert answer["parentId"] == first["id"]


def test_a_reply_to_a_reply_joins_the_same_thread(owner, reader):
    prompt = public_prompt(owner)
    top = comment(reader, prompt["id"], "top")
    reply = comment(owner, prompt["id"], "reply", parent=top["id"])

    nested = comment(reader, prompt["id"], "reply to the reply", parent=reply["id"])

    assert nested["parentId"] == top["id"]
    assert [c["id"] for c in replies(top["id"])] == [reply["id"], nested["id"]]


def test_a_parent_of_another_prompt_is_422_and_writes_nothing(owner, reader):
    one, other = public_prompt(owner), public_prompt(owner)
    elsewhere = comment(reader, other["id"])

    reply = post(reader, one["id"], "wrong thread", parent=elsewhere["id"])

    assert reply.status == 422, reply.body
    assert reply.body["error"]["details"][0]["field"] == "parentId"
    assert partition(one["id"], "COMMENT#") == []


def test_others_private_prompts_are_404_to_comment_on_and_to_read(owner, reader):
    private = public_prompt(owner, visibility="private")
    mine = comment(owner, private["id"], "a note to self")

    assert post(reader, private["id"], "hello").status == 404
    assert call("GET", f"/v1/prompts/{private['id']}/comments", token=reader.token).status == 404
    assert call("GET", f"/v1/comments/{mine['id']}/replies", token=reader.token).status == 404
    assert [c["id"] for c in listed(private["id"], owner)] == [mine["id"]]


def test_an_unlisted_prompt_takes_comments_from_whoever_has_its_link(owner, reader):
    unlisted = public_prompt(owner, visibility="unlisted")

    assert post(reader, unlisted["id"], "found it by its link").status == 201


def test_a_blank_or_too_long_body_is_422(owner, reader):
    prompt = public_prompt(owner)

    for body in ("", "   ", "\u200b", "x" * 5001):
        assert post(reader, prompt["id"], body).status == 422, body
    assert post(reader, prompt["id"], "x" * 5000).status == 201


# --- edit, delete -------------------------------------------------------------------------


def test_the_author_edits_and_editedat_is_set(owner, reader):
    prompt = public_prompt(owner)
    made = comment(reader, prompt["id"], "typo")

    edited = call("PATCH", f"/v1/comments/{made['id']}", {"body": "fixed"}, token=reader.token)

    assert edited.status == 200, edited.body
    assert edited.data["body"] == "fixed"
    assert edited.data["editedAt"] is not None
    assert listed(prompt["id"])[0]["body"] == "fixed"


def test_nobody_else_edits_not_even_the_owner_or_a_moderator(owner, reader):
    prompt = public_prompt(owner)
    made = comment(reader, prompt["id"], "mine")

    for someone in (owner, with_role("moderator")):
        refused = call("PATCH", f"/v1/comments/{made['id']}", {"body": "x"}, token=someone.token)
        assert refused.status == 403, refused.body
    assert listed(prompt["id"])[0]["body"] == "mine"


def test_a_comment_without_replies_is_removed_with_its_likes(owner, reader):
    prompt = public_prompt(owner)
    made = comment(reader, prompt["id"])
    assert call("PUT", f"/v1/comments/{made['id']}/like", token=owner.token).status == 200

    gone = call("DELETE", f"/v1/comments/{made['id']}", token=reader.token)

    assert gone.status == 204, gone.body
    assert listed(prompt["id"]) == []
    assert partition(prompt["id"], "COMMENT#") == []
    assert partition(prompt["id"], "LIKE#") == []


def test_a_comment_with_replies_stays_as_a_tombstone_without_author_or_body(owner, reader):
    prompt = public_prompt(owner)
    top = comment(reader, prompt["id"], "opening words @" + owner.username)
    answer = comment(owner, prompt["id"], "an answer", parent=top["id"])
    drain()  # the reply is counted on its thread

    gone = call("DELETE", f"/v1/comments/{top['id']}", token=reader.token)

    assert gone.status == 204, gone.body
    [stone] = listed(prompt["id"])
    assert stone["id"] == top["id"]
    assert (stone["author"], stone["body"], stone["deleted"]) == (None, None, True)
    assert stone["mentions"] == []
    assert stone["replyCount"] == 1
    assert [c["id"] for c in replies(top["id"])] == [answer["id"]]
    [item] = partition(prompt["id"], "COMMENT#" + top["id"][35:])
    assert not {"authorId", "authorName", "body", "GSI2PK", "GSI2SK"} & set(item)


def test_the_prompt_owner_and_a_moderator_delete_others_comments(owner, reader):
    prompt = public_prompt(owner)
    one, two = comment(reader, prompt["id"], "one"), comment(reader, prompt["id"], "two")

    assert call("DELETE", f"/v1/comments/{one['id']}", token=owner.token).status == 204
    moderator = with_role("moderator")
    assert call("DELETE", f"/v1/comments/{two['id']}", token=moderator.token).status == 204
    assert listed(prompt["id"]) == []


def test_another_user_cannot_delete_a_comment(owner, reader):
    prompt = public_prompt(owner)
    made = comment(owner, prompt["id"])

    refused = call("DELETE", f"/v1/comments/{made['id']}", token=reader.token)

    assert refused.status == 403, refused.body
    assert len(listed(prompt["id"])) == 1


# --- likes and counts from the stream ---------------------------------------------------------


def test_likes_and_replies_are_counted_from_the_stream_once_each(owner, reader):
    prompt = public_prompt(owner)
    top = comment(owner, prompt["id"])
    third = sign_up()
    for person in (reader, third, reader):  # liking twice is one like
        assert call("PUT", f"/v1/comments/{top['id']}/like", token=person.token).status == 200
    comment(reader, prompt["id"], "r1", parent=top["id"])
    comment(third, prompt["id"], "r2", parent=top["id"])
    drain()

    [shown] = listed(prompt["id"])
    assert (shown["likes"], shown["replyCount"]) == (2, 2)

    assert call("DELETE", f"/v1/comments/{top['id']}/like", token=third.token).status == 204
    assert call("DELETE", f"/v1/comments/{top['id']}/like", token=third.token).status == 204
    drain()
    assert listed(prompt["id"])[0]["likes"] == 1


def test_ones_own_like_is_kept_but_counted_nowhere(owner):
    prompt = public_prompt(owner)
    mine = comment(owner, prompt["id"])

    assert call("PUT", f"/v1/comments/{mine['id']}/like", token=owner.token).status == 200
    drain()

    assert listed(prompt["id"])[0]["likes"] == 0


def test_sort_top_puts_the_most_liked_first(owner, reader):
    prompt = public_prompt(owner)
    quiet = comment(owner, prompt["id"], "quiet")
    loved = comment(owner, prompt["id"], "loved")
    for person in (reader, sign_up()):
        call("PUT", f"/v1/comments/{loved['id']}/like", token=person.token)
    drain()

    top = listed(prompt["id"], sort="top")

    assert [c["id"] for c in top] == [loved["id"], quiet["id"]]
    assert [c["id"] for c in listed(prompt["id"])] == [quiet["id"], loved["id"]]


def test_listings_page_with_a_cursor(owner, reader):
    prompt = public_prompt(owner)
    made = [comment(reader, prompt["id"], f"c{i}")["id"] for i in range(3)]

    first = call("GET", f"/v1/prompts/{prompt['id']}/comments", query={"limit": "2"})
    assert first.status == 200
    assert first.body["meta"]["hasMore"] is True
    second = call(
        "GET",
        f"/v1/prompts/{prompt['id']}/comments",
        query={"limit": "2", "cursor": first.body["meta"]["nextCursor"]},
    )

    assert [c["id"] for c in first.data + second.data] == made


def test_a_deleted_comment_cannot_be_liked(owner, reader):
    prompt = public_prompt(owner)
    made = comment(reader, prompt["id"])
    call("DELETE", f"/v1/comments/{made['id']}", token=reader.token)

    assert call("PUT", f"/v1/comments/{made['id']}/like", token=owner.token).status == 404


# --- mentions, closing ----------------------------------------------------------------------


def test_mentions_keep_only_existing_users(owner, reader):
    prompt = public_prompt(owner)
    body = f"Thanks @{owner.username} and @{reader.username}, not @nobody-{uuid.uuid4().hex[:8]}"

    made = comment(reader, prompt["id"], body + " nor mail@example.com")

    assert made["mentions"] == [owner.username, reader.username]


def test_closed_comments_refuse_new_ones_and_keep_the_old_readable(owner, reader):
    prompt = public_prompt(owner)
    old = comment(reader, prompt["id"], "before closing")
    closed = call(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        {"commentsClosed": True},
        token=owner.token,
        headers={"If-Match": prompt["etag"]},
    )
    assert closed.status == 200, closed.body
    assert closed.data["commentsClosed"] is True

    assert post(reader, prompt["id"], "after").status == 409
    assert post(reader, prompt["id"], "reply", parent=old["id"]).status == 409
    assert post(owner, prompt["id"], "owner too").status == 409
    assert [c["id"] for c in listed(prompt["id"])] == [old["id"]]

    reopened = call(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        {"commentsClosed": False},
        token=owner.token,
        headers={"If-Match": closed.headers["ETag"]},
    )
    assert reopened.status == 200
    assert reopened.data["commentsClosed"] is False
    assert post(reader, prompt["id"], "open again").status == 201


def test_prompt_deletion_removes_its_comments_and_likes(owner, reader):
    prompt = public_prompt(owner)
    top = comment(reader, prompt["id"])
    comment(owner, prompt["id"], "reply", parent=top["id"])
    call("PUT", f"/v1/comments/{top['id']}/like", token=owner.token)

    assert call("DELETE", f"/v1/prompts/{prompt['id']}", token=owner.token).status == 204

    assert partition(prompt["id"], "COMMENT#") == []
    assert partition(prompt["id"], "LIKE#") == []
    assert call("GET", f"/v1/comments/{top['id']}/replies").status == 404


def test_a_reply_not_yet_counted_still_keeps_its_thread(owner, reader):
    prompt = public_prompt(owner)
    top = comment(reader, prompt["id"], "opening")
    answer = comment(owner, prompt["id"], "quick answer", parent=top["id"])  # no drain

    assert call("DELETE", f"/v1/comments/{top['id']}", token=reader.token).status == 204

    [item] = partition(prompt["id"], "COMMENT#" + top["id"][35:])
    assert "deletedAt" in item
    assert [c["id"] for c in replies(top["id"])] == [answer["id"]]


def test_a_bad_sort_is_422_and_a_replys_replies_are_404(owner, reader):
    prompt = public_prompt(owner)
    top = comment(reader, prompt["id"])
    answer = comment(owner, prompt["id"], "reply", parent=top["id"])

    bad = call("GET", f"/v1/prompts/{prompt['id']}/comments", query={"sort": "newest"})

    assert bad.status == 422, bad.body
    assert call("GET", f"/v1/comments/{answer['id']}/replies").status == 404
    assert call("GET", f"/v1/comments/cm_{'0' * 64}/replies").status == 404
