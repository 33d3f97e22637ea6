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
    owner = sign_up()
    prompt = create_prompt(owner)
    for _ in range(3):
        assert call("POST", f"/v1/prompts/{prompt['id']}/views").status == 202
    call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 5}, token=owner.token)
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
