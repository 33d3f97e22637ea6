"""The consumers against the real (moto) table: exactly-once counters under redelivery."""

from __future__ import annotations

import boto3

from bench.scenarios import stream_record
from promptvault.core.settings import get_settings
from promptvault.data.models import UserItem
from promptvault.streams import counters
from tests.support.api import call
from tests.support.factories import create_prompt, sign_up
from tests.support.streams import drain, pump


def _stats(prompt_id: str) -> dict:
    table = boto3.resource("dynamodb").Table(get_settings().table_name)
    return table.get_item(Key={"PK": f"PROMPT#{prompt_id}", "SK": "STATS"}).get("Item") or {}


def _recent_records(prompt_id: str) -> list[dict]:
    """The ratings and views of this prompt the session pump has read (still in its log)."""
    runner = pump()
    runner._read()
    found = []
    for record in runner._log:
        image = record["dynamodb"].get("NewImage") or {}
        if image.get("promptId") == {"S": prompt_id} and image["type"]["S"] in {"Usage", "Rating"}:
            found.append(record)
    return found


def test_a_redelivered_batch_counts_once_on_the_real_table():
    owner, fan = sign_up(), sign_up()
    prompt = create_prompt(owner)
    for _ in range(3):
        assert call("POST", f"/v1/prompts/{prompt['id']}/views").status == 202
    # another's rating: the owner's own is counted nowhere (issue 16, finding 8)
    call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 5}, token=fan.token)
    records = _recent_records(prompt["id"])
    assert len(records) == 4

    first = counters.handle({"Records": records})
    again = counters.handle({"Records": records[1:] + records})  # overlapping redelivery
    drain()  # the session pump delivers them a third time

    assert first == again == {"batchItemFailures": []}
    stats = _stats(prompt["id"])
    assert (stats["views"], stats["ratingCount"], stats["ratingSum"]) == (3, 1, 5)
    assert pump().dead_letters == []


def test_reindex_rebuilds_the_index_from_the_table(tmp_path):
    from promptvault.search.tantivy_backend import TantivyBackend
    from promptvault.streams.reindex import rebuild

    owner = sign_up()
    prompt = create_prompt(owner)
    call("POST", f"/v1/prompts/{prompt['id']}/copies")
    drain()
    backend = TantivyBackend(tmp_path / "index")

    written = rebuild(boto3.client("dynamodb"), get_settings().table_name, backend)

    assert written >= 1
    assert backend.versions()[prompt["id"]] == 1
    stored = backend.index.stored(backend.index.searcher(), prompt["id"])
    assert stored.stats.copies == 1


def _item(pk: str, sk: str) -> dict | None:
    table = boto3.resource("dynamodb").Table(get_settings().table_name)
    return table.get_item(Key={"PK": pk, "SK": sk}).get("Item")


def _profile(username: str) -> dict:
    drain()
    reply = call("GET", f"/v1/users/{username}")
    assert reply.status == 200, reply.body
    return reply.data


def test_reputation_and_public_prompts_follow_the_stream_and_rank_the_leaderboard():
    owner, fan = sign_up(), sign_up()
    prompt = create_prompt(owner)
    create_prompt(owner, visibility="private")
    create_prompt(owner, status="draft")
    path = f"/v1/prompts/{prompt['id']}"
    call("PUT", f"{path}/rating", {"score": 5}, token=fan.token)  # +2
    call("PUT", f"{path}/bookmark", token=fan.token)  # +2
    call("POST", f"{path}/fork", {"visibility": "private"}, token=fan.token)  # +5
    call("POST", f"{path}/views")  # views are worth nothing

    shown = _profile(owner.username)

    assert (shown["reputation"], shown["publicPrompts"]) == (9, 1)
    ranked = UserItem.leaderboard.query("User", UserItem.reputation == 9)
    assert owner.username in {item.username for item in ranked}  # GSI3 follows the ADDs
    call("PUT", f"{path}/rating", {"score": 1}, token=fan.token)  # re-rated: +2 -> -2
    assert _profile(owner.username)["reputation"] == 5

    hidden = call(
        "PATCH", path, {"visibility": "private"}, token=owner.token, headers={"if-match": '"r1"'}
    )
    assert hidden.status == 200, hidden.body
    assert _profile(owner.username)["publicPrompts"] == 0
    assert call("DELETE", path, token=owner.token).status == 204
    assert _profile(owner.username)["reputation"] == 0  # its stats left: its points with them


def test_counters_never_recreate_a_deleted_profile_or_a_deleted_prompts_stats():
    ghost, gone = "ghost-user-id", "p_" + "0" * 32
    head = {
        "PK": f"PROMPT#{gone}",
        "SK": "META",
        "type": "Prompt",
        "promptId": gone,
        "ownerId": ghost,
        "visibility": "public",
        "status": "published",
    }
    rating = {
        "PK": f"PROMPT#{gone}",
        "SK": f"RATING#u:{ghost}",
        "type": "Rating",
        "promptId": gone,
        "rater": f"u:{ghost}",
        "score": 5,
    }
    follow = {
        "PK": f"USER#{ghost}",
        "SK": "FOLLOWS#ghost-followee-id",
        "type": "Follow",
        "followerId": ghost,
        "followeeId": "ghost-followee-id",
    }
    records = [
        stream_record("INSERT", head),
        stream_record("REMOVE", None, rating),
        stream_record("REMOVE", None, follow),
    ]

    first = counters.handle({"Records": records})
    again = counters.handle({"Records": records})

    assert first == again == {"batchItemFailures": []}  # dropped, not poison
    assert _item(f"USER#{ghost}", "PROFILE") is None
    assert _item("USER#ghost-followee-id", "PROFILE") is None
    assert _item(f"PROMPT#{gone}", "STATS") is None


# --- issue 16, finding 8: one's own engagement and guests' ratings --------------------------


def _engagement(prompt_id: str, kind: str, who: str, **extra: object) -> dict:
    """An engagement item as the endpoints write it (``own`` marks one's own prompt)."""
    pk, at = f"PROMPT#{prompt_id}", "2026-01-01T00:00:00.000Z"
    if kind == "Rating":
        return {"PK": pk, "SK": f"RATING#{who}", "type": kind, "promptId": prompt_id,
                "rater": who, "updatedAt": at, **extra}  # fmt: skip
    if kind == "Bookmark":
        return {"PK": f"USER#{who}", "SK": f"BOOKMARK#{prompt_id}", "type": kind,
                "userId": who, "promptId": prompt_id, "createdAt": at, **extra}  # fmt: skip
    fork = "p_" + "e" * 32
    return {"PK": pk, "SK": f"FORK#{at}#{fork}", "type": kind, "promptId": prompt_id,
            "forkId": fork, "ownerId": who, "createdAt": at, **extra}  # fmt: skip


def test_finding_8_own_engagement_moves_no_counter_and_no_reputation():
    owner = sign_up()
    pid = create_prompt(owner)["id"]
    me = f"u:{owner.id}"
    unmarked = _engagement(pid, "Rating", me, score=5)  # written before the mark existed
    marked = _engagement(pid, "Rating", me, score=4, own=True)  # the owner re-rates
    bookmark = _engagement(pid, "Bookmark", owner.id, own=True)
    fork = _engagement(pid, "Fork", owner.id, own=True)
    records = [
        stream_record("INSERT", unmarked),
        stream_record("MODIFY", marked, unmarked),
        stream_record("INSERT", bookmark),
        stream_record("INSERT", fork),
        stream_record("INSERT", _engagement(pid, "Rating", "u:" + "f" * 36, score=5, own=True)),
    ]

    first = counters.handle({"Records": records})
    again = counters.handle({"Records": records[2:] + records})  # redelivered, reordered
    shown = _profile(owner.username)  # drains: the stats changes reach the profile

    assert first == again == {"batchItemFailures": []}
    stats = _stats(pid)
    counts = {n: stats.get(n, 0) for n in ("ratingCount", "ratingSum", "bookmarks", "forks")}
    assert counts == dict.fromkeys(counts, 0)
    assert shown["reputation"] == 0


def test_finding_8_guest_ratings_count_apart_and_earn_no_reputation():
    owner, fan = sign_up(), sign_up()
    pid = create_prompt(owner)["id"]
    guest = _engagement(pid, "Rating", "g:" + "a" * 32, score=5)
    member = _engagement(pid, "Rating", f"u:{fan.id}", score=5)
    records = [
        stream_record("INSERT", guest),
        stream_record("INSERT", member),
        stream_record("MODIFY", {**guest, "score": 1}, guest),
    ]

    assert counters.handle({"Records": records}) == {"batchItemFailures": []}
    assert counters.handle({"Records": records[::-1]}) == {"batchItemFailures": []}
    shown = _profile(owner.username)

    stats = _stats(pid)
    assert (stats["ratingCount"], stats["ratingSum"]) == (2, 6)
    assert (stats.get("guestRatingCount"), stats.get("guestRatingSum")) == (1, 1)
    assert shown["reputation"] == 2  # the signed-in 5 stars only
    ratings = call("GET", f"/v1/prompts/{pid}/ratings").data
    assert ratings.get("signedIn") == {"count": 1, "average": 5.0}
    assert ratings.get("guest") == {"count": 1, "average": 1.0}


# --- issue 12: comment likes and reply counts ---------------------------------------------------


def _comment_records(prompt_id: str, comment_id: str) -> list[dict]:
    """The likes and replies of this comment the session pump has read (still in its log)."""
    runner = pump()
    runner._read()
    found = []
    for record in runner._log:
        image = record["dynamodb"].get("NewImage") or record["dynamodb"].get("OldImage") or {}
        kind = image.get("type", {}).get("S")
        named = image.get("commentId") == {"S": comment_id}
        parent = image.get("parentId") == {"S": comment_id}
        if (kind == "CommentLike" and named) or (kind == "Reply" and parent):
            found.append(record)
    return found


def _comment_item(comment_id: str) -> dict:
    pk, sk = f"PROMPT#p_{comment_id[3:35]}", f"COMMENT#{comment_id[35:]}"
    return _item(pk, sk) or {}


def test_comment_likes_and_replies_count_once_under_replay_and_reorder():
    owner, fans = sign_up(), [sign_up() for _ in range(3)]
    prompt = create_prompt(owner)
    path = f"/v1/prompts/{prompt['id']}/comments"
    top = call("POST", path, {"body": "Top"}, token=owner.token).data
    for fan in fans:
        assert call("PUT", f"/v1/comments/{top['id']}/like", token=fan.token).status == 200
    reply = {"body": "Reply", "parentId": top["id"]}
    answer = call("POST", path, reply, token=fans[0].token).data
    assert call("DELETE", f"/v1/comments/{top['id']}/like", token=fans[2].token).status == 204
    call("PUT", f"/v1/comments/{answer['id']}/like", token=owner.token)
    records = _comment_records(prompt["id"], top["id"])
    assert len(records) == 5  # three likes, one unlike, one reply

    first = counters.handle({"Records": records})
    again = counters.handle({"Records": records[::-1] + records[2:]})  # reversed, repeated
    drain()  # the session pump delivers them a third time

    assert first == again == {"batchItemFailures": []}
    item = _comment_item(top["id"])
    assert (item["likes"], item["replyCount"], item["type"]) == (2, 1, "Comment")
    liked_reply = _comment_item(answer["id"])
    assert (liked_reply["likes"], liked_reply["type"]) == (1, "Reply")  # keeps its own type
    assert pump().dead_letters == []


def test_counters_never_recreate_a_deleted_comment():
    gone = "cm_" + "0" * 32 + "1" * 32
    like = {
        "PK": f"PROMPT#p_{'0' * 32}",
        "SK": f"LIKE#{'1' * 32}#someone",
        "type": "CommentLike",
        "promptId": "p_" + "0" * 32,
        "commentId": gone,
        "userId": "someone",
    }
    reply = {
        "PK": f"PROMPT#p_{'0' * 32}",
        "SK": f"COMMENT#{'2' * 32}",
        "type": "Reply",
        "promptId": "p_" + "0" * 32,
        "commentId": "cm_" + "0" * 32 + "2" * 32,
        "parentId": gone,
    }
    records = [stream_record("INSERT", like), stream_record("REMOVE", None, reply)]

    first = counters.handle({"Records": records})
    again = counters.handle({"Records": records})

    assert first == again == {"batchItemFailures": []}  # dropped, not poison
    assert _comment_item(gone) == {}


def test_reindex_reads_only_prompt_heads_among_the_items_keyed_meta(tmp_path):
    """Other entities are ``META`` items too (a collection): the rebuild skips them."""
    from promptvault.search.tantivy_backend import TantivyBackend
    from promptvault.streams.reindex import rebuild

    owner = sign_up()
    prompt = create_prompt(owner)
    made = call("POST", "/v1/collections", {"name": "Not a prompt"}, token=owner.token)
    assert made.status == 201, made.body
    backend = TantivyBackend(tmp_path / "index")

    written = rebuild(boto3.client("dynamodb"), get_settings().table_name, backend)

    assert written >= 1
    assert prompt["id"] in backend.versions()
    assert made.data["id"] not in backend.versions()
