"""Prompt persistence over the single table (pynamodb). Logic never sees pynamodb directly.

AWS calls per operation (asserted in tests/integration/test_aws_calls.py):
create 1 TransactWriteItems (2 when the slug collides), get 1 GetItem (+1 for a slug),
update 1 GetItem + 1 TransactWriteItems, delete 1 GetItem + 1 TransactWriteItems
+ 1 Query + ceil(versions/25) BatchWriteItem.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from promptvault.data.models import (
    META,
    VERSION_PREFIX,
    FeedIndex,
    Item,
    PromptItem,
    SlugItem,
    VersionItem,
    prompt_pk,
    version_sk,
)


class SlugTaken(Exception):
    pass


class RevisionMismatch(Exception):
    pass


def _connection_transaction() -> TransactWrite:
    return TransactWrite(connection=Item._get_connection().connection)


def _cancelled_at(error: TransactWriteError, index: int) -> bool:
    reasons = error.cancellation_reasons or []
    reason = reasons[index] if index < len(reasons) else None
    return reason is not None and reason.code == "ConditionalCheckFailed"


def get_head(prompt_id: str) -> PromptItem | None:
    try:
        item = PromptItem.get(prompt_pk(prompt_id), META)
    except DoesNotExist:
        return None
    return item


def resolve_slug(slug: str) -> str | None:
    try:
        guard = SlugItem.get(f"SLUG#{slug}", "SLUG")
    except DoesNotExist:
        return None
    return guard.prompt_id


def insert_prompt(head: PromptItem, first: VersionItem) -> None:
    """Head, first version and slug guard in one transaction; SlugTaken when the slug is in use."""
    slug = SlugItem(f"SLUG#{head.slug}", "SLUG", prompt_id=head.prompt_id)
    try:
        with _connection_transaction() as tx:
            tx.save(head, condition=PromptItem.pk.does_not_exist())
            tx.save(first, condition=VersionItem.pk.does_not_exist())
            tx.save(slug, condition=SlugItem.pk.does_not_exist())
    except TransactWriteError as error:
        if _cancelled_at(error, 2):
            raise SlugTaken(head.slug) from error
        raise


def save_edit(head: PromptItem, expected_revision: int, version: VersionItem | None) -> None:
    """The new head (and its new version, if content changed) only if nobody edited in between."""
    try:
        with _connection_transaction() as tx:
            tx.save(head, condition=PromptItem.revision == expected_revision)
            if version is not None:
                tx.save(version, condition=VersionItem.pk.does_not_exist())
    except TransactWriteError as error:
        if _cancelled_at(error, 0):
            raise RevisionMismatch(head.prompt_id) from error
        raise


def delete_prompt(head: PromptItem) -> None:
    """Head and slug go atomically (the slug is free at once); the versions follow in batches."""
    slug = SlugItem(f"SLUG#{head.slug}", "SLUG")
    try:
        with _connection_transaction() as tx:
            tx.delete(head, condition=PromptItem.revision == head.revision)
            tx.delete(slug)
    except TransactWriteError as error:
        if _cancelled_at(error, 0):
            raise RevisionMismatch(head.prompt_id) from error
        raise
    versions = VersionItem.query(
        prompt_pk(head.prompt_id),
        VersionItem.sk.startswith(VERSION_PREFIX),
        attributes_to_get=["PK", "SK"],
    )
    with VersionItem.batch_write() as batch:
        for version in versions:
            batch.delete(version)


def get_version(prompt_id: str, number: int) -> VersionItem | None:
    try:
        return VersionItem.get(prompt_pk(prompt_id), version_sk(number))
    except DoesNotExist:
        return None


def get_versions(prompt_id: str, numbers: Iterable[int]) -> dict[int, VersionItem]:
    keys = [(prompt_pk(prompt_id), version_sk(n)) for n in set(numbers)]
    return {v.number: v for v in VersionItem.batch_get(keys)}


def page(results: Any) -> tuple[list[Any], dict[str, Any] | None]:
    items = list(results)
    return items, results.last_evaluated_key


def query_versions(
    prompt_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[VersionItem], dict[str, Any] | None]:
    return page(
        VersionItem.query(
            prompt_pk(prompt_id),
            VersionItem.sk.startswith(VERSION_PREFIX),
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start,
        )
    )


def query_owner_prompts(
    owner_id: str, limit: int, start: dict[str, Any] | None, condition: Condition | None
) -> tuple[list[PromptItem], dict[str, Any] | None]:
    return page(
        PromptItem.by_owner.query(
            f"OWNER#{owner_id}",
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start,
            filter_condition=condition,
        )
    )


def query_feed(
    limit: int, start: dict[str, Any] | None, condition: Condition | None
) -> tuple[list[PromptItem], dict[str, Any] | None]:
    index: FeedIndex = PromptItem.feed
    return page(
        index.query(
            FEED_KEY,
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start,
            filter_condition=condition,
        )
    )


FEED_KEY = "FEED#public"
