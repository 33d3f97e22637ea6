"""A cursor only continues the listing that issued it: edited, foreign or forged ones are 400."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Reply, call
from tests.support.cursors import shows_any
from tests.support.factories import User, create_prompt, sign_up


@pytest.fixture(scope="module")
def alice() -> User:
    return sign_up()


@pytest.fixture(scope="module")
def bob() -> User:
    return sign_up()


def edited(cursor: str) -> str:
    """The same cursor with one character in its middle changed."""
    i = len(cursor) // 2
    return cursor[:i] + ("A" if cursor[i] != "A" else "B") + cursor[i + 1 :]


def versioned_prompt(user: User, edits: int = 2) -> dict[str, Any]:
    prompt = create_prompt(user)
    etag = prompt["etag"]
    for n in range(edits):
        reply = call(
            "PATCH",
            f"/v1/prompts/{prompt['id']}",
            {"content": f"Edit {n}: summarise the notes about {{{{topic}}}} briefly."},
            token=user.token,
            headers={"If-Match": etag},
        )
        assert reply.status == 200, reply.body
        etag = reply.headers["ETag"]
    return prompt


def first_page(path: str, user: User | None, **query: str) -> Reply:
    reply = call("GET", path, token=user.token if user else None, query={"limit": "1", **query})
    assert reply.status == 200, reply.body
    assert reply.body["meta"]["hasMore"] is True, reply.body
    return reply


def assert_invalid_cursor(reply: Reply) -> None:
    assert reply.status == 400, reply.body
    assert reply.body["success"] is False
    assert reply.error["code"] == "INVALID_CURSOR"


def test_an_edited_versions_cursor_is_400(alice):
    prompt = versioned_prompt(alice)
    path = f"/v1/prompts/{prompt['id']}/versions"
    cursor = first_page(path, alice).body["meta"]["nextCursor"]

    reply = call("GET", path, token=alice.token, query={"cursor": edited(cursor)})

    assert_invalid_cursor(reply)


def test_a_versions_cursor_does_not_continue_another_prompts_versions(alice):
    first, second = versioned_prompt(alice), versioned_prompt(alice)
    cursor = first_page(f"/v1/prompts/{first['id']}/versions", alice).body["meta"]["nextCursor"]

    reply = call(
        "GET", f"/v1/prompts/{second['id']}/versions", token=alice.token, query={"cursor": cursor}
    )

    assert_invalid_cursor(reply)


def test_a_cursor_of_my_prompts_is_useless_to_another_user(alice, bob):
    create_prompt(alice)
    create_prompt(alice)
    cursor = first_page("/v1/users/me/prompts", alice).body["meta"]["nextCursor"]

    reply = call("GET", "/v1/users/me/prompts", token=bob.token, query={"cursor": cursor})

    assert_invalid_cursor(reply)


def test_a_my_prompts_cursor_is_bound_to_its_filters(alice):
    create_prompt(alice, visibility="private")
    create_prompt(alice, visibility="private")
    cursor = first_page("/v1/users/me/prompts", alice, visibility="private").body["meta"][
        "nextCursor"
    ]

    reply = call(
        "GET",
        "/v1/users/me/prompts",
        token=alice.token,
        query={"cursor": cursor, "visibility": "public"},
    )

    assert_invalid_cursor(reply)


def test_a_cursor_from_one_listing_is_refused_by_another(alice):
    create_prompt(alice)
    create_prompt(alice)
    mine = first_page("/v1/users/me/prompts", alice).body["meta"]["nextCursor"]
    feed = first_page("/v1/prompts", None).body["meta"]["nextCursor"]

    assert_invalid_cursor(call("GET", "/v1/prompts", query={"cursor": mine}))
    assert_invalid_cursor(
        call("GET", "/v1/users/me/prompts", token=alice.token, query={"cursor": feed})
    )


def test_an_edited_feed_cursor_is_400(alice):
    create_prompt(alice)
    create_prompt(alice)
    cursor = first_page("/v1/prompts", None).body["meta"]["nextCursor"]

    assert_invalid_cursor(call("GET", "/v1/prompts", query={"cursor": edited(cursor)}))


def test_a_feed_cursor_is_bound_to_its_filters(alice):
    create_prompt(alice, category="coding")
    create_prompt(alice, category="coding")
    cursor = first_page("/v1/prompts", None, category="coding").body["meta"]["nextCursor"]

    reply = call("GET", "/v1/prompts", query={"cursor": cursor, "category": "writing"})

    assert_invalid_cursor(reply)


@pytest.mark.parametrize(
    "cursor", ["garbage", "eyJQSyI6eyJTIjoiUFJPTVBUI3BfMSJ9fQ", "A" * 2048, "%%%", "🚀"]
)
@pytest.mark.parametrize("path", ["/v1/prompts", "/v1/users/me/prompts"])
def test_a_forged_cursor_is_400(path, cursor, alice):
    reply = call("GET", path, token=alice.token, query={"cursor": cursor})

    assert_invalid_cursor(reply)


# --- issue 16, finding 4: a followers cursor decoded to table keys with another user's id ---


def test_finding_4_a_followers_cursor_shows_no_user_id_or_key_text_in_any_decoding():
    star, fans = sign_up(), [sign_up() for _ in range(2)]
    for fan in fans:
        assert call("PUT", f"/v1/users/{star.username}/follow", token=fan.token).status == 200
    path = f"/v1/users/{star.username}/followers"
    cursor = first_page(path, None).body["meta"]["nextCursor"]
    people = [star, *fans]
    needles = [p.id for p in people] + [p.username for p in people] + [p.email for p in people]
    needles += ["USER#", "FOLLOWS#", "FOLLOWERS#", "FOLLOWING#", '"PK"', '"GSI1SK"']

    assert shows_any(cursor, needles) == []
    rest = call("GET", path, query={"cursor": cursor})
    assert rest.status == 200, rest.body
    assert [f["username"] for f in rest.data] == [fans[0].username]
