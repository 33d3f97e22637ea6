"""Engagement persistence. One write per engagement; counting is the counters consumer's job.

AWS calls (asserted in tests/integration/test_aws_calls.py): rate / view / copy / bookmark
1 GetItem (visibility) + 1 write (a guest's rating first 1 conditional PutItem of its source
guard; one's own view or copy no write at all); unrate 1 conditional DeleteItem (plus 1
GetItem for the visibility answer when there was no rating to withdraw); unbookmark 1
DeleteItem; ratings 1 BatchGetItem (head, stats and the caller's rating together); fork 1
GetItem + 1 TransactWriteItems.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, PutError

from promptvault.core.ids import short_suffix
from promptvault.data.models import (
    META,
    STATS,
    BookmarkItem,
    ForkItem,
    GuardItem,
    Item,
    PromptItem,
    PromptStatsItem,
    RatingItem,
    UsageItem,
    prompt_pk,
)

USAGE_TTL = timedelta(days=2)  # longer than the stream's 24 h retention: counted before expiry


def rating_sk(rater: str) -> str:
    return f"RATING#{rater}"


def bookmark_keys(user_id: str, prompt_id: str) -> tuple[str, str]:
    return f"USER#{user_id}", f"BOOKMARK#{prompt_id}"


def ratings_gsi1pk(user_id: str) -> str:
    """A signed-in rater's ratings (GSI1): what account deletion queries."""
    return f"RATINGS#{user_id}"


def bookmarks_gsi1pk(user_id: str) -> str:
    return f"BOOKMARKS#{user_id}"


def fork_sk(created_at: str, fork_id: str) -> str:
    return f"FORK#{created_at}#{fork_id}"


def save_rating(rating: RatingItem) -> None:
    rating.save()


def guest_source_pk(source: str) -> str:
    """A guest-source guard's key: ``source`` is a keyed hash of prompt, day and network."""
    return f"GUESTSOURCE#{source}"


def hold_guest_source(source: str, rater: str, expires: datetime) -> bool:
    """Take the source's one guest slot for ``rater``; False when another guest holds it.

    One conditional PutItem: it succeeds when the guard is new or already ``rater``'s (a
    re-rating), so it is idempotent and needs no read. Written before the rating, so a
    crash in between leaves a slot the same guest can still use."""
    guard = GuardItem(guest_source_pk(source), "GUARD", rater=rater, expires_at=expires)
    try:
        guard.save(condition=GuardItem.pk.does_not_exist() | (GuardItem.rater == rater))
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def delete_rating(prompt_id: str, rater: str) -> bool:
    """Whether there was a rating to delete (one conditional DeleteItem)."""
    try:
        RatingItem(prompt_pk(prompt_id), rating_sk(rater)).delete(condition=RatingItem.pk.exists())
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def read_ratings(
    prompt_id: str, rater: str | None
) -> tuple[PromptItem | None, PromptStatsItem | None, RatingItem | None]:
    """Head, stats and the caller's rating in one BatchGetItem."""
    pk = prompt_pk(prompt_id)
    keys = [(pk, META), (pk, STATS)] + ([(pk, rating_sk(rater))] if rater else [])
    found = {item.sk: item for item in Item.batch_get(keys)}
    head, stats = found.get(META), found.get(STATS)
    mine = found.get(rating_sk(rater)) if rater else None
    return (
        head if isinstance(head, PromptItem) else None,
        stats if isinstance(stats, PromptStatsItem) else None,
        mine if isinstance(mine, RatingItem) else None,
    )


def heads_with_stats(
    prompt_ids: Iterable[str],
) -> dict[str, tuple[PromptItem, PromptStatsItem | None]]:
    """Heads and their stats by prompt id, in one BatchGetItem per 50 prompts."""
    keys = [(prompt_pk(pid), sk) for pid in dict.fromkeys(prompt_ids) for sk in (META, STATS)]
    heads: dict[str, PromptItem] = {}
    stats: dict[str, PromptStatsItem] = {}
    for item in Item.batch_get(keys):
        pid = item.pk.removeprefix("PROMPT#")
        if isinstance(item, PromptItem):
            heads[pid] = item
        elif isinstance(item, PromptStatsItem):
            stats[pid] = item
    return {pid: (head, stats.get(pid)) for pid, head in heads.items()}


def record_usage(prompt_id: str, kind: str, now: datetime) -> None:
    """One small item with a TTL: the stream's INSERT is what gets counted."""
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    UsageItem(
        prompt_pk(prompt_id),
        f"{kind.upper()}#{stamp}#{short_suffix(4)}",
        prompt_id=prompt_id,
        kind=kind,
        expires_at=now + USAGE_TTL,
    ).save()


def put_bookmark(user_id: str, prompt_id: str, now: str, own: bool = False) -> None:
    """Idempotent: an existing bookmark keeps its date (the failed condition is the no-op).
    ``own``: a bookmark of one's own prompt, marked so that it is counted nowhere."""
    pk, sk = bookmark_keys(user_id, prompt_id)
    item = BookmarkItem(
        pk,
        sk,
        user_id=user_id,
        prompt_id=prompt_id,
        created_at=now,
        gsi1pk=bookmarks_gsi1pk(user_id),
        gsi1sk=f"{now}#{prompt_id}",
        own=True if own else None,
    )
    try:
        item.save(condition=BookmarkItem.pk.does_not_exist())
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def delete_bookmark(user_id: str, prompt_id: str) -> None:
    BookmarkItem(*bookmark_keys(user_id, prompt_id)).delete()


def query_bookmarks(
    user_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[BookmarkItem], dict[str, Any] | None]:
    results = BookmarkItem.by_owner.query(
        bookmarks_gsi1pk(user_id), scan_index_forward=False, limit=limit, last_evaluated_key=start
    )
    items = [item for item in results if isinstance(item, BookmarkItem)]
    return items, results.last_evaluated_key


def query_forks(
    prompt_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[ForkItem], dict[str, Any] | None]:
    results = ForkItem.query(
        prompt_pk(prompt_id),
        ForkItem.sk.startswith("FORK#"),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
    )
    items = [item for item in results if isinstance(item, ForkItem)]
    return items, results.last_evaluated_key
