"""Collections in the table: the collection item, and its entries in their prompts' partitions.

AWS calls (asserted in bench/awscalls.py): create 1 Query (the per-person count) + 1 PutItem;
read 1 GetItem + 1 Query (a page of entries, in order) + the page's prompts (2 BatchGetItem);
edit 1 conditional UpdateItem; delete 1 GetItem + 1 conditional DeleteItem + 1 Query of the
entries' keys + 1 BatchWriteItem per 25; put a prompt 2 GetItem (collection, prompt) + 1 Query
(every entry: the cap and the neighbours) + 1 TransactWriteItems (the collection still the
caller's, the entry); remove a prompt 1 GetItem + 1 conditional DeleteItem; the listings 1
Query (+ 1 GetItem for a username).
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import (
    DeleteError,
    DoesNotExist,
    PutError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.expressions.update import Action

from promptvault.collections.ordering import sort_key
from promptvault.data.models import META, CollectionEntryItem, CollectionItem, Item, prompt_pk
from promptvault.data.pages import page
from promptvault.data.transactions import transaction

ENTRY_PREFIX = "COLLECTED#"


class CollectionGone(Exception):
    """The collection was deleted, or is no longer the caller's, while it was being written."""


def collection_pk(collection_id: str) -> str:
    return f"COLLECTION#{collection_id}"


def owned_key(owner_id: str) -> str:
    return f"COLLECTIONS#{owner_id}"


def public_key(owner_id: str) -> str:
    return f"PUBLICCOLLECTIONS#{owner_id}"


def entries_key(collection_id: str) -> str:
    return f"{ENTRY_PREFIX}{collection_id}"


def entry_sk(collection_id: str) -> str:
    return f"{ENTRY_PREFIX}{collection_id}"


def new_collection(
    collection_id: str,
    owner_id: str,
    name: str,
    description: str | None,
    visibility: str,
    now: str,
) -> CollectionItem:
    listed = f"{now}#{collection_id}"
    return CollectionItem(
        collection_pk(collection_id),
        META,
        collection_id=collection_id,
        owner_id=owner_id,
        name=name,
        description=description,
        visibility=visibility,
        created_at=now,
        updated_at=now,
        gsi1pk=owned_key(owner_id),
        gsi1sk=listed,
        gsi2pk=public_key(owner_id) if visibility == "public" else None,
        gsi2sk=listed,
    )


def put_collection(collection: CollectionItem) -> None:
    collection.save(condition=CollectionItem.pk.does_not_exist())


def count_owned(owner_id: str) -> int:
    return CollectionItem.by_owner.count(owned_key(owner_id))


def get_collection(collection_id: str) -> CollectionItem | None:
    try:
        return CollectionItem.get(collection_pk(collection_id), META)
    except DoesNotExist:
        return None


def update_collection(
    collection_id: str,
    owner_id: str,
    changes: dict[str, Any],
    now: str,
) -> CollectionItem | None:
    """The named fields changed (a None description removes it) on the condition that the
    collection exists and is ``owner_id``'s, in one UpdateItem answering the item as written;
    None when the condition failed (nothing written)."""
    actions: list[Action] = [CollectionItem.updated_at.set(now)]
    if "name" in changes:
        actions.append(CollectionItem.name.set(changes["name"]))
    if "description" in changes:
        text = changes["description"]
        actions.append(
            CollectionItem.description.set(text) if text else CollectionItem.description.remove()
        )
    if "visibility" in changes:
        public = changes["visibility"] == "public"
        actions.append(CollectionItem.visibility.set(changes["visibility"]))
        actions.append(
            CollectionItem.gsi2pk.set(public_key(owner_id))
            if public
            else CollectionItem.gsi2pk.remove()
        )
    item = CollectionItem(collection_pk(collection_id), META)
    try:
        item.update(actions=actions, condition=CollectionItem.owner_id == owner_id)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return item


def delete_collection(collection: CollectionItem) -> bool:
    """The collection item (False: already gone), then every entry of it."""
    try:
        collection.delete(condition=CollectionItem.pk.exists())
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    delete_entries(collection.collection_id)
    return True


def delete_entries(collection_id: str) -> int:
    """Every entry of a collection, found on GSI1 (its keys only), one batch per 25."""
    count = 0
    found = CollectionEntryItem.by_owner.query(
        entries_key(collection_id), attributes_to_get=["PK", "SK", "type"]
    )
    with Item.batch_write() as batch:
        for entry in found:
            batch.delete(entry)
            count += 1
    return count


def query_entries(
    collection_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[CollectionEntryItem], dict[str, Any] | None]:
    """A page of a collection's entries, in the collection's order."""
    return page(
        CollectionEntryItem.by_owner.query(
            entries_key(collection_id), limit=limit, last_evaluated_key=start
        )
    )


def all_entries(collection_id: str) -> list[CollectionEntryItem]:
    """Every entry in order: at most MAX_PROMPTS small items, one Query page."""
    return [
        entry
        for entry in CollectionEntryItem.by_owner.query(entries_key(collection_id))
        if isinstance(entry, CollectionEntryItem)
    ]


def new_entry(collection_id: str, prompt_id: str, rank: int, added_at: str) -> CollectionEntryItem:
    return CollectionEntryItem(
        prompt_pk(prompt_id),
        entry_sk(collection_id),
        collection_id=collection_id,
        prompt_id=prompt_id,
        rank=rank,
        added_at=added_at,
        gsi1pk=entries_key(collection_id),
        gsi1sk=sort_key(rank, prompt_id),
    )


def save_entry(entry: CollectionEntryItem, owner_id: str) -> None:
    """The entry, on the condition that its collection still exists and is ``owner_id``'s
    (one transaction: no entry outlives a deleted collection)."""
    try:
        with transaction() as tx:
            tx.condition_check(
                CollectionItem,
                collection_pk(entry.collection_id),
                META,
                condition=CollectionItem.owner_id == owner_id,
            )
            tx.save(entry)
    except TransactWriteError as error:
        raise CollectionGone(entry.collection_id) from error


def move_entry(entry: CollectionEntryItem, rank: int) -> bool:
    """A new rank for an entry read in full, written back whole (a PutItem: no other kind of
    write for this route) on the condition that it still has the rank read, so a rank a
    concurrent move wrote wins; False when it did not (nothing written)."""
    moved = new_entry(entry.collection_id, entry.prompt_id, rank, entry.added_at)
    try:
        moved.save(condition=CollectionEntryItem.rank == entry.rank)
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def delete_entry(collection_id: str, prompt_id: str) -> bool:
    """False when the prompt was not in the collection (nothing written)."""
    try:
        CollectionEntryItem(prompt_pk(prompt_id), entry_sk(collection_id)).delete(
            condition=CollectionEntryItem.pk.exists()
        )
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def query_owned(
    owner_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[CollectionItem], dict[str, Any] | None]:
    """A person's collections, newest first."""
    return page(
        CollectionItem.by_owner.query(
            owned_key(owner_id), scan_index_forward=False, limit=limit, last_evaluated_key=start
        )
    )


def query_public_of(
    owner_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[CollectionItem], dict[str, Any] | None]:
    """A person's public collections, newest first (GSI2 holds only public ones)."""
    return page(
        CollectionItem.feed.query(
            public_key(owner_id), scan_index_forward=False, limit=limit, last_evaluated_key=start
        )
    )
