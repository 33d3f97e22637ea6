"""The counter rules: which stream record changes which counter, and by how much.

A counted entity is one row of ``COUNTERS``: which items (their ``type``), which counter
item they count on, and the deltas one stream record contributes. A record's deltas come
from its images alone (INSERT / MODIFY / REMOVE, old and new), so replaying any record in
any order gives the same sums; the exactly-once protocol (``streams/exactly_once.py``) makes
each record count once. ``CounterPlan`` groups one batch's deltas by counter item. Pure: no
table access here. See docs/streams.md.

One's own engagement counts nowhere (issue 16, finding 8): the engagement service marks a
rating, bookmark or fork link of one's own prompt ``own`` when it writes it (it knows the
prompt's owner; this module does not know who acted), and an image so marked contributes to
no counter, so neither to the prompt's public stats nor, through them, to its owner's
reputation. A change of the mark (a rating written before the mark existed, re-rated by the
owner) moves the counters like any other change of an image.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from promptvault.streams.records import Change, Image
from promptvault.users import reputation as reputation_rules

Deltas = dict[str, int]
Key = tuple[str, str]
# What an aggregate counter item is made with when its first count creates it (and what every
# later update sets again, unchanged): the attributes that list it (GSI1 keys), name it and
# expire it. ``None``: the counter item must already exist (stats, profiles).
Seed = dict[str, Any]


def prompt_stats(image: Image) -> Key:
    return f"PROMPT#{image['promptId']}", "STATS"


def owner_profile(image: Image) -> Key:
    """The profile of the owner named by a prompt head or a stats item (``ownerId``)."""
    return f"USER#{image['ownerId']}", "PROFILE"


def followee_profile(image: Image) -> Key:
    """The profile of the user a follow item points at (``followeeId``)."""
    return f"USER#{image['followeeId']}", "PROFILE"


def follower_profile(image: Image) -> Key:
    """The profile of the user who follows (``followerId``)."""
    return f"USER#{image['followerId']}", "PROFILE"


def _comment_key(prompt_id: object, comment_id: object) -> Key:
    """A comment's item: ``cm_`` + the prompt's 32 hex digits + its local id (comments/
    service.py), in the prompt's partition."""
    return f"PROMPT#{prompt_id}", f"COMMENT#{str(comment_id)[35:]}"


def liked_comment(image: Image) -> Key:
    """The comment (or reply) a like item points at."""
    return _comment_key(image["promptId"], image["commentId"])


def thread_comment(image: Image) -> Key:
    """The top-level comment a reply belongs to (``parentId``)."""
    return _comment_key(image["promptId"], image["parentId"])


def _before_after(change: Change) -> tuple[Image | None, Image | None]:
    before = None if change.event_name == "INSERT" else change.old
    after = None if change.event_name == "REMOVE" else change.new
    return before, after


def counted(image: Image | None) -> bool:
    """Whether an item image counts: it exists and is not one's own engagement (``own``)."""
    return image is not None and not image.get("own")


def presence(name: str) -> Callable[[Change], Deltas]:
    """The item's existence counts: +1 when it appears, -1 when it goes (an image marked
    ``own`` is as if absent)."""

    def deltas(change: Change) -> Deltas:
        before, after = _before_after(change)
        moved = int(counted(after)) - int(counted(before))
        return {name: moved} if moved else {}

    return deltas


def when(
    test: Callable[[Image], bool], rule: Callable[[Change], Deltas]
) -> Callable[[Change], Deltas]:
    """``rule`` for the items ``test`` holds of (an item never changes what it is)."""

    def deltas(change: Change) -> Deltas:
        return rule(change) if test(change.image) else {}

    return deltas


def _on_reply(image: Image) -> bool:
    return bool(image.get("onReply"))


def usage(change: Change) -> Deltas:
    """Views and copies are events: only the INSERT counts; their TTL expiry is no un-view."""
    if change.event_name != "INSERT" or not counted(change.image):
        return {}
    kind = change.image.get("kind")
    return {"views": 1} if kind == "view" else {"copies": 1} if kind == "copy" else {}


def _score(image: Image | None) -> int | None:
    if image is None or image.get("score") is None:
        return None
    score = int(image["score"])
    if not 1 <= score <= 5:
        raise ValueError(f"rating score {score} is out of range")
    return score


def _is_guest(image: Image) -> bool:
    return str(image.get("rater", "")).startswith("g:")


def rating(change: Change) -> Deltas:
    """Count, sum and per-score breakdown from the old and the new image's score; guests'
    ratings also count apart (``guestRatingCount``, ``guestRatingSum``); an image marked
    ``own`` (the owner's rating of their own prompt) counts nowhere."""
    before, after = _before_after(change)
    deltas: Deltas = {}

    def add(name: str, value: int) -> None:
        deltas[name] = deltas.get(name, 0) + value

    for image, sign in ((before, -1), (after, 1)):
        score = _score(image) if counted(image) else None
        if image is None or score is None:
            continue
        add("ratingCount", sign)
        add("ratingSum", sign * score)
        add(f"rating{score}", sign)
        if _is_guest(image):
            add("guestRatingCount", sign)
            add("guestRatingSum", sign * score)
    return {name: value for name, value in deltas.items() if value}


def reputation(change: Change) -> Deltas:
    """A prompt's stats item changed: its owner's reputation moves by the difference of the
    points before and after (users/reputation.py). Summed over all of a stats item's records
    this telescopes to the points of its last image (0 once deleted), in any order."""
    if not change.image.get("ownerId"):
        return {}  # a stats item written before owners were recorded: nobody to credit
    before, after = _before_after(change)
    moved = reputation_rules.delta(before, after)
    return {"reputation": moved} if moved else {}


def _listed(head: Image | None) -> int:
    """Public, published and not hidden (prompts/service.py ``is_listed``)."""
    if head is None:
        return 0
    hidden = (head.get("moderation") or {}).get("action") == "hide"
    return int(head.get("visibility") == "public" and head.get("status") == "published") * int(
        not hidden
    )


def public_prompts(change: Change) -> Deltas:
    """A head entered (+1) or left (-1) public + published: created, edited or deleted."""
    before, after = _before_after(change)
    moved = _listed(after) - _listed(before)
    return {"publicPrompts": moved} if moved else {}


# --- aggregates over public prompts: tags and categories (issue 12) ---------------------------

TAG_DAY_TTL_SECONDS = 40 * 24 * 3600  # beyond the longest popularity window (30 days)


def _facet(head: Image | None, name: str) -> set[str]:
    """A head's tags (or its category) as counted: only while it is public and published."""
    if not _listed(head):
        return set()
    assert head is not None
    value = head.get(name)
    if name == "category":
        return {str(value)} if value else set()
    return {str(tag) for tag in value or ()}


def _moved(change: Change, name: str) -> tuple[set[str], set[str]]:
    """What the change added to and took from the counted facet (tags or category)."""
    before, after = _before_after(change)
    was, now = _facet(before, name), _facet(after, name)
    return now - was, was - now


def tag_counts(change: Change) -> list[tuple[Key, Deltas, Seed]]:
    """Each tag's count of public, published prompts: +1 when a head starts counting it
    (created, published, tagged), -1 when it stops (edited away, hidden, deleted)."""
    added, removed = _moved(change, "tags")
    return [
        ((f"TAG#{tag}", "COUNT"), {"count": sign}, {"tag": tag, "GSI1PK": "TAGS", "GSI1SK": tag})
        for tags, sign in ((added, 1), (removed, -1))
        for tag in sorted(tags)
    ]


def category_counts(change: Change) -> list[tuple[Key, Deltas, Seed]]:
    """Each category's count of public, published prompts, as ``tag_counts``."""
    added, removed = _moved(change, "category")
    return [
        ((f"CATEGORY#{slug}", "COUNT"), {"count": sign}, {"category": slug})
        for slugs, sign in ((added, 1), (removed, -1))
        for slug in sorted(slugs)
    ]


def tag_days(change: Change) -> list[tuple[Key, Deltas, Seed]]:
    """A tag's uses per UTC day: +1 on the day a public, published head starts counting it
    (its ``updatedAt``: the same on every delivery of the record). Only additions: the
    popularity of a window is what was tagged in it; removals do not un-happen."""
    added, _ = _moved(change, "tags")
    if not added or change.new is None:
        return []
    moment = str(change.new.get("updatedAt") or change.new.get("createdAt") or "")
    try:
        day = datetime.fromisoformat(moment).astimezone(UTC)
    except ValueError:
        return []  # a head without a time (none is written so): nothing to date it by
    expires = int(day.timestamp()) + TAG_DAY_TTL_SECONDS
    return [
        (
            (f"TAGDAY#{day.date().isoformat()}", f"TAG#{tag}"),
            {"uses": 1},
            {"tag": tag, "expiresAt": expires},
        )
        for tag in sorted(added)
    ]


@dataclass(frozen=True, slots=True)
class Aggregate:
    """A counted entity whose records move several counter items, which the first count
    creates (with its ``Seed``) instead of requiring them to exist."""

    entity: str
    spread: Callable[[Change], list[tuple[Key, Deltas, Seed]]]
    target_type: str


AGGREGATES: tuple[Aggregate, ...] = (
    Aggregate("Prompt", tag_counts, "TagCount"),
    Aggregate("Prompt", category_counts, "CategoryCount"),
    Aggregate("Prompt", tag_days, "TagDay"),
)


@dataclass(frozen=True, slots=True)
class Counter:
    entity: str  # the counted items' ``type``
    target: Callable[[Image], Key]  # the counter item the deltas land on
    deltas: Callable[[Change], Deltas]
    target_type: str = "Stats"  # the counter item's ``type`` (pynamodb discriminator)


# Adding a counted entity is one row. Reputation is second-hand: engagement moves a prompt's
# stats item, and the stats item's own records move its owner's profile.
COUNTERS: tuple[Counter, ...] = (
    Counter("Rating", prompt_stats, rating),
    Counter("Bookmark", prompt_stats, presence("bookmarks")),
    Counter("Fork", prompt_stats, presence("forks")),
    Counter("Usage", prompt_stats, usage),
    Counter("Stats", owner_profile, reputation, target_type="User"),
    Counter("Prompt", owner_profile, public_prompts, target_type="User"),
    Counter("Follow", followee_profile, presence("followers"), target_type="User"),
    Counter("Follow", follower_profile, presence("following"), target_type="User"),
    # comments (issue 12): a like counts on its comment, a reply on its thread's comment; the
    # counter item keeps its own type (a reply's likes land on a Reply)
    Counter(
        "CommentLike",
        liked_comment,
        when(lambda image: not _on_reply(image), presence("likes")),
        target_type="Comment",
    ),
    Counter("CommentLike", liked_comment, when(_on_reply, presence("likes")), target_type="Reply"),
    Counter("Reply", thread_comment, presence("replyCount"), target_type="Comment"),
)


def counted_entities() -> frozenset[str]:
    return frozenset(counter.entity for counter in COUNTERS) | frozenset(
        aggregate.entity for aggregate in AGGREGATES
    )


@dataclass
class Pending:
    """The records of one batch that land on one counter item, in stream order."""

    target_type: str
    events: dict[str, tuple[str, Deltas]] = field(default_factory=dict)  # eventID -> (seq, Δ)
    seed: Seed | None = None  # an aggregate's: the first count creates the item with it


class CounterPlan:
    """One batch's deltas, grouped by the counter item they land on."""

    def __init__(
        self,
        counters: tuple[Counter, ...] = COUNTERS,
        aggregates: tuple[Aggregate, ...] = AGGREGATES,
    ) -> None:
        self._by_entity: dict[str, list[Counter]] = {}
        for counter in counters:
            self._by_entity.setdefault(counter.entity, []).append(counter)
        self._aggregates: dict[str, list[Aggregate]] = {}
        for aggregate in aggregates:
            self._aggregates.setdefault(aggregate.entity, []).append(aggregate)
        self.pending: dict[Key, Pending] = {}

    def add(self, change: Change) -> None:
        for counter in self._by_entity.get(change.entity or "", ()):
            deltas = counter.deltas(change)
            if not deltas:
                continue
            target = counter.target(change.image)
            pending = self.pending.setdefault(target, Pending(counter.target_type))
            # A record repeated inside one batch (a redelivery) is the same event: once.
            pending.events.setdefault(change.event_id, (change.sequence, deltas))
        for aggregate in self._aggregates.get(change.entity or "", ()):
            for target, deltas, seed in aggregate.spread(change):
                pending = self.pending.setdefault(target, Pending(aggregate.target_type))
                pending.seed = seed
                pending.events.setdefault(change.event_id, (change.sequence, deltas))
