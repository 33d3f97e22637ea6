"""Chaos: thousands of engagement events through the consumers with duplicated, reordered and
failing deliveries, replayed to the end; counters, reputation, public prompt counts and the
index must equal the table.

The table is a faithful in-memory model that emits DynamoDB stream records (INSERT / MODIFY /
REMOVE with old and new images, typed attribute values, per-item order, two shards split by
partition key) and implements the counters' transaction (markers + ADD, all or nothing). Real
moto was too slow here: it deep-copies the whole table and its stream on every transaction.
The same consumer code runs against moto in tests/integration/test_streams_consumers.py.
"""

from __future__ import annotations

import random
import zlib
from collections import Counter as Tally
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer

from infra.local.pump import Consumer, StreamPump
from promptvault.search.backend import PromptStats
from promptvault.search.tantivy_backend import TantivyBackend
from promptvault.streams import counters, indexer
from promptvault.streams.counter_store import marker_key
from promptvault.streams.exactly_once import ABSENT, CounterState
from promptvault.users.reputation import points

_serialize = TypeSerializer().serialize
SHARDS = 2


def _typed(item: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if item is None else {k: _serialize(v) for k, v in item.items()}


class ModelTable:
    """Items, a stream of faithful records, and the counters consumer's table operations."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.shards: list[list[dict[str, Any]]] = [[] for _ in range(SHARDS)]
        self._seq = 10**20
        self._event = 0
        self.dropped = 0  # counter events whose counter item was gone

    def _emit(self, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        image = new if new is not None else old
        assert image is not None
        name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
        self._seq += 1
        self._event += 1
        body: dict[str, Any] = {
            "Keys": _typed({"PK": image["PK"], "SK": image["SK"]}),
            "SequenceNumber": str(self._seq),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        }
        if new is not None:
            body["NewImage"] = _typed(new)
        if old is not None:
            body["OldImage"] = _typed(old)
        shard = zlib.crc32(image["PK"].encode()) % SHARDS
        record = {"eventID": f"ev{self._event:08d}", "eventName": name, "dynamodb": body}
        self.shards[shard].append(record)

    def put(self, item: dict[str, Any]) -> None:
        key = (item["PK"], item["SK"])
        old = self.items.get(key)
        self.items[key] = dict(item)
        self._emit(old, dict(item))

    def delete(self, pk: str, sk: str) -> None:
        old = self.items.pop((pk, sk), None)
        if old is not None:
            self._emit(old, None)

    # CounterStore: the four operations of exactly_once.apply, each atomic on its own, with the
    # table's semantics (a conditional update never creates its item; markers are items).
    def read(self, target):
        item = self.items.get(target)
        if item is None:
            self.dropped += 1  # the counter item is gone: its events are dropped
            return None
        return CounterState(item.get("updates"), frozenset(item.get("lastEvents", ())))

    def marked(self, target, digests):
        return {d for d in digests if marker_key(target, d) in self.items}

    def mark(self, target, digests):
        for digest in sorted(digests):
            pk, sk = marker_key(target, digest)
            self.put({"PK": pk, "SK": sk, "type": "ProcessedEvent"})

    def update(self, target, target_type, totals, expected, applied, seed=None):
        old = self.items.get(target)
        if expected == ABSENT:  # an aggregate's first count: only if it still does not exist
            if old is not None:
                return False
        elif old is None or old.get("updates") != expected:
            return False
        new = {"PK": target[0], "SK": target[1], **(old or {}), **(seed or {})}
        new["type"] = target_type
        for name, value in {**totals, "updates": 1}.items():
            new[name] = new.get(name, 0) + value
        new["lastEvents"] = set(applied)
        self.items[target] = new
        self._emit(old, new)
        return True

    # the dynamodbstreams client the pump reads
    def describe_stream(self, StreamArn):
        return {"StreamDescription": {"Shards": [{"ShardId": str(i)} for i in range(SHARDS)]}}

    def get_shard_iterator(self, StreamArn, ShardId, ShardIteratorType, SequenceNumber=None):
        records = self.shards[int(ShardId)]
        start = 0
        if ShardIteratorType == "AFTER_SEQUENCE_NUMBER":
            start = next(
                i + 1
                for i, r in enumerate(records)
                if r["dynamodb"]["SequenceNumber"] == SequenceNumber
            )
        return {"ShardIterator": f"{ShardId}:{start}"}

    def get_records(self, ShardIterator, Limit=1000):
        shard, start = (int(p) for p in ShardIterator.split(":"))
        records = self.shards[shard][start : start + Limit]
        return {"Records": records, "NextShardIterator": f"{shard}:{start + len(records)}"}


class Flaky:
    """Fails some calls before doing the work, and some after (the work is done, the caller
    still sees an error: the at-least-once case a marker must absorb)."""

    def __init__(self, target: Any, rng: random.Random, before: float, after: float) -> None:
        self.target, self.rng, self.before, self.after = target, rng, before, after
        self.failures = 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.target, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.rng.random() < self.before:
                self.failures += 1
                raise RuntimeError(f"injected failure before {name}")
            result = method(*args, **kwargs)
            if self.rng.random() < self.after:
                self.failures += 1
                raise RuntimeError(f"injected failure after {name}")
            return result

        return call


GONE_USER = "user7"  # an account deleted halfway: its profile must never come back


def _create(table: ModelTable, pid: str, owner: str) -> None:
    """What the create (and fork) transaction writes: the head and its zeroed stats."""
    table.put(_head(pid, 1, owner))
    table.put({"PK": f"PROMPT#{pid}", "SK": "STATS", "type": "Stats", "ownerId": owner})


def _delete(table: ModelTable, pid: str) -> None:
    """What prompts/repository.delete_prompt does: head and stats, then the leftovers."""
    table.delete(f"PROMPT#{pid}", "META")
    table.delete(f"PROMPT#{pid}", "STATS")
    for pk, sk in [k for k in table.items if k[0] == f"PROMPT#{pid}"]:
        if table.items[(pk, sk)]["type"] in {"Version", "Rating", "Fork"}:
            table.delete(pk, sk)


def _history(table: ModelTable, rng: random.Random, events: int) -> list[str]:
    """Engagement events as the endpoints write them; the prompt ids that ever existed."""
    prompts = [f"p_{i:032x}" for i in range(12)]
    revision = dict.fromkeys(prompts, 1)
    live = set(prompts)
    people = [f"owner{i}" for i in range(3)] + [f"user{i}" for i in range(25)]
    for person in people:  # guests have no profile: their counts are dropped, never created
        table.put({"PK": f"USER#{person}", "SK": "PROFILE", "type": "User", "userId": person})
    for pid in prompts:
        _create(table, pid, f"owner{int(pid[-1], 16) % 3}")
    users = [f"user{i}" for i in range(25)] + [f"g:guest{i}" for i in range(10)]
    forks: list[tuple[str, str]] = []
    for step in range(events):
        if step == events // 2:
            table.delete(f"USER#{GONE_USER}", "PROFILE")
        pid = rng.choice(prompts)
        if pid not in live:
            continue
        roll, who = rng.random(), rng.choice(users)
        owner = table.items[(f"PROMPT#{pid}", "META")]["ownerId"]
        if rng.random() < 0.12:  # the owner engages with their own prompt (issue 16, finding 8)
            who = owner
        # marked at write time by the engagement service; some of the owner's ratings are
        # unmarked, as written before the mark existed, and a re-rating marks them
        own = {"own": True} if who == owner and rng.random() < 0.8 else {}
        if roll < 0.30:
            table.put({**_rating(pid, who, rng.randint(1, 5)), **own})
        elif roll < 0.38:
            table.delete(f"PROMPT#{pid}", f"RATING#{who}")
        elif roll < 0.58:
            table.put(_usage(pid, "view", step))
        elif roll < 0.66:
            table.put(_usage(pid, "copy", step))
        elif roll < 0.78:
            table.put(
                {
                    "PK": f"USER#{who}",
                    "SK": f"BOOKMARK#{pid}",
                    "type": "Bookmark",
                    "userId": who,
                    "promptId": pid,
                    "createdAt": f"t{step}",
                    **own,
                }
            )
        elif roll < 0.84:
            table.delete(f"USER#{who}", f"BOOKMARK#{pid}")
        elif roll < 0.89:
            fork = f"p_f{step:031x}"
            _create(table, fork, who)
            table.put(
                {
                    "PK": f"PROMPT#{pid}",
                    "SK": f"FORK#t{step}#{fork}",
                    "type": "Fork",
                    "promptId": pid,
                    "forkId": fork,
                    "ownerId": who,
                    "createdAt": f"t{step}",
                    **own,
                }
            )
            forks.append((pid, fork))
            prompts.append(fork)
            revision[fork] = 1
            live.add(fork)
        elif roll < 0.91 and forks:
            origin, fork = forks.pop(rng.randrange(len(forks)))
            if fork in live:
                _delete(table, fork)
                for link in _fork_links(table, origin, fork):  # gone if the original went
                    table.delete(f"PROMPT#{origin}", link)
                live.discard(fork)
        elif roll < 0.99:
            revision[pid] += 1
            head = _head(pid, revision[pid], table.items[(f"PROMPT#{pid}", "META")]["ownerId"])
            head["visibility"] = rng.choice(["public", "public", "unlisted", "private"])
            head["status"] = rng.choice(["published", "published", "draft", "archived"])
            table.put(head)  # publicPrompts follows heads entering and leaving the feed
        elif step > events * 0.8:
            _delete(table, pid)  # bookmarks (the bookmarker's items) and views stay behind
            live.discard(pid)
    return prompts


def _fork_links(table: ModelTable, origin: str, fork: str) -> list[str]:
    return [k[1] for k in table.items if k[0] == f"PROMPT#{origin}" and k[1].endswith(fork)]


def _head(pid: str, revision: int, owner: str) -> dict[str, Any]:
    return {
        "PK": f"PROMPT#{pid}",
        "SK": "META",
        "type": "Prompt",
        "promptId": pid,
        "ownerId": owner,
        "slug": pid.replace("_", "-"),
        "title": f"Prompt {pid[-4:]} r{revision}",
        "content": f"Content of {pid} at revision {revision}",
        "visibility": "public",
        "status": "published",
        "version": revision,
        "revision": revision,
        "createdAt": "2026-01-01T00:00:00.000Z",
        "updatedAt": "2026-01-01T00:00:00.000Z",
        "tags": {"chaos"},
    }


def _rating(pid: str, rater: str, score: int) -> dict[str, Any]:
    return {
        "PK": f"PROMPT#{pid}",
        "SK": f"RATING#{rater}",
        "type": "Rating",
        "promptId": pid,
        "rater": rater,
        "score": score,
        "updatedAt": "t",
    }


def _usage(pid: str, kind: str, step: int) -> dict[str, Any]:
    return {
        "PK": f"PROMPT#{pid}",
        "SK": f"{kind.upper()}#{step:08d}",
        "type": "Usage",
        "promptId": pid,
        "kind": kind,
    }


def _recount(table: ModelTable, pid: str) -> dict[str, int]:
    """Every counter recomputed from the entity items: one's own engagement (marked ``own``)
    counts nowhere, guests' ratings also count apart."""
    tally: Tally[str] = Tally()
    for (pk, _sk), item in table.items.items():
        if item.get("promptId") != pid or item.get("own"):
            continue
        kind = item["type"]
        if kind == "Rating":
            tally["ratingCount"] += 1
            tally["ratingSum"] += item["score"]
            tally[f"rating{item['score']}"] += 1
            if item["rater"].startswith("g:"):
                tally["guestRatingCount"] += 1
                tally["guestRatingSum"] += item["score"]
        elif kind == "Usage":
            tally["views" if item["kind"] == "view" else "copies"] += 1
        elif kind == "Bookmark":
            tally["bookmarks"] += 1
        elif kind == "Fork" and pk == f"PROMPT#{pid}":
            tally["forks"] += 1
    return dict(tally)


def _counted(table: ModelTable, pid: str) -> dict[str, int]:
    stats = table.items.get((f"PROMPT#{pid}", "STATS"), {})
    skip = {"PK", "SK", "type", "updates", "ownerId", "lastEvents"}
    return {k: v for k, v in stats.items() if k not in skip and v}


def _profiles_recounted(table: ModelTable) -> dict[str, dict[str, int]]:
    """Reputation and publicPrompts of every profile, recomputed from live prompts alone:
    the engagement others gave each live prompt (its entity items, not its stats item) and
    the listed heads. Reputation counts signed-in others' ratings (stars - 3), bookmarks x 2
    and forks x 5; one's own engagement and guests' ratings earn nothing (docs/identity.md),
    and the total equals ``points`` of the stats items (users/reputation.py)."""
    expected: dict[str, dict[str, int]] = {}
    for (pk, sk), item in table.items.items():
        if not pk.startswith("USER#") or sk != "PROFILE":
            continue
        expected[item["userId"]] = {"reputation": 0, "publicPrompts": 0, "points": 0}
    for (_pk, sk), item in table.items.items():
        owner = expected.get(item.get("ownerId", ""))
        if owner is None:
            continue
        if sk == "STATS":
            owner["points"] += points(item)
            got = _recount(table, item["PK"].removeprefix("PROMPT#"))
            signed_in_sum = got.get("ratingSum", 0) - got.get("guestRatingSum", 0)
            signed_in = got.get("ratingCount", 0) - got.get("guestRatingCount", 0)
            owner["reputation"] += signed_in_sum - 3 * signed_in
            owner["reputation"] += 2 * got.get("bookmarks", 0) + 5 * got.get("forks", 0)
        elif sk == "META" and item["visibility"] == "public" and item["status"] == "published":
            owner["publicPrompts"] += 1
    for counts in expected.values():
        assert counts.pop("points") == counts["reputation"]
    return expected


def _profiles_counted(table: ModelTable) -> dict[str, dict[str, int]]:
    return {
        item["userId"]: {
            "reputation": item.get("reputation", 0),
            "publicPrompts": item.get("publicPrompts", 0),
        }
        for (pk, sk), item in table.items.items()
        if pk.startswith("USER#") and sk == "PROFILE"
    }


def _consumers(table: ModelTable, backend: Any, rng: random.Random) -> list[Consumer]:
    store = Flaky(table, rng, before=0.08, after=0.05)
    index = Flaky(backend, rng, before=0.08, after=0.05)

    def duplicating(handler):
        def deliver(event: dict[str, Any], context: Any) -> Any:
            if rng.random() < 0.1:  # the same batch delivered twice
                handler(event, context)
            if rng.random() < 0.03:  # a function error (timeout, crash): bisect and retry
                raise RuntimeError("injected function error")
            return handler(event, context)

        return deliver

    from infra.consumers import CONSUMERS

    filters = {row.package: tuple(row.filters) for row in CONSUMERS}
    return [
        Consumer(
            "stream_counters",
            duplicating(lambda e, c: counters.handle(e, c, store=store)),
            filters["stream_counters"],
            batch_size=rng.choice([10, 25, 100]),
        ),
        Consumer(
            "stream_indexer",
            duplicating(lambda e, c: indexer.handle(e, c, backend=index)),
            filters["stream_indexer"],
            batch_size=rng.choice([10, 25, 100]),
        ),
    ]


@pytest.mark.parametrize("seed", [1, 2])
def test_chaos_history_ends_with_exact_counters_and_an_index_equal_to_the_table(tmp_path, seed):
    rng = random.Random(seed)
    table = ModelTable()
    backend = TantivyBackend(tmp_path / "index")
    prompts = _history(table, rng, events=2500)
    pump = StreamPump("arn:chaos", _consumers(table, backend, rng), table, max_retries=1000)

    while pump.drain():
        pass
    # ...then the whole stream once more, from the start: a full replay changes nothing.
    replay = StreamPump("arn:chaos", _consumers(table, backend, rng), table, max_retries=1000)
    while replay.drain():
        pass

    assert pump.dead_letters == replay.dead_letters == []
    assert sum(len(s) for s in table.shards) > 3000  # thousands of records, with the consumers.
    live = {pid for pid in prompts if (f"PROMPT#{pid}", "META") in table.items}
    for pid in prompts:
        if pid in live:
            assert _counted(table, pid) == _recount(table, pid), pid
        else:  # deleted: its leftovers' REMOVEs and late records never recreate its stats
            assert (f"PROMPT#{pid}", "STATS") not in table.items, pid
    assert len(live) < len(prompts)
    assert table.dropped > 0  # the drop path was exercised
    # reputation and publicPrompts: exact, though derived in two hops (engagement -> stats ->
    # profile) through the same duplicated, failing, reordered and replayed deliveries
    profiles = _profiles_counted(table)
    assert profiles == _profiles_recounted(table)
    assert GONE_USER not in profiles
    assert not any(p.startswith("g:") for p in profiles)
    assert any(p["reputation"] for p in profiles.values())
    # self-engagement and guests were in the history, and counted apart or not at all
    engaged = [i for i in table.items.values() if i["type"] in {"Rating", "Bookmark", "Fork"}]
    assert sum(1 for i in engaged if i.get("own")) > 20
    assert sum(1 for i in engaged if str(i.get("rater", "")).startswith("g:")) > 20
    heads = {
        pid: table.items[(f"PROMPT#{pid}", "META")]
        for pid in prompts
        if (f"PROMPT#{pid}", "META") in table.items
    }
    indexed = backend.versions()
    assert indexed == {pid: head["revision"] for pid, head in heads.items()}  # none missing,
    searcher = backend.index.searcher()  # stale or resurrected; and the counters match:
    for pid in heads:
        stored = backend.index.stored(searcher, pid)
        counted = table.items.get((f"PROMPT#{pid}", "STATS"), {})
        assert stored.stats == PromptStats(
            views=counted.get("views", 0),
            copies=counted.get("copies", 0),
            bookmarks=counted.get("bookmarks", 0),
            forks=counted.get("forks", 0),
            rating_count=counted.get("ratingCount", 0),
            rating_sum=counted.get("ratingSum", 0),
        ), pid


def _follow(follower: str, followee: str) -> dict[str, Any]:
    return {
        "PK": f"USER#{follower}",
        "SK": f"FOLLOWS#{followee}",
        "type": "Follow",
        "followerId": follower,
        "followerName": follower,
        "followeeId": followee,
        "followeeName": followee,
        "createdAt": "2026-01-01T00:00:00.000Z",
    }


def _follow_counts(
    table: ModelTable,
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """(counted on the profiles, recounted from the live follow items)."""
    profiles = {
        item["userId"]: item
        for (pk, sk), item in table.items.items()
        if pk.startswith("USER#") and sk == "PROFILE"
    }
    expected = {uid: {"followers": 0, "following": 0} for uid in profiles}
    for item in table.items.values():
        if item.get("type") == "Follow":
            if item["followeeId"] in expected:
                expected[item["followeeId"]]["followers"] += 1
            if item["followerId"] in expected:
                expected[item["followerId"]]["following"] += 1
    counted = {
        uid: {"followers": p.get("followers", 0), "following": p.get("following", 0)}
        for uid, p in profiles.items()
    }
    return counted, expected


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_follow_records_duplicated_and_reordered_give_exact_follow_counts(seed):
    """Follows and unfollows (the same pair many times), their records delivered in shuffled
    batches, every record at least twice, the whole lot once more: the counts equal the live
    follow items, and a profile deleted halfway is never recreated."""
    rng = random.Random(seed)
    table = ModelTable()
    people = [f"f{i}" for i in range(6)]
    for person in people:
        table.put({"PK": f"USER#{person}", "SK": "PROFILE", "type": "User", "userId": person})
    gone = people[-1]
    for step in range(400):
        if step == 200:  # the account is deleted: its follows both ways, then its profile
            for key, item in list(table.items.items()):
                if item.get("type") == "Follow" and gone in (
                    item["followerId"],
                    item["followeeId"],
                ):
                    table.delete(*key)
            table.delete(f"USER#{gone}", "PROFILE")
        alive = people[:-1] if step >= 200 else people
        follower, followee = rng.sample(alive, 2)
        if (f"USER#{follower}", f"FOLLOWS#{followee}") in table.items:
            table.delete(f"USER#{follower}", f"FOLLOWS#{followee}")
        else:
            table.put(_follow(follower, followee))
    records = [r for shard in table.shards for r in shard]
    assert (
        sum(
            1
            for r in records
            if r["dynamodb"]["NewImage" if r["eventName"] == "INSERT" else "OldImage"]["type"]["S"]
            == "Follow"
        )
        > 400
    )
    deliveries = records * 2 + rng.sample(records, len(records) // 2)
    for _ in range(2):  # delivered, then replayed from the start in another order
        rng.shuffle(deliveries)
        for start in range(0, len(deliveries), 37):
            batch = deliveries[start : start + 37]
            reply = counters.handle({"Records": batch}, store=table)
            assert reply == {"batchItemFailures": []}

    counted, expected = _follow_counts(table)
    assert counted == expected
    assert f"USER#{gone}" not in {pk for pk, _ in table.items}
    assert any(c["followers"] for c in counted.values())
    assert table.dropped > 0  # late counts for the deleted account were dropped
