"""The counters consumer: every count derived from entity items, applied exactly once.

A counted entity is one row of ``COUNTERS``: which items (their ``type``), which counter
item they count on, and the deltas one stream record contributes. A record's deltas come
from its images alone (INSERT / MODIFY / REMOVE, old and new), so replaying any record in
any order gives the same sums; the processed-event marker makes each record count once.

Exactly once: for each counter item, the batch's records become one TransactWriteItems
of up to 99 marker Puts (``attribute_not_exists``) and one Update that ADDs the summed
deltas. A marker that already exists cancels the transaction; those records were applied
before (a redelivery), so they are dropped and the rest retried. See docs/streams.md.

Counters never create their counter item: the Update is conditional on
``attribute_exists(PK)``. A prompt's stats item is created with the prompt and deleted with
it, a profile with the account (follower and following counts included: a follow's REMOVE
after its account is gone is dropped); once gone it never comes back (ids are never reused), so a
record whose counter item is gone is dropped, counted as applied: no retry, no poison, and
no deleted prompt's counters or deleted account's profile resurrected by a late ADD.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from promptvault.streams.records import Change, Image, partial_batch
from promptvault.users import reputation as reputation_rules

Deltas = dict[str, int]
Key = tuple[str, str]

MARKER_TTL_SECONDS = 3 * 24 * 3600  # beyond the stream's 24 h retention and the retry window
MAX_EVENTS_PER_TRANSACTION = 99  # TransactWriteItems takes 100 items: markers + the update


# Counter items whose ``updates`` attribute orders their versions (the search index reads
# the stats item's images); a profile needs no version.
VERSIONED_TYPES = frozenset({"Stats"})


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


def _before_after(change: Change) -> tuple[Image | None, Image | None]:
    before = None if change.event_name == "INSERT" else change.old
    after = None if change.event_name == "REMOVE" else change.new
    return before, after


def presence(name: str) -> Callable[[Change], Deltas]:
    """The item's existence counts: +1 when it appears, -1 when it goes."""

    def deltas(change: Change) -> Deltas:
        if change.event_name == "INSERT":
            return {name: 1}
        if change.event_name == "REMOVE":
            return {name: -1}
        return {}

    return deltas


def usage(change: Change) -> Deltas:
    """Views and copies are events: only the INSERT counts; their TTL expiry is no un-view."""
    if change.event_name != "INSERT":
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


def rating(change: Change) -> Deltas:
    """Count, sum and per-score breakdown from the old and the new score."""
    before, after = _score(change.old), _score(change.new)
    if change.event_name == "INSERT":
        before = None
    if change.event_name == "REMOVE":
        after = None
    deltas: Deltas = {}
    for score, sign in ((before, -1), (after, 1)):
        if score is not None:
            deltas["ratingCount"] = deltas.get("ratingCount", 0) + sign
            deltas["ratingSum"] = deltas.get("ratingSum", 0) + sign * score
            deltas[f"rating{score}"] = deltas.get(f"rating{score}", 0) + sign
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
    if head is None:
        return 0
    return int(head.get("visibility") == "public" and head.get("status") == "published")


def public_prompts(change: Change) -> Deltas:
    """A head entered (+1) or left (-1) public + published: created, edited or deleted."""
    before, after = _before_after(change)
    moved = _listed(after) - _listed(before)
    return {"publicPrompts": moved} if moved else {}


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
)


def counted_entities() -> frozenset[str]:
    return frozenset(counter.entity for counter in COUNTERS)


@dataclass
class Pending:
    """The records of one batch that land on one counter item, in stream order."""

    target_type: str
    events: dict[str, tuple[str, Deltas]] = field(default_factory=dict)  # eventID -> (seq, Δ)


class CounterStore(Protocol):
    def apply(self, target: Key, target_type: str, events: list[tuple[str, Deltas]]) -> list[str]:
        """Apply the events' deltas and markers atomically, skipping events already applied;
        never create the counter item (when it does not exist, the events are dropped).

        Returns the ids of events found already applied or dropped. Raises when nothing was
        applied for another reason."""
        ...


def marker_sk(target: Key) -> str:
    """The marker's sort key names its counter item; a profile only by a hash, so that no
    marker names a user id after the account is deleted (they live 3 days)."""
    if target[0].startswith("USER#"):
        digest = hashlib.sha256(f"{target[0]}#{target[1]}".encode()).hexdigest()[:32]
        return f"FOR#h:{digest}"
    return f"FOR#{target[0]}#{target[1]}"


class CounterPlan:
    def __init__(self, counters: tuple[Counter, ...] = COUNTERS) -> None:
        self._by_entity: dict[str, list[Counter]] = {}
        for counter in counters:
            self._by_entity.setdefault(counter.entity, []).append(counter)
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

    def flush(self, store: CounterStore) -> set[str]:
        """Apply everything; the sequence numbers of records whose counter item failed."""
        failed: set[str] = set()
        for target, pending in self.pending.items():
            items = list(pending.events.items())
            for start in range(0, len(items), MAX_EVENTS_PER_TRANSACTION):
                chunk = items[start : start + MAX_EVENTS_PER_TRANSACTION]
                try:
                    store.apply(target, pending.target_type, [(eid, d) for eid, (_, d) in chunk])
                except Exception:
                    from aws_lambda_powertools import Logger

                    Logger(service="promptvault").exception("counter update failed", target=target)
                    failed.update(seq for _, (seq, _) in chunk)
        return failed


class DynamoCounterStore:
    """Markers and the ADD in one TransactWriteItems (boto3, low level)."""

    def __init__(self, table: str, client: Any) -> None:
        self.table = table
        self.client = client

    def apply(self, target: Key, target_type: str, events: list[tuple[str, Deltas]]) -> list[str]:
        skipped: list[str] = []
        remaining = list(events)
        while remaining:
            try:
                self.client.transact_write_items(
                    TransactItems=self._items(target, target_type, remaining)
                )
                return skipped
            except self.client.exceptions.TransactionCanceledException as error:
                reasons = error.response.get("CancellationReasons") or []
                done = {
                    remaining[i][0]
                    for i, reason in enumerate(reasons[: len(remaining)])
                    if reason.get("Code") == "ConditionalCheckFailed"
                }
                if done:  # applied before (redelivered): drop them, retry the rest
                    skipped.extend(done)
                    remaining = [(eid, d) for eid, d in remaining if eid not in done]
                    continue
                update = reasons[len(remaining)] if len(reasons) > len(remaining) else {}
                if update.get("Code") == "ConditionalCheckFailed":
                    # the counter item is gone for good (deleted prompt or account): dropped
                    skipped.extend(eid for eid, _ in remaining)
                    return skipped
                raise
        return skipped

    def _items(
        self, target: Key, target_type: str, events: list[tuple[str, Deltas]]
    ) -> list[dict[str, Any]]:
        expires = str(int(time.time()) + MARKER_TTL_SECONDS)
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": {
                        "PK": {"S": f"EVENT#{event_id}"},
                        "SK": {"S": marker_sk(target)},
                        "type": {"S": "ProcessedEvent"},
                        "expiresAt": {"N": expires},
                    },
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
            for event_id, _ in events
        ]
        totals: Deltas = {}
        for _, deltas in events:
            for name, value in deltas.items():
                totals[name] = totals.get(name, 0) + value
        if target_type in VERSIONED_TYPES:
            totals["updates"] = 1  # orders the counter item's versions (the search doc version)
        names = {f"#c{i}": name for i, name in enumerate(totals)}
        values: dict[str, Any] = {
            f":c{i}": {"N": str(totals[name])} for i, name in enumerate(totals)
        }
        values[":type"] = {"S": target_type}
        adds = ", ".join(f"#c{i} :c{i}" for i in range(len(totals)))
        items.append(
            {
                "Update": {
                    "TableName": self.table,
                    "Key": {"PK": {"S": target[0]}, "SK": {"S": target[1]}},
                    "UpdateExpression": f"ADD {adds} SET #type = :type",
                    "ConditionExpression": "attribute_exists(PK)",  # never (re)create it
                    "ExpressionAttributeNames": {**names, "#type": "type"},
                    "ExpressionAttributeValues": values,
                }
            }
        )
        return items


def default_store() -> DynamoCounterStore:
    import boto3

    from promptvault.settings import get_settings

    settings = get_settings()
    client = boto3.client(
        "dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint
    )
    return DynamoCounterStore(settings.table_name, client)


_store: CounterStore | None = None


def handle(event: dict[str, Any], _context: Any = None, store: CounterStore | None = None) -> Any:
    """Lambda entry: partial batch response, one transaction per counter item per batch."""
    global _store
    if store is None:
        _store = _store or default_store()
        store = _store
    plan = CounterPlan()
    chosen = store
    return partial_batch(event.get("Records") or [], plan.add, lambda: plan.flush(chosen))
