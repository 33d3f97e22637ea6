"""The counters consumer: every count derived from entity items, applied exactly once.

A counted entity is one row of ``COUNTERS``: which items (their ``type``), which counter
item they count on, and the deltas one stream record contributes. A record's deltas come
from its images alone (INSERT / MODIFY / REMOVE, old and new), so replaying any record in
any order gives the same sums; the processed-event marker makes each record count once.

Exactly once, one write per event and one per counter update (``apply``): for each counter
item, the batch's records become one conditional UpdateItem that ADDs the summed deltas and
keeps the digests of its events in ``lastEvents``; the events of the previous update get
their processed-event markers just before, so an applied event is always findable and a
redelivered one is skipped. No transaction: an item write costs 1 unit, not 2. See
docs/streams.md.

Counters never create their counter item: the update is conditional on the item existing
(at the version read). A prompt's stats item is created with the prompt and deleted with
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

from promptvault.data.batches import batch_get, batch_put
from promptvault.streams.records import Change, Image, partial_batch
from promptvault.users import reputation as reputation_rules

Deltas = dict[str, int]
Key = tuple[str, str]

MARKER_TTL_SECONDS = 3 * 24 * 3600  # beyond the stream's 24 h retention and the retry window
DIGEST_BYTES = 12  # an event's identity on its counter item (96 bits: no collision in practice)
# Events per counter update: ``lastEvents`` holds their digests, and 40 x 12 bytes keeps a
# stats item under 1 KB, so each update is one write unit (tests/unit/test_counter_protocol.py).
MAX_EVENTS_PER_UPDATE = 40
MAX_ATTEMPTS = 8  # optimistic retries while other shards' batches move the same counter item


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


def event_digest(event_id: str) -> bytes:
    """What identifies a stream event on its counter item and in its marker's key."""
    return hashlib.sha256(event_id.encode()).digest()[:DIGEST_BYTES]


@dataclass(frozen=True, slots=True)
class CounterState:
    """A counter item as the consumer reads it (strongly consistent)."""

    version: int | None  # ``updates``; None on a profile no counter has moved yet
    last: frozenset[bytes]  # ``lastEvents``: the digests of the events its last update applied


class CounterStore(Protocol):
    """The four table operations the exactly-once protocol needs (see ``apply``)."""

    def read(self, target: Key) -> CounterState | None:
        """The counter item's version and last events (consistent); None when it is gone."""
        ...

    def marked(self, target: Key, digests: list[bytes]) -> set[bytes]:
        """Which of these events have a processed-event marker for this item (consistent)."""
        ...

    def mark(self, target: Key, digests: frozenset[bytes]) -> None:
        """Write their markers (idempotent Puts); raise unless every one is written."""
        ...

    def update(
        self,
        target: Key,
        target_type: str,
        totals: Deltas,
        expected: int | None,
        applied: list[bytes],
    ) -> bool:
        """ADD the totals, ``updates`` + 1 and SET ``lastEvents`` = applied, on the condition
        that the item exists at version ``expected``; False when that condition failed."""
        ...


class CounterContention(RuntimeError):
    """Other batches kept moving the counter item: the records are reported and retried."""


def _totals(events: list[tuple[str, Deltas]]) -> Deltas:
    totals: Deltas = {}
    for _, deltas in events:
        for name, value in deltas.items():
            totals[name] = totals.get(name, 0) + value
    return totals


def apply(
    store: CounterStore, target: Key, target_type: str, events: list[tuple[str, Deltas]]
) -> list[str]:
    """Apply the events' deltas to the counter item exactly once; the ids of the events that
    were skipped (applied before, or dropped because the counter item is gone).

    An event counts as applied when its digest is in the item's ``lastEvents`` (the events of
    its last update) or it has a marker. Each update first writes the markers of the events
    the item's previous update applied, then replaces ``lastEvents`` with its own, on the
    condition that the version it read is still current. So an applied event is always
    findable (in ``lastEvents``, or marked before it left them), an unapplied one never is,
    and two deliveries of one event racing each other cannot both win the condition. The
    item is read before the markers: an event applied and marked in between moved the
    version, and the update fails and reads again. One item write per update, one marker per
    event (docs/streams.md, "Exactly once").
    """
    digests = {event_id: event_digest(event_id) for event_id, _ in events}
    for _ in range(MAX_ATTEMPTS):
        state = store.read(target)
        if state is None:  # gone for good (deleted prompt or account): dropped
            return list(digests)
        fresh = [(eid, d) for eid, d in events if digests[eid] not in state.last]
        if fresh:
            marked = store.marked(target, [digests[eid] for eid, _ in fresh])
            fresh = [(eid, d) for eid, d in fresh if digests[eid] not in marked]
        if not fresh:
            return list(digests)
        if state.last:
            store.mark(target, state.last)
        applied = [digests[eid] for eid, _ in fresh]
        if store.update(target, target_type, _totals(fresh), state.version, applied):
            fresh_ids = {eid for eid, _ in fresh}
            return [eid for eid in digests if eid not in fresh_ids]
    raise CounterContention(f"{target} kept moving for {MAX_ATTEMPTS} attempts")


def marker_sk(target: Key) -> str:
    """The marker's sort key names its counter item; a profile only by a hash, so that no
    marker names a user id after the account is deleted (they live 3 days)."""
    if target[0].startswith("USER#"):
        digest = hashlib.sha256(f"{target[0]}#{target[1]}".encode()).hexdigest()[:32]
        return f"FOR#h:{digest}"
    return f"FOR#{target[0]}#{target[1]}"


def marker_key(target: Key, digest: bytes) -> Key:
    return f"EVENT#{digest.hex()}", marker_sk(target)


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
            for start in range(0, len(items), MAX_EVENTS_PER_UPDATE):
                chunk = items[start : start + MAX_EVENTS_PER_UPDATE]
                try:
                    apply(store, target, pending.target_type, [(e, d) for e, (_, d) in chunk])
                except Exception:
                    from aws_lambda_powertools import Logger

                    Logger(service="promptvault").exception("counter update failed", target=target)
                    failed.update(seq for _, (seq, _) in chunk)
        return failed


class DynamoCounterStore:
    """``CounterStore`` on the table (boto3, low level)."""

    def __init__(self, table: str, client: Any) -> None:
        self.table = table
        self.client = client

    @staticmethod
    def _key(key: Key) -> dict[str, Any]:
        return {"PK": {"S": key[0]}, "SK": {"S": key[1]}}

    def read(self, target: Key) -> CounterState | None:
        item = self.client.get_item(
            TableName=self.table,
            Key=self._key(target),
            ConsistentRead=True,
            ProjectionExpression="PK, #u, lastEvents",
            ExpressionAttributeNames={"#u": "updates"},
        ).get("Item")
        if item is None:
            return None
        version = item.get("updates")
        last = item.get("lastEvents", {}).get("BS", [])
        return CounterState(
            None if version is None else int(version["N"]), frozenset(bytes(b) for b in last)
        )

    def marked(self, target: Key, digests: list[bytes]) -> set[bytes]:
        by_pk = {marker_key(target, digest)[0]: digest for digest in digests}
        keys = [self._key(marker_key(target, digest)) for digest in digests]
        found = batch_get(
            self.client, self.table, keys, ConsistentRead=True, ProjectionExpression="PK"
        )
        return {by_pk[item["PK"]["S"]] for item in found}

    def mark(self, target: Key, digests: frozenset[bytes]) -> None:
        expires = str(int(time.time()) + MARKER_TTL_SECONDS)
        markers = [
            {
                **self._key(marker_key(target, digest)),
                "type": {"S": "ProcessedEvent"},
                "expiresAt": {"N": expires},
            }
            for digest in sorted(digests)
        ]
        batch_put(self.client, self.table, markers)

    def update(
        self,
        target: Key,
        target_type: str,
        totals: Deltas,
        expected: int | None,
        applied: list[bytes],
    ) -> bool:
        counts = {**totals, "updates": 1}  # ``updates`` orders the item's versions
        names = {f"#c{i}": name for i, name in enumerate(counts)}
        values: dict[str, Any] = {
            f":c{i}": {"N": str(counts[name])} for i, name in enumerate(counts)
        }
        values[":type"] = {"S": target_type}
        values[":last"] = {"BS": applied}
        if expected is None:
            condition = "attribute_exists(PK) AND attribute_not_exists(#u)"
        else:
            condition = "#u = :expected"
            values[":expected"] = {"N": str(expected)}
        adds = ", ".join(f"#c{i} :c{i}" for i in range(len(counts)))
        try:
            self.client.update_item(
                TableName=self.table,
                Key=self._key(target),
                UpdateExpression=f"ADD {adds} SET #type = :type, lastEvents = :last",
                ConditionExpression=condition,  # never (re)creates it; loses to a newer write
                ExpressionAttributeNames={**names, "#type": "type", "#u": "updates"},
                ExpressionAttributeValues=values,
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True


def default_store() -> DynamoCounterStore:
    import boto3

    from promptvault.core.settings import get_settings

    settings = get_settings()
    client = boto3.client(
        "dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint
    )
    return DynamoCounterStore(settings.table_name, client)


_store: CounterStore | None = None


def handle(event: dict[str, Any], _context: Any = None, store: CounterStore | None = None) -> Any:
    """Lambda entry: partial batch response, one conditional update per counter item per batch."""
    global _store
    if store is None:
        _store = _store or default_store()
        store = _store
    plan = CounterPlan()
    chosen = store
    return partial_batch(event.get("Records") or [], plan.add, lambda: plan.flush(chosen))
