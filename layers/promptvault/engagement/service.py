"""Engagement rules: only visible prompts can be engaged with; one rating per rater, which
its rater can always withdraw (and a bookmark its owner), even once the prompt is hidden.

Every endpoint writes one item (a fork writes one transaction); the counts are derived
from those items by the counters stream consumer (docs/streams.md), never written here.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from promptvault.core.caller import Caller
from promptvault.core.clock import now_iso, utcnow
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.errors import NotFound, Unauthorized
from promptvault.core.secret import server_secret
from promptvault.data.models import (
    ForkedFrom,
    ForkItem,
    Item,
    PromptItem,
    PromptStatsItem,
    RatingItem,
    prompt_pk,
)
from promptvault.engagement import repository as repo
from promptvault.engagement.schemas import ForkIn, RatingIn, RatingOut, RatingsOut
from promptvault.prompts import service as prompts


def guest_rater(guest_id: str) -> str:
    """A keyed hash: the stored value cannot be turned back into the client's guest id."""
    digest = hmac.new(server_secret(), b"guest-rater\x00" + guest_id.encode(), hashlib.sha256)
    return f"g:{digest.hexdigest()[:32]}"


def rater_for(caller: Caller | None, guest_id: str | None) -> str | None:
    if caller is not None:
        return f"u:{caller.user_id}"
    return guest_rater(guest_id) if guest_id else None


def _require_rater(caller: Caller | None, guest_id: str | None) -> str:
    rater = rater_for(caller, guest_id)
    if rater is None:
        raise Unauthorized("Sign in, or send a guestId, to rate")
    return rater


def visible_prompt(id_or_slug: str, caller: Caller | None) -> PromptItem:
    return prompts.find_prompt(id_or_slug, caller)


def rate(caller: Caller | None, id_or_slug: str, body: RatingIn) -> RatingOut:
    rater = _require_rater(caller, body.guest_id)
    head = visible_prompt(id_or_slug, caller)
    now = now_iso()
    rating = RatingItem(
        prompt_pk(head.prompt_id),
        repo.rating_sk(rater),
        prompt_id=head.prompt_id,
        rater=rater,
        score=body.score,
        updated_at=now,
    )
    if caller is not None:  # findable by rater (account deletion); guests are not
        rating.gsi1pk = repo.ratings_gsi1pk(caller.user_id)
        rating.gsi1sk = f"{now}#{head.prompt_id}"
    repo.save_rating(rating)  # re-rating replaces: same key
    return RatingOut(
        prompt_id=head.prompt_id, score=body.score, rater="user" if caller else "guest"
    )


def unrate(caller: Caller | None, id_or_slug: str, guest_id: str | None) -> None:
    """One's own rating can always be withdrawn while it exists, whatever the prompt's
    visibility has become (it still counts). Without one, the answer is the visibility
    check's: 204 (nothing to do) on a prompt the caller may see, 404 otherwise, so a prompt
    one never rated reveals nothing."""
    rater = _require_rater(caller, guest_id)
    prompt_id = _prompt_id(id_or_slug)
    if not repo.delete_rating(prompt_id, rater):
        visible_prompt(prompt_id, caller)


def ratings(caller: Caller | None, id_or_slug: str, guest_id: str | None) -> RatingsOut:
    prompt_id = _prompt_id(id_or_slug)
    head, stats, mine = repo.read_ratings(prompt_id, rater_for(caller, guest_id))
    if head is None or not prompts.is_visible(head, caller):
        raise NotFound("No prompt with that id")
    return ratings_out(head.prompt_id, stats, mine)


def ratings_out(
    prompt_id: str, stats: PromptStatsItem | None, mine: RatingItem | None
) -> RatingsOut:
    count = stats.rating_count if stats else 0
    breakdown = {str(n): (getattr(stats, f"rating_{n}") or 0) if stats else 0 for n in range(1, 6)}
    average = round(stats.rating_sum / count, 2) if stats and count > 0 else None
    return RatingsOut(
        prompt_id=prompt_id,
        average=average,
        count=count,
        breakdown=breakdown,
        mine=mine.score if mine else None,
    )


def _prompt_id(id_or_slug: str) -> str:
    prompt_id = prompts.resolve_id(id_or_slug)
    if prompt_id is None:
        raise NotFound("No prompt with that id")
    return prompt_id


def record_usage(caller: Caller | None, id_or_slug: str, kind: str) -> str:
    head = visible_prompt(id_or_slug, caller)
    repo.record_usage(head.prompt_id, kind, utcnow())
    return head.prompt_id


def bookmark(caller: Caller, id_or_slug: str) -> str:
    head = visible_prompt(id_or_slug, caller)
    repo.put_bookmark(caller.user_id, head.prompt_id, now_iso())
    return head.prompt_id


def unbookmark(caller: Caller, prompt_id: str) -> None:
    """No visibility check: one can always drop a bookmark, even of a prompt gone private."""
    if not prompts.is_prompt_id(prompt_id):
        raise NotFound("No prompt with that id")
    repo.delete_bookmark(caller.user_id, prompt_id)


def my_bookmarks(
    caller: Caller, cursor: str | None, limit: int
) -> tuple[list[tuple[str, PromptItem, PromptStatsItem | None]], dict[str, Any]]:
    """Newest first; bookmarks of prompts deleted or no longer visible are left out."""
    scope = f"bookmarks:{caller.user_id}"
    marks, last = repo.query_bookmarks(caller.user_id, limit, decode_cursor(cursor, scope))
    found = repo.heads_with_stats(m.prompt_id for m in marks) if marks else {}
    entries = [
        (m.created_at, *found[m.prompt_id])
        for m in marks
        if m.prompt_id in found and prompts.is_visible(found[m.prompt_id][0], caller)
    ]
    return entries, page_meta(last, scope)


def fork(caller: Caller, id_or_slug: str, body: ForkIn) -> PromptItem:
    """A new prompt of the caller's with the original's current version as its version 1."""
    original = visible_prompt(id_or_slug, caller)
    content = prompts.content_of(original)
    content["title"] = body.title or original.title

    def link(fork: PromptItem) -> list[Item]:
        return [
            ForkItem(
                prompt_pk(original.prompt_id),
                repo.fork_sk(fork.created_at, fork.prompt_id),
                prompt_id=original.prompt_id,
                fork_id=fork.prompt_id,
                owner_id=caller.user_id,
                created_at=fork.created_at,
            )
        ]

    return prompts.insert_new_prompt(
        caller.user_id,
        content,
        body.visibility,
        body.status,
        forked_from=ForkedFrom(id=original.prompt_id, version=original.version),
        change_message=f"Forked from {original.prompt_id} v{original.version}",
        linked=link,
    )


def forks(
    caller: Caller | None, id_or_slug: str, cursor: str | None, limit: int
) -> tuple[list[tuple[PromptItem, PromptStatsItem | None]], dict[str, Any]]:
    """Forks others may see (public and published), plus the caller's own."""
    original = visible_prompt(id_or_slug, caller)
    scope = f"forks:{original.prompt_id}"
    links, last = repo.query_forks(original.prompt_id, limit, decode_cursor(cursor, scope))
    found = repo.heads_with_stats(link.fork_id for link in links) if links else {}
    listed = []
    for link in links:
        if link.fork_id not in found:
            continue
        head, stats = found[link.fork_id]
        mine = caller is not None and caller.user_id == head.owner_id
        if mine or (head.visibility == "public" and head.status == "published"):
            listed.append((head, stats))
    return listed, page_meta(last, scope)
