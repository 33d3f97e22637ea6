"""Prompt persistence over the single table (pynamodb). Logic never sees pynamodb directly.

AWS calls per operation (asserted in tests/integration/test_aws_calls.py):
create 1 TransactWriteItems (2 when the slug collides), get 1 BatchGetItem (head + stats;
+1 GetItem for a slug: the slug guard, which alone answers a slug hidden from the caller, an
unknown one and a deleted one), update / restore 1 BatchGetItem (head + stats: the answer's
counters) + 1 TransactWriteItems, delete 1 GetItem + 1 TransactWriteItems + 1 Query
+ ceil(leftovers/25) BatchWriteItem (leftovers: versions, labels and their history, ratings
and fork links). Labels: a fetch by label or number 1 BatchGetItem (head + labels; a 304
stops there) + 1 GetItem (the version); a move 1 BatchGetItem + 1 TransactWriteItems; a
label's history 1 Query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition

from promptvault.data.models import (
    LABELS,
    MAX_VERSION,
    META,
    SHARE_PREFIX,
    STATS,
    CollectionEntryItem,
    CommentItem,
    CommentLikeItem,
    FeedIndex,
    ForkItem,
    Item,
    LabelMoveItem,
    LabelsItem,
    PromptItem,
    PromptStatsItem,
    RatingItem,
    ReplyItem,
    ShareItem,
    SlugItem,
    VersionItem,
    label_move_prefix,
    prompt_pk,
    share_sk,
    version_sk,
)
from promptvault.data.pages import page
from promptvault.data.transactions import failed_at, failed_conditions, transaction


class SlugTaken(Exception):
    pass


class RevisionMismatch(Exception):
    pass


class LabelsChanged(Exception):
    """Another move of this prompt's labels was written since they were read."""


class PromptGone(Exception):
    """The prompt was deleted while its labels were being moved."""


def get_head(prompt_id: str) -> PromptItem | None:
    try:
        item = PromptItem.get(prompt_pk(prompt_id), META)
    except DoesNotExist:
        return None
    return item


def _head_and[Beside: Item](
    prompt_id: str, sk: str, kind: type[Beside]
) -> tuple[PromptItem | None, Beside | None]:
    """The head and one item beside it in the prompt's partition, in one BatchGetItem."""
    pk = prompt_pk(prompt_id)
    found = {item.sk: item for item in Item.batch_get([(pk, META), (pk, sk)])}
    head, beside = found.get(META), found.get(sk)
    return (
        head if isinstance(head, PromptItem) else None,
        beside if isinstance(beside, kind) else None,
    )


def get_head_with_stats(prompt_id: str) -> tuple[PromptItem | None, PromptStatsItem | None]:
    """The head and its counters in one BatchGetItem (counters live off the head)."""
    return _head_and(prompt_id, STATS, PromptStatsItem)


def get_heads(prompt_ids: list[str]) -> dict[str, PromptItem]:
    """Heads by prompt id, one BatchGetItem per 100 (none for no ids); gone ones are absent."""
    keys = [(prompt_pk(pid), META) for pid in dict.fromkeys(prompt_ids)]
    return {
        item.prompt_id: item
        for item in (Item.batch_get(keys) if keys else ())
        if isinstance(item, PromptItem)
    }


def stats_of(heads: list[PromptItem]) -> dict[str, PromptStatsItem]:
    """The counters of a page of heads, by prompt id: one BatchGetItem (none for no heads)."""
    keys = [(prompt_pk(head.prompt_id), STATS) for head in heads]
    return {
        item.pk.removeprefix("PROMPT#"): item
        for item in (Item.batch_get(keys) if keys else ())
        if isinstance(item, PromptStatsItem)
    }


def slug_guard(slug: str) -> SlugItem | None:
    """The slug's guard (or its tombstone), one GetItem; None for a slug never given."""
    try:
        return SlugItem.get(f"SLUG#{slug}", "SLUG")
    except DoesNotExist:
        return None


def _guard(head: PromptItem) -> SlugItem:
    """The slug guard as the head now is: the id, and a copy of what decides whom the slug
    resolves for (written with the head in one transaction, so the copy never lags)."""
    return SlugItem(
        f"SLUG#{head.slug}",
        "SLUG",
        prompt_id=head.prompt_id,
        owner_id=head.owner_id,
        visibility=head.visibility,
        status=head.status,
    )


def new_stats(head: PromptItem) -> PromptStatsItem:
    """The prompt's counters at zero, with its owner: created with the head, because the
    counters consumer only ever updates an existing stats item (docs/streams.md)."""
    return PromptStatsItem(prompt_pk(head.prompt_id), STATS, owner_id=head.owner_id)


def insert_prompt(head: PromptItem, first: VersionItem, linked: tuple[Item, ...] = ()) -> None:
    """Head, first version, slug guard, zeroed stats and the ``linked`` items in one
    transaction; SlugTaken when the slug is in use or was ever used (a tombstone)."""
    try:
        with transaction() as tx:
            tx.save(head, condition=PromptItem.pk.does_not_exist())
            tx.save(first, condition=VersionItem.pk.does_not_exist())
            tx.save(_guard(head), condition=SlugItem.pk.does_not_exist())
            tx.save(new_stats(head), condition=PromptStatsItem.pk.does_not_exist())
            for item in linked:
                tx.save(item)
    except TransactWriteError as error:
        if failed_at(error, 2):
            raise SlugTaken(head.slug) from error
        raise


def save_edit(head: PromptItem, expected_revision: int, version: VersionItem | None) -> None:
    """The new head (and its new version, if content changed) only if nobody edited in
    between; the slug guard's copy of visibility and status follows in the same transaction."""
    try:
        with transaction() as tx:
            tx.save(head, condition=PromptItem.revision == expected_revision)
            if version is not None:
                tx.save(version, condition=VersionItem.pk.does_not_exist())
            tx.save(_guard(head))
    except TransactWriteError as error:
        if failed_at(error, 0):
            raise RevisionMismatch(head.prompt_id) from error
        raise


# What the cleanup after a delete removes from the prompt's partition (labels and their
# history included: they live in it, decision 44; share links too; and the prompt's place
# in every collection, decision 68). Kept: moderation records (an audit trail,
# docs/identity.md) and views/copies (they expire within 2 days).
LEFTOVERS: tuple[type[Item], ...] = (
    VersionItem,
    RatingItem,
    ForkItem,
    LabelsItem,
    LabelMoveItem,
    ShareItem,
    CollectionEntryItem,
    CommentItem,  # comments, replies and their likes live in the partition (issue 12)
    ReplyItem,
    CommentLikeItem,
)


def delete_prompt(head: PromptItem, deleted_at: str) -> None:
    """Head and stats go and the slug guard becomes a tombstone, atomically (the counters
    consumer stops counting: it never recreates a stats item; the slug is never given again
    and names nothing: the slug and ``deletedAt`` only); then the versions, the ratings and
    the links of this prompt's forks, found by one Query of the partition."""
    tombstone = SlugItem(f"SLUG#{head.slug}", "SLUG", deleted_at=deleted_at)
    try:
        with transaction() as tx:
            tx.delete(head, condition=PromptItem.revision == head.revision)
            tx.save(tombstone)
            tx.delete(PromptStatsItem(prompt_pk(head.prompt_id), STATS))
            if head.forked_from is not None:  # the original's fork count follows (stream)
                origin = prompt_pk(head.forked_from.id)
                tx.delete(ForkItem(origin, f"FORK#{head.created_at}#{head.prompt_id}"))
    except TransactWriteError as error:
        if failed_at(error, 0):
            raise RevisionMismatch(head.prompt_id) from error
        raise
    leftovers = Item.query(
        prompt_pk(head.prompt_id),
        filter_condition=Item.entity.is_in(*LEFTOVERS),
        attributes_to_get=["PK", "SK", "type"],
    )
    with Item.batch_write() as batch:
        for item in leftovers:
            batch.delete(item)


def get_version(prompt_id: str, number: int) -> VersionItem | None:
    try:
        return VersionItem.get(prompt_pk(prompt_id), version_sk(number))
    except DoesNotExist:
        return None


def get_versions(prompt_id: str, numbers: Iterable[int]) -> dict[int, VersionItem]:
    keys = [(prompt_pk(prompt_id), version_sk(n)) for n in set(numbers)]
    return {v.number: v for v in VersionItem.batch_get(keys)}


def query_versions(
    prompt_id: str, limit: int, start: dict[str, Any] | None, oldest: int = 1
) -> tuple[list[VersionItem], dict[str, Any] | None]:
    """Newest first, from version ``oldest`` up (a key condition: pages stay full)."""
    return page(
        VersionItem.query(
            prompt_pk(prompt_id),
            VersionItem.sk.between(version_sk(oldest), version_sk(MAX_VERSION)),
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


# --- labels (issue 13) -------------------------------------------------------------------------


def get_head_with_labels(prompt_id: str) -> tuple[PromptItem | None, LabelsItem | None]:
    """The head and the labels item in one BatchGetItem: all a fetch by label needs to know
    which version it answers and its ETag (the 304 path reads nothing else)."""
    return _head_and(prompt_id, LABELS, LabelsItem)


def save_label_move(labels: LabelsItem, expected_revision: int, move: LabelMoveItem) -> None:
    """The labels as moved and the move's history entry, in one transaction, only if nobody
    moved a label since ``expected_revision`` was read (0: the prompt had no labels item) and
    the prompt still exists (a delete's cleanup then finds both in the partition)."""
    pk = labels.pk
    unchanged: Condition = (
        LabelsItem.pk.does_not_exist()
        if expected_revision == 0
        else LabelsItem.revision == expected_revision
    )
    try:
        # pynamodb sends condition checks first, then deletes, puts and updates: the
        # positions below are in that order
        with transaction() as tx:
            tx.condition_check(PromptItem, pk, META, condition=PromptItem.pk.exists())
            tx.save(labels, condition=unchanged)
            tx.save(move, condition=LabelMoveItem.pk.does_not_exist())
    except TransactWriteError as error:
        if failed_at(error, 0):
            raise PromptGone(labels.prompt_id) from error
        if failed_at(error, 1) or failed_at(error, 2):
            raise LabelsChanged(labels.prompt_id) from error
        raise


def query_label_history(
    prompt_id: str, label: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[LabelMoveItem], dict[str, Any] | None]:
    """A label's moves, newest first."""
    return page(
        LabelMoveItem.query(
            prompt_pk(prompt_id),
            LabelMoveItem.sk.startswith(label_move_prefix(label)),
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start,
        )
    )


# --- share links (PK=PROMPT#<pid>, SK=SHARE#<sid>) ----------------------------------------------


def put_share(share: ShareItem) -> None:
    share.save(condition=ShareItem.pk.does_not_exist())


def query_shares(
    prompt_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[ShareItem], dict[str, Any] | None]:
    """A prompt's share links, newest first (a share id starts with its creation time)."""
    return page(
        ShareItem.query(
            prompt_pk(prompt_id),
            ShareItem.sk.startswith(SHARE_PREFIX),
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start,
        )
    )


def get_share(prompt_id: str, share_id: str) -> ShareItem | None:
    try:
        return ShareItem.get(prompt_pk(prompt_id), share_sk(share_id), consistent_read=True)
    except DoesNotExist:
        return None


def spend_share_view(prompt_id: str, share_id: str, token_hash: str, now: str) -> bool:
    """One view of a live link, counted in one conditional write: False (nothing written)
    when the link does not exist, the token does not match, or the link has ended."""
    live = (
        (ShareItem.token_hash == token_hash)
        & ShareItem.revoked_at.does_not_exist()
        & (ShareItem.ends_at > now)
        & (ShareItem.max_views.does_not_exist() | (ShareItem.views < ShareItem.max_views))
    )
    try:
        ShareItem(prompt_pk(prompt_id), share_sk(share_id)).update(
            actions=[ShareItem.views.add(1), ShareItem.last_viewed_at.set(now)], condition=live
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def revoke_share(prompt_id: str, share_id: str, now: str, swept_at: datetime) -> bool:
    """Mark a link revoked (it answers 410 until the TTL sweeps it); False when there is no
    such link or it was revoked already (nothing written)."""
    try:
        ShareItem(prompt_pk(prompt_id), share_sk(share_id)).update(
            actions=[ShareItem.revoked_at.set(now), ShareItem.expires_at.set(swept_at)],
            condition=ShareItem.pk.exists() & ShareItem.revoked_at.does_not_exist(),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


# --- export and import (issue 13, docs/imports.md) ---------------------------------------------


def query_all_versions(prompt_id: str) -> list[VersionItem]:
    """Every version of a prompt, oldest first (one Query per 1 MB page)."""
    return list(
        VersionItem.query(
            prompt_pk(prompt_id),
            VersionItem.sk.between(version_sk(1), version_sk(MAX_VERSION)),
        )
    )


def labels_of(prompt_ids: list[str]) -> dict[str, LabelsItem]:
    """The labels items of these prompts, by id: one BatchGetItem per 100 (none for none)."""
    keys = [(prompt_pk(pid), LABELS) for pid in dict.fromkeys(prompt_ids)]
    return {item.prompt_id: item for item in (LabelsItem.batch_get(keys) if keys else ())}


class WritesRefused(Exception):
    """A batched insert's transaction was cancelled by these conditions (positions in
    ``insert_many``'s order: each prompt's items, then the ``also`` writes)."""

    def __init__(self, positions: list[int]) -> None:
        super().__init__(positions)
        self.positions = positions


# A write another domain adds to a batched insert: (item, condition or None, update actions
# or None: an update instead of a put).
AlsoWrite = tuple[Item, Condition | None, list[Any] | None]


def insert_many(
    prompts: list[tuple[PromptItem, list[VersionItem], LabelsItem | None]],
    also: list[AlsoWrite],
) -> None:
    """Several new prompts (head, versions, slug guard, zeroed stats, labels) and the
    ``also`` writes in one TransactWriteItems: at most 100 writes, all or none. Every item
    is written as ``insert_prompt`` writes it, conditions included; WritesRefused names the
    positions whose condition failed: pynamodb sends the puts in the order written here,
    then the updates, so an ``also`` update counts after every put."""
    try:
        with transaction() as tx:
            for head, versions, labels in prompts:
                tx.save(head, condition=PromptItem.pk.does_not_exist())
                for version in versions:
                    tx.save(version, condition=VersionItem.pk.does_not_exist())
                tx.save(_guard(head), condition=SlugItem.pk.does_not_exist())
                tx.save(new_stats(head), condition=PromptStatsItem.pk.does_not_exist())
                if labels is not None:
                    tx.save(labels, condition=LabelsItem.pk.does_not_exist())
            for item, condition, actions in also:
                if actions is None:
                    tx.save(item, condition=condition)
                else:
                    tx.update(item, actions=actions, condition=condition)
    except TransactWriteError as error:
        raise WritesRefused(failed_conditions(error)) from error
