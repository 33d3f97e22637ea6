"""Collections (issue 12): a person's named, ordered lists of prompts, public or private.

Only the owner edits; a private collection is 404 to everyone else; readers see only the
prompts they may see, even in a public collection; a deleted prompt leaves every collection;
the order survives moves without rewriting the other entries (decision 67); the caps hold
(decision 68)."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest

from promptvault.collections import ordering
from promptvault.collections import repository as repo
from promptvault.collections.schemas import MAX_PROMPTS
from promptvault.core.settings import get_settings
from promptvault.data.models import CollectionEntryItem
from tests.support.api import Reply, call
from tests.support.factories import PASSWORD, User, create_prompt, sign_up
from tests.support.identity import api_key, with_role


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


@pytest.fixture(scope="module")
def other() -> User:
    return sign_up()


def collection(user: User, **body: Any) -> dict[str, Any]:
    made = call("POST", "/v1/collections", {"name": "Favourites", **body}, token=user.token)
    assert made.status == 201, made.body
    return made.data


def prompt(user: User, **fields: Any) -> dict[str, Any]:
    return create_prompt(user, title=f"Collected {uuid.uuid4().hex[:8]}", **fields)


def put(user: User, coll: dict[str, Any], prompt_id: str, **body: Any) -> Reply:
    path = f"/v1/collections/{coll['id']}/prompts/{prompt_id}"
    return call("PUT", path, body, token=user.token)


def listed(coll: dict[str, Any], user: User | None = None, **query: str) -> Reply:
    token = user.token if user else None
    return call("GET", f"/v1/collections/{coll['id']}", token=token, query=query)


def ids(reply: Reply) -> list[str]:
    assert reply.status == 200, reply.body
    return [entry["prompt"]["id"] for entry in reply.data["prompts"]]


# --- the collection itself ---------------------------------------------------------------------


def test_a_new_collection_is_private_unless_asked_and_answers_201(owner):
    made = call("POST", "/v1/collections", {"name": "  Drafts  "}, token=owner.token)

    assert made.status == 201, made.body
    assert made.data["name"] == "Drafts"
    assert made.data["visibility"] == "private"
    assert made.data["ownerId"] == owner.id
    assert made.data["description"] is None
    assert made.data["id"].startswith("c_")


def test_the_owner_reads_their_private_collection_and_others_get_404(owner, other):
    coll = collection(owner, description="Mine alone")

    assert listed(coll, owner).data["description"] == "Mine alone"
    assert listed(coll, other).status == 404
    assert listed(coll).status == 404
    assert listed(coll, with_role("moderator")).status == 404


def test_a_public_collection_is_anyones_to_read(owner, other):
    coll = collection(owner, visibility="public")

    assert listed(coll).status == 200
    assert listed(coll, other).data["name"] == "Favourites"


def test_the_owner_edits_and_others_get_404_writing_nothing(owner, other):
    coll = collection(owner)
    path = f"/v1/collections/{coll['id']}"

    refused = call("PATCH", path, {"name": "Taken over"}, token=other.token)
    edited = call(
        "PATCH", path, {"name": "Renamed", "description": "Now described"}, token=owner.token
    )

    assert refused.status == 404
    assert edited.status == 200, edited.body
    assert (edited.data["name"], edited.data["description"]) == ("Renamed", "Now described")
    assert edited.data["updatedAt"] >= coll["updatedAt"]
    cleared = call("PATCH", path, {"description": None}, token=owner.token)
    assert cleared.data["description"] is None
    assert listed(coll, owner).data["name"] == "Renamed"


def test_an_empty_edit_and_a_null_name_are_422(owner):
    path = f"/v1/collections/{collection(owner)['id']}"

    assert call("PATCH", path, {}, token=owner.token).status == 422
    assert call("PATCH", path, {"name": None}, token=owner.token).status == 422
    assert call("PATCH", path, {"visibility": "unlisted"}, token=owner.token).status == 422


def test_the_owner_deletes_and_it_is_gone(owner, other):
    coll = collection(owner, visibility="public")
    path = f"/v1/collections/{coll['id']}"

    assert call("DELETE", path, token=other.token).status == 404
    assert call("DELETE", path, token=owner.token).status == 204
    assert listed(coll, owner).status == 404
    assert call("DELETE", path, token=owner.token).status == 404


def test_a_moderator_deletes_a_public_collection_but_never_sees_a_private_one(owner):
    moderator = with_role("moderator")
    public, private = collection(owner, visibility="public"), collection(owner)

    assert call("DELETE", f"/v1/collections/{private['id']}", token=moderator.token).status == 404
    assert call("DELETE", f"/v1/collections/{public['id']}", token=moderator.token).status == 204
    assert listed(private, owner).status == 200
    assert listed(public, owner).status == 404


def test_a_write_key_acts_for_its_owner_and_a_read_key_only_reads(owner):
    coll = collection(owner)
    read_key = api_key(owner, ("read",))["key"]
    write_key = api_key(owner, ("read", "write"))["key"]
    path = f"/v1/collections/{coll['id']}"

    assert call("GET", path, token=read_key).status == 200
    assert call("PATCH", path, {"name": "By key"}, token=read_key).status == 403
    assert call("PATCH", path, {"name": "By key"}, token=write_key).status == 200


def test_the_collections_per_person_cap_is_409(monkeypatch):
    person = sign_up()
    monkeypatch.setattr("promptvault.collections.service.MAX_COLLECTIONS", 2)
    collection(person)
    collection(person)

    refused = call("POST", "/v1/collections", {"name": "Third"}, token=person.token)

    assert refused.status == 409, refused.body
    assert (
        call("GET", "/v1/users/me/collections", token=person.token).body["meta"]["hasMore"] is False
    )
    assert len(call("GET", "/v1/users/me/collections", token=person.token).data) == 2


# --- prompts in a collection -------------------------------------------------------------------


def test_prompts_are_listed_in_the_order_they_were_added(owner):
    coll = collection(owner)
    first, second, third = prompt(owner), prompt(owner), prompt(owner)
    for item in (first, second, third):
        added = put(owner, coll, item["id"])
        assert added.status == 200, added.body

    assert ids(listed(coll, owner)) == [first["id"], second["id"], third["id"]]
    assert added.data["position"] == 3


def test_putting_again_without_a_position_changes_nothing(owner):
    coll = collection(owner)
    first, second = prompt(owner), prompt(owner)
    put(owner, coll, first["id"])
    put(owner, coll, second["id"])

    again = put(owner, coll, first["id"])

    assert again.status == 200
    assert again.data["position"] == 1
    assert ids(listed(coll, owner)) == [first["id"], second["id"]]


def test_a_move_rewrites_only_the_moved_entry(owner):
    coll = collection(owner)
    items = [prompt(owner) for _ in range(4)]
    for item in items:
        put(owner, coll, item["id"])
    before = {e.prompt_id: e.rank for e in repo.all_entries(coll["id"])}

    moved = put(owner, coll, items[3]["id"], position=2)

    assert moved.data["position"] == 2
    assert ids(listed(coll, owner)) == [
        items[0]["id"],
        items[3]["id"],
        items[1]["id"],
        items[2]["id"],
    ]
    after = {e.prompt_id: e.rank for e in repo.all_entries(coll["id"])}
    assert {k: v for k, v in after.items() if before[k] != v} == {
        items[3]["id"]: after[items[3]["id"]]
    }
    first = put(owner, coll, items[2]["id"], position=1)
    assert first.data["position"] == 1
    last = put(owner, coll, items[2]["id"], position=MAX_PROMPTS)
    assert last.data["position"] == 4
    assert ids(listed(coll, owner))[-1] == items[2]["id"]


def test_a_spent_gap_renumbers_the_collection_and_keeps_its_order(owner):
    coll = collection(owner)
    items = [prompt(owner) for _ in range(3)]
    for item in items:
        put(owner, coll, item["id"])
    order = [i["id"] for i in items]
    # 25 moves into the same gap, more than log2(GAP) = 20 halvings
    for _ in range(25):
        mover = order[-1]
        assert put(owner, coll, mover, position=2).data["position"] == 2
        order = [order[0], mover, *order[1:-1]]

    assert ids(listed(coll, owner)) == order
    ranks = sorted(e.rank for e in repo.all_entries(coll["id"]))
    assert len(set(ranks)) == 3


def test_adding_a_prompt_twice_with_a_position_keeps_one_entry_and_its_added_at(owner):
    coll = collection(owner)
    a, b = prompt(owner), prompt(owner)
    first = put(owner, coll, a["id"])
    put(owner, coll, b["id"])

    moved = put(owner, coll, a["id"], position=2)

    assert moved.data["addedAt"] == first.data["addedAt"]
    assert ids(listed(coll, owner)) == [b["id"], a["id"]]


def test_the_owner_may_add_only_prompts_they_can_see(owner, other):
    coll = collection(owner)
    hidden = prompt(other, visibility="private")
    draft = prompt(other, status="draft")
    unlisted = prompt(other, visibility="unlisted")

    assert put(owner, coll, hidden["id"]).status == 404
    assert put(owner, coll, draft["id"]).status == 404
    assert put(owner, coll, "p_" + "0" * 32).status == 404
    assert put(owner, coll, unlisted["id"]).status == 200  # they hold its link
    assert ids(listed(coll, owner)) == [unlisted["id"]]


def test_others_cannot_add_to_or_take_from_a_collection(owner, other):
    coll = collection(owner, visibility="public")
    mine = prompt(owner)
    put(owner, coll, mine["id"])
    path = f"/v1/collections/{coll['id']}/prompts/{mine['id']}"

    assert call("PUT", path, {}, token=other.token).status == 404
    assert call("DELETE", path, token=other.token).status == 404
    assert ids(listed(coll, other)) == [mine["id"]]


def test_the_owner_removes_a_prompt_and_removing_it_again_is_404(owner):
    coll = collection(owner)
    a, b = prompt(owner), prompt(owner)
    put(owner, coll, a["id"])
    put(owner, coll, b["id"])
    path = f"/v1/collections/{coll['id']}/prompts/{a['id']}"

    assert call("DELETE", path, token=owner.token).status == 204
    assert ids(listed(coll, owner)) == [b["id"]]
    assert call("DELETE", path, token=owner.token).status == 404


def test_the_prompts_per_collection_cap_is_409(owner, monkeypatch):
    monkeypatch.setattr("promptvault.collections.service.MAX_PROMPTS", 2)
    coll = collection(owner)
    a, b, c = prompt(owner), prompt(owner), prompt(owner)
    put(owner, coll, a["id"])
    put(owner, coll, b["id"])

    assert put(owner, coll, c["id"]).status == 409
    assert put(owner, coll, a["id"], position=2).status == 200  # a move is no addition
    assert ids(listed(coll, owner)) == [b["id"], a["id"]]


def test_the_listing_pages_in_order_with_a_cursor(owner):
    coll = collection(owner, visibility="public")
    items = [prompt(owner) for _ in range(5)]
    for item in items:
        put(owner, coll, item["id"])

    first = listed(coll, limit="2")
    second = listed(coll, limit="2", cursor=first.body["meta"]["nextCursor"])
    third = listed(coll, limit="2", cursor=second.body["meta"]["nextCursor"])

    assert ids(first) + ids(second) + ids(third) == [i["id"] for i in items]
    assert third.body["meta"]["hasMore"] is False
    assert listed(coll, cursor="not-a-cursor").status == 400


# --- what a reader may see ---------------------------------------------------------------------


def test_a_public_collection_never_shows_a_prompt_the_reader_cannot_list(owner, other):
    coll = collection(owner, visibility="public")
    public = prompt(owner)
    private = prompt(owner, visibility="private")
    unlisted = prompt(owner, visibility="unlisted")
    draft = prompt(owner, status="draft")
    theirs_private = prompt(other, visibility="private")
    for item in (public, private, unlisted, draft):
        assert put(owner, coll, item["id"]).status == 200

    assert ids(listed(coll, owner)) == [public["id"], private["id"], unlisted["id"], draft["id"]]
    assert ids(listed(coll)) == [public["id"]]
    assert ids(listed(coll, other)) == [public["id"]]
    assert theirs_private["id"] not in ids(listed(coll, other))


def test_a_reader_sees_their_own_prompt_in_someone_elses_collection(owner, other):
    coll = collection(owner, visibility="public")
    theirs = prompt(other, visibility="unlisted")
    put(owner, coll, theirs["id"])

    assert ids(listed(coll, other)) == [theirs["id"]]
    assert ids(listed(coll)) == []


def test_a_prompt_made_private_later_disappears_for_others(owner, other):
    coll = collection(owner, visibility="public")
    item = prompt(other)
    put(owner, coll, item["id"])
    assert ids(listed(coll)) == [item["id"]]

    made_private = call(
        "PATCH",
        f"/v1/prompts/{item['id']}",
        {"visibility": "private"},
        token=other.token,
        headers={"If-Match": item["etag"]},
    )

    assert made_private.status == 200, made_private.body
    assert ids(listed(coll)) == []
    assert ids(listed(coll, owner)) == []
    assert ids(listed(coll, other)) == [item["id"]]


def test_a_filtered_page_may_be_short_and_says_more_follows(owner):
    coll = collection(owner, visibility="public")
    hidden = [prompt(owner, visibility="private") for _ in range(2)]
    shown = prompt(owner)
    for item in (*hidden, shown):
        put(owner, coll, item["id"])

    first = listed(coll, limit="2")
    rest = listed(coll, limit="2", cursor=first.body["meta"]["nextCursor"])

    assert (ids(first), first.body["meta"]["hasMore"]) == ([], True)
    assert ids(rest) == [shown["id"]]


def test_a_deleted_prompt_leaves_every_collection(owner, other):
    doomed, kept = prompt(other), prompt(other)
    collections = [collection(owner, visibility="public"), collection(other)]
    for coll, user in zip(collections, (owner, other), strict=True):
        put(user, coll, doomed["id"])
        put(user, coll, kept["id"])

    deleted = call("DELETE", f"/v1/prompts/{doomed['id']}", token=other.token)

    assert deleted.status == 204, deleted.body
    assert ids(listed(collections[0], owner)) == [kept["id"]]
    assert ids(listed(collections[1], other)) == [kept["id"]]
    for coll in collections:  # the entries are gone, not only hidden
        assert [e.prompt_id for e in repo.all_entries(coll["id"])] == [kept["id"]]


def test_deleting_a_collection_removes_its_entries_and_keeps_the_prompts(owner):
    coll = collection(owner)
    items = [prompt(owner) for _ in range(3)]
    for item in items:
        put(owner, coll, item["id"])

    assert call("DELETE", f"/v1/collections/{coll['id']}", token=owner.token).status == 204

    assert repo.all_entries(coll["id"]) == []
    for item in items:
        assert call("GET", f"/v1/prompts/{item['id']}").status == 200
    assert put(owner, coll, items[0]["id"]).status == 404


def test_an_entry_written_after_its_collection_was_deleted_is_refused(owner):
    coll = collection(owner)
    item = prompt(owner)
    stored = repo.get_collection(coll["id"])
    assert stored is not None
    repo.delete_collection(stored)

    entry = repo.new_entry(coll["id"], item["id"], ordering.GAP, "2026-01-01T00:00:00Z")
    with pytest.raises(repo.CollectionGone):
        repo.save_entry(entry, owner.id)
    assert CollectionEntryItem.count(entry.pk, CollectionEntryItem.sk == entry.sk) == 0


# --- per-person listings -----------------------------------------------------------------------


def test_my_collections_lists_public_and_private_newest_first():
    person = sign_up()
    older = collection(person, name="Older")
    newer = collection(person, name="Newer", visibility="public")

    mine = call("GET", "/v1/users/me/collections", token=person.token)

    assert [c["id"] for c in mine.data] == [newer["id"], older["id"]]
    page = call("GET", "/v1/users/me/collections", token=person.token, query={"limit": "1"})
    rest = call(
        "GET",
        "/v1/users/me/collections",
        token=person.token,
        query={"limit": "1", "cursor": page.body["meta"]["nextCursor"]},
    )
    assert [c["id"] for c in page.data + rest.data] == [newer["id"], older["id"]]


def test_a_users_collections_are_their_public_ones_in_full_pages():
    person = sign_up()
    public = [collection(person, visibility="public") for _ in range(2)]
    private = collection(person)
    path = f"/v1/users/{person.username}/collections"

    page = call("GET", path, query={"limit": "2"})

    assert [c["id"] for c in page.data] == [public[1]["id"], public[0]["id"]]
    assert private["id"] not in [c["id"] for c in call("GET", path, token=person.token).data]
    assert call("GET", "/v1/users/nobody-at-all-here/collections").status == 404


def test_making_a_collection_private_takes_it_off_the_profile():
    person = sign_up()
    coll = collection(person, visibility="public")
    path = f"/v1/users/{person.username}/collections"
    assert [c["id"] for c in call("GET", path).data] == [coll["id"]]

    hidden = call(
        "PATCH", f"/v1/collections/{coll['id']}", {"visibility": "private"}, token=person.token
    )

    assert hidden.status == 200
    assert call("GET", path).data == []
    shown = call(
        "PATCH", f"/v1/collections/{coll['id']}", {"visibility": "public"}, token=person.token
    )
    assert shown.status == 200
    assert [c["id"] for c in call("GET", path).data] == [coll["id"]]


# --- account deletion --------------------------------------------------------------------------


def test_account_deletion_removes_the_persons_collections_and_their_entries(other):
    person = sign_up()
    coll = collection(person, visibility="public")
    theirs = prompt(other)
    put(person, coll, theirs["id"])

    gone = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=person.token)

    assert gone.status == 204, gone.body
    assert listed(coll).status == 404
    assert repo.all_entries(coll["id"]) == []
    assert call("GET", f"/v1/prompts/{theirs['id']}").status == 200
    table = boto3.client("dynamodb")
    found = table.get_item(
        TableName=get_settings().table_name,
        Key={"PK": {"S": f"PROMPT#{theirs['id']}"}, "SK": {"S": f"COLLECTED#{coll['id']}"}},
    )
    assert "Item" not in found


def test_account_deletion_takes_the_persons_prompts_out_of_others_collections(owner):
    person = sign_up()
    coll = collection(owner, visibility="public")
    theirs = prompt(person)
    put(owner, coll, theirs["id"])

    gone = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=person.token)

    assert gone.status == 204, gone.body
    assert repo.all_entries(coll["id"]) == []


# --- concurrent moves (decision 67) ------------------------------------------------------------


def test_two_moves_computed_from_the_same_read_both_land_and_lose_nothing(owner, monkeypatch):
    coll = collection(owner)
    a, b, c = prompt(owner), prompt(owner), prompt(owner)
    for item in (a, b, c):
        put(owner, coll, item["id"])
    snapshot = repo.all_entries(coll["id"])
    rank_of_a = snapshot[0].rank
    # both requests read the collection before either wrote: the same neighbours, one rank
    monkeypatch.setattr(
        repo,
        "all_entries",
        lambda _: [CollectionEntryItem.from_raw_data(e.serialize()) for e in snapshot],
    )

    assert put(owner, coll, c["id"], position=1).status == 200
    assert put(owner, coll, b["id"], position=1).status == 200
    monkeypatch.undo()

    order = ids(listed(coll, owner))
    assert sorted(order) == sorted([a["id"], b["id"], c["id"]])
    assert order[-1] == a["id"]  # both moves landed before it
    assert {e.prompt_id: e.rank for e in repo.all_entries(coll["id"])}[a["id"]] == rank_of_a


def test_a_renumbering_never_overwrites_a_rank_a_concurrent_move_wrote(owner):
    coll = collection(owner)
    item = prompt(owner)
    put(owner, coll, item["id"])
    (read,) = repo.all_entries(coll["id"])
    put(owner, coll, item["id"], position=1)  # unchanged rank: still the only entry
    stale = repo.new_entry(coll["id"], item["id"], read.rank + 1, read.added_at)

    assert repo.move_entry(stale, 7) is False
    assert repo.all_entries(coll["id"])[0].rank == read.rank
    assert repo.move_entry(read, 7) is True
    assert repo.all_entries(coll["id"])[0].rank == 7


def test_a_gap_still_spent_after_a_lost_renumbering_is_409_and_writes_nothing(owner, monkeypatch):
    coll = collection(owner)
    a, b, c = prompt(owner), prompt(owner), prompt(owner)
    put(owner, coll, a["id"])
    put(owner, coll, b["id"])
    first, second = repo.all_entries(coll["id"])
    assert repo.move_entry(first, 1)  # no room between the two
    assert repo.move_entry(second, 2)
    monkeypatch.setattr(repo, "move_entry", lambda entry, rank: False)  # every race lost

    refused = put(owner, coll, c["id"], position=2)

    assert refused.status == 409, refused.body
    assert [e.prompt_id for e in repo.all_entries(coll["id"])] == [a["id"], b["id"]]


def test_putting_a_prompt_where_it_already_stands_writes_nothing(owner):
    coll = collection(owner)
    a, b = prompt(owner), prompt(owner)
    put(owner, coll, a["id"])
    put(owner, coll, b["id"])
    before = {e.prompt_id: e.rank for e in repo.all_entries(coll["id"])}

    for _ in range(30):  # more than the halvings a gap holds: nothing is renumbered either
        assert put(owner, coll, b["id"], position=2).data["position"] == 2
        assert put(owner, coll, b["id"], position=7).data["position"] == 2

    assert {e.prompt_id: e.rank for e in repo.all_entries(coll["id"])} == before
