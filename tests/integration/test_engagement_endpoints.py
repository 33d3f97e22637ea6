"""Engagement endpoints: ratings, views, copies, bookmarks and forks, through the real handlers.

Counts come from the stream: ``drain()`` runs the local pump's consumers over in-process moto.
"""

from __future__ import annotations

import boto3
import pytest

from promptvault.core.settings import get_settings
from tests.support.api import call
from tests.support.factories import create_prompt, sign_up
from tests.support.streams import drain

GUEST = "guest-0123456789abcdef"


@pytest.fixture(scope="module")
def people():
    return sign_up(), sign_up()


def _items(pk: str, prefix: str) -> list[dict]:
    table = boto3.resource("dynamodb").Table(get_settings().table_name)
    from boto3.dynamodb.conditions import Key

    reply = table.query(KeyConditionExpression=Key("PK").eq(pk) & Key("SK").begins_with(prefix))
    return reply["Items"]


def _partition(pk: str) -> list[dict]:
    table = boto3.resource("dynamodb").Table(get_settings().table_name)
    from boto3.dynamodb.conditions import Key

    return table.query(KeyConditionExpression=Key("PK").eq(pk))["Items"]


def _stats(prompt_id: str) -> dict:
    drain()
    return call("GET", f"/v1/prompts/{prompt_id}").data["stats"]


def test_rerating_replaces_the_rating_and_counts_derive_from_the_stream(people):
    owner, fan = people
    prompt = create_prompt(owner)

    assert (
        call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 5}, token=fan.token).status
        == 200
    )
    again = call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 2}, token=fan.token)

    assert again.status == 200
    assert again.data == {"promptId": prompt["id"], "score": 2, "rater": "user"}
    assert len(_items(f"PROMPT#{prompt['id']}", "RATING#")) == 1
    assert _stats(prompt["id"])["ratingCount"] == 1
    ratings = call("GET", f"/v1/prompts/{prompt['id']}/ratings", token=fan.token).data
    assert ratings["average"] == 2.0
    assert ratings["breakdown"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0}
    assert ratings["mine"] == 2


def test_a_guest_rating_is_stored_under_a_keyed_hash_and_found_again(people):
    owner, _ = people
    prompt = create_prompt(owner)

    reply = call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 3, "guestId": GUEST})

    assert reply.status == 200
    assert reply.data["rater"] == "guest"
    (stored,) = _items(f"PROMPT#{prompt['id']}", "RATING#")
    assert GUEST not in str(stored)
    drain()
    mine = call("GET", f"/v1/prompts/{prompt['id']}/ratings", query={"guestId": GUEST}).data
    assert mine["mine"] == 3
    assert mine["count"] == 1


def test_deleting_ones_rating_takes_it_out_of_the_counts(people):
    owner, fan = people
    prompt = create_prompt(owner)
    call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 4}, token=fan.token)
    assert _stats(prompt["id"])["ratingCount"] == 1

    gone = call("DELETE", f"/v1/prompts/{prompt['id']}/rating", token=fan.token)

    assert gone.status == 204
    stats = _stats(prompt["id"])
    assert stats["ratingCount"] == 0
    assert stats["ratingAverage"] is None


def test_views_and_copies_are_accepted_anonymously_and_counted(people):
    owner, _ = people
    prompt = create_prompt(owner)

    views = [call("POST", f"/v1/prompts/{prompt['id']}/views") for _ in range(3)]
    copy = call("POST", f"/v1/prompts/{prompt['id']}/copies")

    assert {v.status for v in views} == {202}
    assert copy.status == 202
    assert copy.data == {"promptId": prompt["id"], "kind": "copy", "accepted": True}
    stats = _stats(prompt["id"])
    assert (stats["views"], stats["copies"]) == (3, 1)


def test_bookmarks_are_idempotent_listed_newest_first_and_paginated(people):
    owner, _ = people
    reader = sign_up()
    first, second = create_prompt(owner), create_prompt(owner)
    for prompt in (first, second, second):
        assert call("PUT", f"/v1/prompts/{prompt['id']}/bookmark", token=reader.token).status == 200

    page = call("GET", "/v1/users/me/bookmarks", token=reader.token, query={"limit": "1"})
    rest = call(
        "GET",
        "/v1/users/me/bookmarks",
        token=reader.token,
        query={"limit": "1", "cursor": page.body["meta"]["nextCursor"]},
    )

    assert [e["prompt"]["id"] for e in page.data + rest.data] == [second["id"], first["id"]]
    assert _stats(second["id"])["bookmarks"] == 1
    assert call("DELETE", f"/v1/prompts/{second['id']}/bookmark", token=reader.token).status == 204
    assert _stats(second["id"])["bookmarks"] == 0


def test_a_fork_copies_the_current_version_and_counts_on_the_original(people):
    owner, fan = people
    prompt = create_prompt(owner)

    fork = call(
        "POST", f"/v1/prompts/{prompt['id']}/fork", {"visibility": "private"}, token=fan.token
    )

    assert fork.status == 201, fork.body
    assert fork.data["ownerId"] == fan.id
    assert fork.data["forkedFrom"] == {"id": prompt["id"], "version": 1}
    assert fork.data["content"] == prompt["content"]
    assert fork.data["version"] == 1
    assert _stats(prompt["id"])["forks"] == 1
    listed = call("GET", f"/v1/prompts/{prompt['id']}/forks", token=fan.token).data
    assert [f["id"] for f in listed] == [fork.data["id"]]
    assert call("GET", f"/v1/prompts/{prompt['id']}/forks").data == []  # private: only its owner


def test_deleting_a_fork_lowers_the_originals_fork_count(people):
    owner, fan = people
    prompt = create_prompt(owner)
    fork = call("POST", f"/v1/prompts/{prompt['id']}/fork", token=fan.token).data
    assert _stats(prompt["id"])["forks"] == 1

    assert call("DELETE", f"/v1/prompts/{fork['id']}", token=fan.token).status == 204

    assert _stats(prompt["id"])["forks"] == 0
    assert call("GET", f"/v1/prompts/{prompt['id']}/forks").data == []


def test_every_prompt_response_carries_stats(people):
    owner, _ = people
    prompt = create_prompt(owner)

    assert prompt["stats"] == {
        "views": 0,
        "copies": 0,
        "bookmarks": 0,
        "forks": 0,
        "ratingAverage": None,
        "ratingCount": 0,
    }


def test_patch_and_restore_answer_with_the_prompts_real_stats(people):
    owner, fan = people
    prompt = create_prompt(owner)
    call("POST", f"/v1/prompts/{prompt['id']}/views")
    call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 4}, token=fan.token)
    drain()

    edited = call(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        {"title": "A new title"},
        token=owner.token,
        headers={"if-match": '"r1"'},
    )
    restored = call("POST", f"/v1/prompts/{prompt['id']}/versions/1/restore", token=owner.token)

    assert edited.status == 200, edited.body
    assert restored.status == 201, restored.body
    for reply in (edited, restored):
        stats = reply.data["stats"]
        assert (stats["views"], stats["ratingCount"], stats["ratingAverage"]) == (1, 1, 4.0)


def test_deleting_a_prompt_takes_its_stats_ratings_versions_and_fork_links_along(people):
    owner, fan = people
    prompt = create_prompt(owner)
    pk = f"PROMPT#{prompt['id']}"
    call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 5}, token=fan.token)
    fork = call("POST", f"/v1/prompts/{prompt['id']}/fork", token=fan.token).data
    call("POST", f"/v1/prompts/{prompt['id']}/views")
    drain()
    before = {item["SK"].split("#")[0] for item in _partition(pk)}
    assert {"META", "STATS", "RATING", "FORK", "VERSION", "VIEW"} <= before

    assert call("DELETE", f"/v1/prompts/{prompt['id']}", token=owner.token).status == 204
    drain()  # the ratings' and links' REMOVEs reach the counters: the stats stay gone

    left = {item["SK"].split("#")[0] for item in _partition(pk)}
    assert left <= {"VIEW"}  # views expire by themselves (TTL 2 days)
    assert call("GET", f"/v1/prompts/{fork['id']}", token=fan.token).status == 200  # theirs


# --- who may engage -------------------------------------------------------------------------

ENGAGEMENTS = [
    ("PUT", "rating", {"score": 4}),
    ("DELETE", "rating", None),
    ("GET", "ratings", None),
    ("POST", "views", None),
    ("POST", "copies", None),
    ("PUT", "bookmark", None),
    ("POST", "fork", None),
    ("GET", "forks", None),
]


@pytest.mark.parametrize(("method", "action", "body"), ENGAGEMENTS)
def test_others_private_prompts_are_not_found(people, method, action, body):
    owner, fan = people
    private = create_prompt(owner, visibility="private")

    reply = call(method, f"/v1/prompts/{private['id']}/{action}", body, token=fan.token)

    assert reply.status == 404
    assert reply.error["code"] == "NOT_FOUND"


@pytest.mark.parametrize(("method", "action", "body"), ENGAGEMENTS)
def test_drafts_are_not_found_for_anonymous_callers(people, method, action, body):
    owner, _ = people
    draft = create_prompt(owner, status="draft")

    reply = call(method, f"/v1/prompts/{draft['id']}/{action}", body)

    assert reply.status in {401, 404}


@pytest.mark.parametrize(("method", "action", "body"), ENGAGEMENTS)
def test_the_owner_can_engage_with_their_own_private_prompt(people, method, action, body):
    owner, _ = people
    private = create_prompt(owner, visibility="private")

    reply = call(method, f"/v1/prompts/{private['id']}/{action}", body, token=owner.token)

    assert reply.status in {200, 201, 202, 204}, reply.body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "bookmark"),
        ("DELETE", "bookmark"),
        ("POST", "fork"),
    ],
)
def test_bookmarks_and_forks_need_a_signed_in_user(people, method, path):
    owner, _ = people
    prompt = create_prompt(owner)

    reply = call(method, f"/v1/prompts/{prompt['id']}/{path}")

    assert reply.status == 401


def test_my_bookmarks_need_a_signed_in_user():
    assert call("GET", "/v1/users/me/bookmarks").status == 401


def test_rating_without_a_user_or_a_guest_id_is_refused_and_writes_nothing(people):
    owner, _ = people
    prompt = create_prompt(owner)

    reply = call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 4})

    assert reply.status == 401
    assert _items(f"PROMPT#{prompt['id']}", "RATING#") == []


@pytest.mark.parametrize(
    "body",
    [
        {"score": 0},
        {"score": 6},
        {"score": "4"},
        {"score": 3.5},
        {"score": True},
        {},
        {"score": 4, "guestId": "short"},
        {"score": 4, "guestId": "has spaces in it!!!"},
        {"score": 4, "extra": 1},
    ],
)
def test_bad_ratings_are_422_and_write_nothing(people, body):
    owner, fan = people
    prompt = create_prompt(owner)

    reply = call("PUT", f"/v1/prompts/{prompt['id']}/rating", body, token=fan.token)

    assert reply.status == 422, reply.body
    assert reply.error["code"] == "VALIDATION_ERROR"
    assert _items(f"PROMPT#{prompt['id']}", "RATING#") == []


def test_unparseable_rating_body_is_400(people):
    owner, fan = people
    prompt = create_prompt(owner)

    reply = call("PUT", f"/v1/prompts/{prompt['id']}/rating", token=fan.token, raw="{nope")

    assert reply.status == 400


@pytest.mark.parametrize(
    "body", [{"visibility": "secret"}, {"title": "x"}, {"status": "gone"}, {"other": 1}]
)
def test_bad_fork_bodies_are_422_and_write_nothing(people, body):
    owner, fan = people
    prompt = create_prompt(owner)

    reply = call("POST", f"/v1/prompts/{prompt['id']}/fork", body, token=fan.token)

    assert reply.status == 422
    assert _items(f"PROMPT#{prompt['id']}", "FORK#") == []


@pytest.mark.parametrize("prompt_id", ["p_" + "0" * 32, "not-a-real-slug", "p_bad"])
def test_unknown_prompts_are_404(people, prompt_id):
    _, fan = people

    for method, action, body in ENGAGEMENTS:
        reply = call(method, f"/v1/prompts/{prompt_id}/{action}", body, token=fan.token)
        assert reply.status == 404, (method, action)


def test_bookmark_list_rejects_a_foreign_cursor(people):
    _, fan = people

    reply = call("GET", "/v1/users/me/bookmarks", token=fan.token, query={"cursor": "abc"})

    assert reply.status == 400
    assert reply.error["code"] == "INVALID_CURSOR"


def test_table_listings_carry_each_prompts_real_stats(people):
    owner, fan = people
    prompt = create_prompt(owner, visibility="public", status="published")
    call("POST", f"/v1/prompts/{prompt['id']}/copies")
    call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 5}, token=fan.token)
    call("PUT", f"/v1/prompts/{prompt['id']}/bookmark", token=fan.token)
    drain()
    everything = {"limit": "100"}

    pages = {
        "mine": call("GET", "/v1/users/me/prompts", token=owner.token, query=everything),
        "profile": call("GET", f"/v1/users/{owner.username}/prompts", query=everything),
        "feed": call("GET", "/v1/prompts", query=everything),
    }
    for name, page in pages.items():
        assert page.status == 200, (name, page.body)
        [listed] = [p for p in page.data if p["id"] == prompt["id"]]
        assert listed["stats"] == {
            "views": 0,
            "copies": 1,
            "bookmarks": 1,
            "forks": 0,
            "ratingAverage": 5.0,
            "ratingCount": 1,
        }, name


# --- issue 16, finding 10: a rating could not be withdrawn once the prompt turned private ---


def _make_private(owner, prompt: dict) -> None:
    reply = call(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        {"visibility": "private"},
        token=owner.token,
        headers={"If-Match": prompt["etag"]},
    )
    assert reply.status == 200, reply.body


def _owners_stats(owner, prompt_id: str) -> dict:
    drain()
    return call("GET", f"/v1/prompts/{prompt_id}", token=owner.token).data["stats"]


def test_finding_10_a_rater_can_withdraw_their_rating_after_the_prompt_turns_private(people):
    owner, fan = people
    prompt = create_prompt(owner)
    rated = call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 1}, token=fan.token)
    assert rated.status == 200, rated.body
    _make_private(owner, prompt)
    assert _owners_stats(owner, prompt["id"])["ratingCount"] == 1

    gone = call("DELETE", f"/v1/prompts/{prompt['id']}/rating", token=fan.token)

    assert gone.status == 204, gone.body
    assert _items(f"PROMPT#{prompt['id']}", "RATING#") == []
    stats = _owners_stats(owner, prompt["id"])
    assert (stats["ratingCount"], stats["ratingAverage"]) == (0, None)
    assert call("GET", f"/v1/prompts/{prompt['id']}", token=fan.token).status == 404  # still


def test_finding_10_a_guest_can_withdraw_their_rating_after_the_prompt_becomes_a_draft(people):
    owner, _ = people
    prompt = create_prompt(owner)
    rated = call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 2, "guestId": GUEST})
    assert rated.status == 200
    drafted = call(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        {"status": "draft"},
        token=owner.token,
        headers={"If-Match": prompt["etag"]},
    )
    assert drafted.status == 200, drafted.body

    gone = call("DELETE", f"/v1/prompts/{prompt['id']}/rating", query={"guestId": GUEST})

    assert gone.status == 204, gone.body
    assert _items(f"PROMPT#{prompt['id']}", "RATING#") == []


def test_finding_10_withdrawing_reveals_nothing_about_a_hidden_prompt_one_never_rated(people):
    owner, fan = people
    rated_by_others = create_prompt(owner)
    path = f"/v1/prompts/{rated_by_others['id']}/rating"
    assert call("PUT", path, {"score": 5}, token=owner.token).status == 200
    _make_private(owner, rated_by_others)
    unknown = "p_" + "0" * 32

    hidden = call("DELETE", path, token=fan.token)
    missing = call("DELETE", f"/v1/prompts/{unknown}/rating", token=fan.token)

    assert (hidden.status, missing.status) == (404, 404)
    assert hidden.body == missing.body
    assert len(_items(f"PROMPT#{rated_by_others['id']}", "RATING#")) == 1  # the owner's stays
