"""Engagement rules: only visible prompts can be engaged with; one rating per rater, which
its rater can always withdraw (and a bookmark its owner), even once the prompt is hidden.

Every endpoint writes one item (a fork writes one transaction); the counts are derived
from those items by the counters stream consumer (docs/streams.md), never written here.

Others' opinion only (issue 16, finding 8): a rating, bookmark or fork link of one's own
prompt is marked ``own`` when written, and the counter rules count it nowhere (not in the
prompt's stats, so not in its owner's reputation); one's own views and copies are not written
at all. A guest's rating is bounded per source: one guest rater per prompt, client network
(an IPv4 address or an IPv6 /64) and UTC day, held by a guard keyed by a keyed hash of the
three (the address itself is never stored); another guest id from there that day is 409.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import datetime, timedelta
from typing import Any

from promptvault.core.caller import Caller
from promptvault.core.clock import iso, now_iso, utcnow
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.errors import Conflict, NotFound, Unauthorized
from promptvault.core.secret import derived_key, server_secret
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
from promptvault.engagement.schemas import ForkIn, RatingGroup, RatingIn, RatingOut, RatingsOut
from promptvault.prompts import service as prompts


def guest_rater(guest_id: str) -> str:
    """A keyed hash: the stored value cannot be turned back into the client's guest id."""
    digest = hmac.new(server_secret(), b"guest-rater\x00" + guest_id.encode(), hashlib.sha256)
    return f"g:{digest.hexdigest()[:32]}"


# HKDF label of the guest-source key (core/secret.py: one label per use of the server secret)
GUEST_SOURCE_KEY = b"promptvault/guest-source/hmac-sha256/v1"
IPV6_SOURCE_PREFIX = 64  # one host is commonly given a whole /64: it is one source


def client_network(ip: str | None) -> str:
    """The source a guest rating is bounded by: an IPv4 address, or the /64 of an IPv6 one
    (an IPv4-mapped IPv6 address is its IPv4 address); anything else is one "unknown"."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_SOURCE_PREFIX}", strict=False))
    return str(address)


def guest_source(prompt_id: str, day: str, ip: str | None) -> str:
    """A keyed hash of prompt, UTC day and client network: the guard's key names neither the
    address nor, without the server secret, anything linkable across prompts or days."""
    message = f"{prompt_id}\x00{day}\x00{client_network(ip)}".encode()
    return hmac.new(derived_key(GUEST_SOURCE_KEY), message, hashlib.sha256).hexdigest()[:32]


def _hold_guest_source(prompt_id: str, rater: str, ip: str | None, now: datetime) -> None:
    source = guest_source(prompt_id, now.strftime("%Y-%m-%d"), ip)
    day_ends = datetime(now.year, now.month, now.day, tzinfo=now.tzinfo) + timedelta(days=1)
    if not repo.hold_guest_source(source, rater, day_ends + timedelta(days=1)):
        message = (
            "A guest has already rated this prompt from your network today: sign in to rate "
            "it, or rate again with that guestId"
        )
        raise Conflict(message, [{"field": "guestId", "message": message}])


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


def rate(
    caller: Caller | None, id_or_slug: str, body: RatingIn, client_ip: str | None = None
) -> RatingOut:
    """Signed in: the rating is marked ``own`` on one's own prompt (kept, shown as one's own,
    counted nowhere). As a guest: first the source's guard (409 when another guest id holds
    it today), then the rating."""
    rater = _require_rater(caller, body.guest_id)
    head = visible_prompt(id_or_slug, caller)
    moment = utcnow()
    now = iso(moment)
    if caller is None:
        _hold_guest_source(head.prompt_id, rater, client_ip, moment)
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
        if caller.user_id == head.owner_id:
            rating.own = True
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
    prompt_id = _prompt_id(id_or_slug, caller)
    if not repo.delete_rating(prompt_id, rater):
        visible_prompt(prompt_id, caller)


def ratings(caller: Caller | None, id_or_slug: str, guest_id: str | None) -> RatingsOut:
    prompt_id = _prompt_id(id_or_slug, caller)
    head, stats, mine = repo.read_ratings(prompt_id, rater_for(caller, guest_id))
    if head is None or not prompts.is_visible(head, caller):
        raise NotFound("No prompt with that id")
    return ratings_out(head.prompt_id, stats, mine)


def _group(count: int, total: int) -> RatingGroup:
    return RatingGroup(count=count, average=round(total / count, 2) if count > 0 else None)


def ratings_out(
    prompt_id: str, stats: PromptStatsItem | None, mine: RatingItem | None
) -> RatingsOut:
    """All counted ratings (others', signed in and guests), and the two groups apart; the
    caller's own rating as ``mine`` (an owner's rating of their own prompt is not counted)."""
    count = (stats.rating_count or 0) if stats else 0
    total = (stats.rating_sum or 0) if stats else 0
    guests = (stats.guest_rating_count or 0) if stats else 0
    guest_total = (stats.guest_rating_sum or 0) if stats else 0
    breakdown = {str(n): (getattr(stats, f"rating_{n}") or 0) if stats else 0 for n in range(1, 6)}
    overall = _group(count, total)
    return RatingsOut(
        prompt_id=prompt_id,
        average=overall.average,
        count=count,
        breakdown=breakdown,
        signed_in=_group(count - guests, total - guest_total),
        guest=_group(guests, guest_total),
        mine=mine.score if mine else None,
    )


def _prompt_id(id_or_slug: str, caller: Caller | None) -> str:
    """The id the route names, by the prompts' one rule (a slug hidden from the caller is
    404 like an unknown one, a deleted one 410); no read for an id."""
    ref = prompts.resolve_id(id_or_slug, caller)
    if ref is None:
        raise NotFound("No prompt with that id")
    return ref.prompt_id


def record_usage(caller: Caller | None, id_or_slug: str, kind: str) -> str:
    """A view or copy; the owner's own (signed in) is accepted and not recorded."""
    head = visible_prompt(id_or_slug, caller)
    if caller is None or caller.user_id != head.owner_id:
        repo.record_usage(head.prompt_id, kind, utcnow())
    return head.prompt_id


def bookmark(caller: Caller, id_or_slug: str) -> str:
    """Bookmarking one's own prompt works (it is one's list) and is marked ``own``."""
    head = visible_prompt(id_or_slug, caller)
    own = caller.user_id == head.owner_id
    repo.put_bookmark(caller.user_id, head.prompt_id, now_iso(), own=own)
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
    """A new prompt of the caller's with the original's current version as its version 1.

    Issue 16, finding 2: a fork of a prompt the caller cannot list publicly (anything but
    public and published, unless it is the caller's own) starts private whatever the request
    asks, so a fork never publishes what its original's owner did not; the fork records
    whether the original was listed (``forkedFrom`` is shown to others only then), and its
    version 1 does not name the original (others who see the fork see its versions)."""
    original = visible_prompt(id_or_slug, caller)
    listed = prompts.is_listed(original)
    mine = caller.user_id == original.owner_id
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
                own=True if mine else None,  # counted nowhere (finding 8)
            )
        ]

    return prompts.insert_new_prompt(
        caller.user_id,
        content,
        body.visibility if listed or mine else "private",
        body.status,
        forked_from=ForkedFrom(id=original.prompt_id, version=original.version, listed=listed),
        change_message=f"Forked from version {original.version}",
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
        if mine or prompts.is_listed(head):
            listed.append((head, stats))
    return listed, page_meta(last, scope)
