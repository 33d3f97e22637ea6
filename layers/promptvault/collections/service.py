"""Collection rules (issue 12, docs/community.md, decisions 67 and 68).

Only the owner edits a collection and what is in it; a private collection is the owner's
alone (404 to everyone else, moderators included); a moderator or an admin may delete a
public one (its name and description are the only text it publishes). The owner adds only
prompts they can see. Readers see only the prompts they may see: the owner of the collection
what they could open themselves, everyone else public, published prompts and their own. A
deleted prompt takes its entries with it (they live in its partition).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from promptvault.collections import repository as repo
from promptvault.collections.ordering import NoRoom, rank_for, renumbered
from promptvault.collections.schemas import (
    MAX_COLLECTIONS,
    MAX_PROMPTS,
    CollectionCreate,
    CollectionUpdate,
)
from promptvault.core.caller import Caller
from promptvault.core.clock import now_iso
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.errors import Conflict, NotFound
from promptvault.core.ids import new_id
from promptvault.data.models import CollectionEntryItem, CollectionItem, PromptItem, PromptStatsItem
from promptvault.identity import directory
from promptvault.prompts import service as prompts
from promptvault.prompts.listing import with_stats

_ID = re.compile(r"^c_[0-9a-f]{32}$")
_NOT_FOUND = "No collection with that id"
_NOT_IN = "That prompt is not in this collection"


def _find(collection_id: str) -> CollectionItem:
    found = repo.get_collection(collection_id) if _ID.match(collection_id) else None
    if found is None:
        raise NotFound(_NOT_FOUND)
    return found


def _readable(collection_id: str, caller: Caller | None) -> CollectionItem:
    collection = _find(collection_id)
    mine = caller is not None and caller.user_id == collection.owner_id
    if not mine and collection.visibility != "public":
        raise NotFound(_NOT_FOUND)  # never 403: a private collection's existence never leaks
    return collection


def _owned(collection_id: str, caller: Caller) -> CollectionItem:
    collection = _find(collection_id)
    if collection.owner_id != caller.user_id:
        raise NotFound(_NOT_FOUND)
    return collection


def create_collection(caller: Caller, body: CollectionCreate) -> CollectionItem:
    if repo.count_owned(caller.user_id) >= MAX_COLLECTIONS:
        raise Conflict(f"At most {MAX_COLLECTIONS} collections per person; delete one first")
    collection = repo.new_collection(
        new_id("c"),
        caller.user_id,
        body.name,
        body.description or None,
        body.visibility,
        now_iso(),
    )
    repo.put_collection(collection)
    return collection


def update_collection(caller: Caller, collection_id: str, body: CollectionUpdate) -> CollectionItem:
    """One conditional write (the collection is the caller's): others' are 404."""
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    updated = (
        repo.update_collection(collection_id, caller.user_id, changes, now_iso())
        if _ID.match(collection_id)
        else None
    )
    if updated is None:
        raise NotFound(_NOT_FOUND)
    return updated


def delete_collection(caller: Caller, collection_id: str) -> None:
    """The owner's, or a public one by a moderator (a person's token: a key has no role)."""
    collection = _find(collection_id)
    mine = collection.owner_id == caller.user_id
    if not mine and not (caller.is_moderator and collection.visibility == "public"):
        raise NotFound(_NOT_FOUND)
    if not repo.delete_collection(collection):
        raise NotFound(_NOT_FOUND)


def delete_collections_of(owner_id: str) -> int:
    """Every collection a person made, with its entries (account deletion)."""
    count = 0
    start: dict[str, Any] | None = None
    while True:
        collections, start = repo.query_owned(owner_id, 100, start)
        for collection in collections:
            count += repo.delete_collection(collection)
        if not start:
            return count


# --- what is in a collection -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placed:
    entry: CollectionEntryItem
    position: int  # 1 = first


def put_prompt(caller: Caller, collection_id: str, prompt_id: str, position: int | None) -> Placed:
    """Add a prompt the caller can see, or move it; the same request again changes nothing."""
    collection = _owned(collection_id, caller)
    if not prompts.is_prompt_id(prompt_id):
        raise NotFound("No prompt with that id")
    prompts.find_prompt(prompt_id, caller)  # 404 for a prompt the caller cannot see
    entries = repo.all_entries(collection.collection_id)
    others = [entry for entry in entries if entry.prompt_id != prompt_id]
    current = next((entry for entry in entries if entry.prompt_id == prompt_id), None)
    if current is not None and _already_at(entries.index(current), len(others), position):
        return Placed(current, entries.index(current) + 1)  # nothing to write
    if current is None and len(entries) >= MAX_PROMPTS:
        raise Conflict(f"At most {MAX_PROMPTS} prompts per collection; remove one first")
    rank = _rank(others, position)
    entry = repo.new_entry(
        collection.collection_id,
        prompt_id,
        rank,
        current.added_at if current is not None else now_iso(),
    )
    try:
        repo.save_entry(entry, caller.user_id)
    except repo.CollectionGone as gone:
        raise NotFound(_NOT_FOUND) from gone
    keys = [(other.rank, other.prompt_id) for other in others]
    return Placed(entry, bisect_left(keys, (rank, prompt_id)) + 1)


def _already_at(index: int, others: int, position: int | None) -> bool:
    """Whether an entry at ``index`` already stands where ``position`` asks (None: anywhere)."""
    return position is None or index == min(position - 1, others)


def _rank(others: list[CollectionEntryItem], position: int | None) -> int:
    """The new rank; when the gap is spent, the others renumbered first (decision 67)."""
    try:
        return rank_for([other.rank for other in others], position)
    except NoRoom:
        for other, rank in zip(others, renumbered(len(others)), strict=True):
            if other.rank != rank and repo.move_entry(other, rank):
                other.rank = rank
        others.sort(key=lambda other: (other.rank, other.prompt_id))
    try:
        return rank_for([other.rank for other in others], position)
    except NoRoom as busy:  # concurrent moves kept the gap spent: the client may retry
        raise Conflict("The collection was reordered meanwhile; try again") from busy


def remove_prompt(caller: Caller, collection_id: str, prompt_id: str) -> None:
    """No visibility check: the owner can always take out a prompt, even one since hidden."""
    collection = _owned(collection_id, caller)
    if not prompts.is_prompt_id(prompt_id):
        raise NotFound("No prompt with that id")
    if not repo.delete_entry(collection.collection_id, prompt_id):
        raise NotFound(_NOT_IN)


Shown = tuple[CollectionEntryItem, PromptItem, PromptStatsItem | None]


def _shown(head: PromptItem, collection: CollectionItem, viewer: Caller | None) -> bool:
    """The collection's owner sees what they could open themselves (an unlisted prompt they
    hold the link of); anyone else public, published prompts and their own, never an id a
    link-only prompt's owner did not publish."""
    if viewer is not None and viewer.user_id == collection.owner_id:
        return prompts.is_visible(head, viewer)
    return prompts.is_listed(head) or (viewer is not None and viewer.user_id == head.owner_id)


def read_collection(
    caller: Caller | None, collection_id: str, cursor: str | None, limit: int
) -> tuple[CollectionItem, list[Shown], dict[str, Any]]:
    """The collection and a page of its prompts in order, those the caller may not see left
    out (a page may be short; ``hasMore`` says whether more follow)."""
    collection = _readable(collection_id, caller)
    scope = f"collection:{collection.collection_id}"
    entries, last = repo.query_entries(
        collection.collection_id, limit, decode_cursor(cursor, scope)
    )
    heads = prompts.heads_by_id([entry.prompt_id for entry in entries]) if entries else {}
    visible = [
        (entry, heads[entry.prompt_id])
        for entry in entries
        if entry.prompt_id in heads and _shown(heads[entry.prompt_id], collection, caller)
    ]
    counted = with_stats([head for _, head in visible])  # no call for an empty page
    shown = [
        (entry, head, stats) for (entry, _), (head, stats) in zip(visible, counted, strict=True)
    ]
    return collection, shown, page_meta(last, scope)


# --- listings ----------------------------------------------------------------------------------


def my_collections(
    caller: Caller, cursor: str | None, limit: int
) -> tuple[list[CollectionItem], dict[str, Any]]:
    """Newest first, public and private."""
    scope = f"my-collections:{caller.user_id}"
    found, last = repo.query_owned(caller.user_id, limit, decode_cursor(cursor, scope))
    return found, page_meta(last, scope)


def public_collections_of(
    username: str, cursor: str | None, limit: int
) -> tuple[list[CollectionItem], dict[str, Any]]:
    """A person's public collections, newest first (an index of public ones: full pages)."""
    owner_id = directory.user_id_of(username)
    scope = f"user-collections:{owner_id}"
    found, last = repo.query_public_of(owner_id, limit, decode_cursor(cursor, scope))
    return found, page_meta(last, scope)
