"""Imports end to end in moto: POST /v1/imports puts the file in the imports bucket, the
bucket's ObjectCreated event reaches the worker's queue, the worker makes the prompts; status,
rows, idempotency, replays, the daily quota, privacy (issue 13, docs/imports.md)."""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlparse

import boto3
import pytest

from infra.local import moto_dynamodb
from promptvault.core.settings import get_settings
from promptvault.data.models import PromptItem
from promptvault.imports import worker
from promptvault.prompts import portable
from tests.support import uploads
from tests.support.api import Reply, call
from tests.support.factories import PASSWORD, User, sign_up
from tests.support.identity import with_role
from tests.support.search import PROMPTS_CSV

PROMPTS_CHAT = PROMPTS_CSV  # ../shared/data beside the checkout, else /work/shared


def markdown(*titles: str) -> str:
    return "\n".join(
        f"---\ntitle: {title}\ntags: [imported]\n---\n\nWrite about {{{{topic}}}} for {title}.\n"
        for title in titles
    )


def titles(n: int) -> list[str]:
    tag = uuid.uuid4().hex[:6]
    return [f"Imported {tag} {i}" for i in range(1, n + 1)]


def start(user: User, content: str, fmt: str = "markdown") -> Reply:
    return call("POST", "/v1/imports", {"format": fmt, "content": content}, token=user.token)


def status(user: User, import_id: str) -> Reply:
    return call("GET", f"/v1/imports/{import_id}", token=user.token)


def rows(user: User, import_id: str, **query: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        asked = {**query, "limit": "100", **({"cursor": cursor} if cursor else {})}
        reply = call("GET", f"/v1/imports/{import_id}/rows", token=user.token, query=asked)
        assert reply.status == 200, reply.body
        found += reply.data
        cursor = reply.body["meta"]["nextCursor"]
        if not cursor:
            return found


def imported(user: User, content: str, fmt: str = "markdown") -> dict[str, Any]:
    started = start(user, content, fmt)
    assert started.status == 201, started.body
    uploads.deliver()
    done = status(user, started.data["id"])
    assert done.status == 200, done.body
    return dict(done.data)


def owned_count(user: User) -> int:
    return sum(1 for _ in PromptItem.by_owner.query(f"OWNER#{user.id}"))


@pytest.fixture(autouse=True, scope="module")
def _transactions_without_table_copies() -> Iterator[None]:
    """moto copies the whole table on every TransactWriteItems (decision 36); a file of 1,500
    prompts sends ~80 of them into a table that grows to ~9,000 items. The local runtime's
    patch journals by key instead: the same rules, without the copies."""
    with moto_dynamodb.patched():
        yield


@pytest.fixture
def person() -> User:
    return sign_up()


def test_an_inline_import_answers_at_once_and_is_done_when_its_file_is_processed(person):
    names = titles(2)

    started = start(person, markdown(*names))

    assert started.status == 201, started.body
    assert started.headers["Location"] == f"/v1/imports/{started.data['id']}"
    assert started.data["status"] == "processing"
    assert started.data["format"] == "markdown"
    assert "uploadUrl" not in started.data or started.data["uploadUrl"] is None
    assert uploads.deliver() == 1
    done = status(person, started.data["id"]).data
    assert done["status"] == "done"
    assert done["counts"] == {"created": 2, "skipped": 0, "rejected": 0}
    assert done["finishedAt"] >= done["createdAt"]
    made = rows(person, started.data["id"])
    assert [(r["number"], r["status"], r["title"]) for r in made] == [
        (1, "created", names[0]),
        (2, "created", names[1]),
    ]
    prompt = call("GET", f"/v1/prompts/{made[0]['promptId']}", token=person.token).data
    assert prompt["title"] == names[0]
    assert prompt["ownerId"] == person.id
    assert prompt["tags"] == ["imported"]


def test_the_same_file_again_creates_nothing_twice(person):
    content = markdown(*titles(3))
    first = imported(person, content)

    again = imported(person, content)

    assert first["counts"] == {"created": 3, "skipped": 0, "rejected": 0}
    assert again["counts"] == {"created": 0, "skipped": 3, "rejected": 0}
    assert owned_count(person) == 3
    skipped = rows(person, again["id"], status="skipped")
    created = rows(person, first["id"], status="created")
    assert [r["promptId"] for r in skipped] == [r["promptId"] for r in created]


def test_a_prompt_twice_in_a_file_is_created_twice_and_a_rerun_creates_neither(person):
    (name,) = titles(1)
    content = markdown(name, name)

    first = imported(person, content)
    again = imported(person, content)

    assert first["counts"]["created"] == 2
    assert again["counts"] == {"created": 0, "skipped": 2, "rejected": 0}
    assert owned_count(person) == 2


def test_a_redelivered_event_doubles_nothing(person):
    started = start(person, markdown(*titles(3)))
    (message,) = uploads.messages()
    assert uploads.invoke([message]) == {"batchItemFailures": []}

    replay = uploads.invoke([message])  # SQS delivers at least once

    assert replay == {"batchItemFailures": []}
    assert owned_count(person) == 3
    assert status(person, started.data["id"]).data["counts"]["created"] == 3
    assert len(rows(person, started.data["id"])) == 3


def test_a_worker_stopped_half_way_resumes_on_redelivery_without_duplicates(person, monkeypatch):
    names = titles(30)  # two transactions (a prompt and its fingerprint: 5 writes each)
    started = start(person, markdown(*names))
    (message,) = uploads.messages()
    real_insert, calls = portable.insert, []

    def dies_on_the_second(prompts: Any, also: Any) -> None:
        calls.append(len(prompts))
        if len(calls) == 2:
            raise TimeoutError("the Lambda's time ran out")
        real_insert(prompts, also)

    monkeypatch.setattr(portable, "insert", dies_on_the_second)
    failed = uploads.invoke([message])
    assert failed == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
    assert status(person, started.data["id"]).data["status"] == "processing"
    assert 0 < owned_count(person) < 30
    monkeypatch.setattr(portable, "insert", real_insert)

    assert uploads.invoke([message]) == {"batchItemFailures": []}

    done = status(person, started.data["id"]).data
    assert done["counts"] == {"created": 30, "skipped": 0, "rejected": 0}
    assert owned_count(person) == 30
    made = rows(person, started.data["id"])
    assert sorted(r["title"] for r in made) == sorted(names)
    assert len({r["promptId"] for r in made}) == 30


def test_rows_past_the_daily_quota_are_rejected_with_the_reason(person, monkeypatch):
    monkeypatch.setenv("IMPORT_DAILY_QUOTA", "4")
    get_settings.cache_clear()
    try:
        first = imported(person, markdown(*titles(3)))
        second = imported(person, markdown(*titles(3)))
    finally:
        monkeypatch.delenv("IMPORT_DAILY_QUOTA")
        get_settings.cache_clear()

    assert first["counts"] == {"created": 3, "skipped": 0, "rejected": 0}
    assert second["counts"] == {"created": 1, "skipped": 0, "rejected": 2}
    rejected = rows(person, second["id"], status="rejected")
    assert [r["number"] for r in rejected] == [2, 3]
    assert all("daily import quota" in r["reason"] for r in rejected)
    assert owned_count(person) == 4


def test_an_import_is_not_held_to_the_hourly_create_limit(person):
    content = markdown(*titles(12))  # prompts-create allows 10 an hour

    done = imported(person, content)

    assert done["counts"]["created"] == 12


def test_invalid_rows_are_rejected_each_with_its_reason_and_the_rest_created(person):
    content = (
        "---\ntitle: Hi\n---\n\nThis title is too short to be a prompt title.\n"
        "---\ntitle: A fine imported prompt\ncategory: not-a-category\n---\n\n"
        "A body that is long enough here.\n"
        f"---\ntitle: {titles(1)[0]}\n---\n\nA perfectly fine prompt body here.\n"
    )

    done = imported(person, content)

    assert done["counts"] == {"created": 1, "skipped": 0, "rejected": 2}
    reasons = {r["number"]: r["reason"] for r in rows(person, done["id"], status="rejected")}
    assert reasons[1].startswith("title:")
    assert reasons[2].startswith("category:")


def test_a_file_not_in_its_format_fails_as_a_whole(person):
    done = imported(person, "{not json", "langfuse-json")

    assert done["status"] == "failed"
    assert "not JSON" in done["error"]
    assert done["counts"] == {"created": 0, "skipped": 0, "rejected": 0}


def test_an_upload_goes_to_its_presigned_url_and_is_processed_when_it_arrives(person):
    names = titles(2)
    started = call(
        "POST", "/v1/imports", {"format": "markdown", "filename": "mine.md"}, token=person.token
    )
    assert started.status == 201, started.body
    assert started.data["status"] == "awaiting-upload"
    assert started.data["filename"] == "mine.md"
    url = urlparse(started.data["uploadUrl"])
    assert "X-Amz-Signature=" in url.query
    assert "X-Amz-Expires=900" in url.query
    assert uploads.messages() == []
    bucket, key = unquote(url.path).lstrip("/").split("/", 1)
    assert bucket == get_settings().imports_bucket
    assert key == f"imports/{person.id}/{started.data['id']}"

    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=markdown(*names).encode())
    uploads.deliver()

    done = status(person, started.data["id"]).data
    assert done["status"] == "done"
    assert done["counts"]["created"] == 2


def test_only_the_importer_sees_an_import(person):
    started = start(person, markdown(*titles(1)))
    uploads.deliver()
    path = f"/v1/imports/{started.data['id']}"

    for someone in (sign_up(), with_role("moderator"), with_role("admin")):
        assert call("GET", path, token=someone.token).status == 404
        assert call("GET", f"{path}/rows", token=someone.token).status == 404
    assert call("GET", "/v1/imports/i_" + "0" * 32, token=person.token).status == 404


def test_rows_page_with_a_cursor_and_filter_by_status(person):
    content = markdown(*titles(5)) + "---\ntitle: Hey\n---\n\nA body that is long enough.\n"
    done = imported(person, content)
    path = f"/v1/imports/{done['id']}/rows"

    first = call("GET", path, token=person.token, query={"limit": "2"})
    after = {"limit": "2", "cursor": first.body["meta"]["nextCursor"]}
    second = call("GET", path, token=person.token, query=after)

    assert [r["number"] for r in first.data + second.data] == [1, 2, 3, 4]
    assert [r["number"] for r in rows(person, done["id"], status="rejected")] == [6]
    assert len(rows(person, done["id"], status="created")) == 5


def test_an_object_that_is_no_import_is_ignored():
    assert worker.objects_of(json.dumps({"Event": "s3:TestEvent"})) == []
    assert worker.process_object("bucket", "imports/u_1/not-an-import") is None
    assert worker.process_object("bucket", "elsewhere/file.csv") is None


def test_a_file_whose_import_is_not_written_yet_comes_back(person):
    key = f"imports/{person.id}/i_{uuid.uuid4().hex}"
    boto3.client("s3").put_object(Bucket=get_settings().imports_bucket, Key=key, Body=b"x")
    (message,) = uploads.messages()

    reply = uploads.invoke([message])

    assert reply == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}


def _expected_prompts_chat() -> tuple[int, dict[int, set[str]]]:
    """From the data alone: rows whose title (5-100 characters) or content (at most 10,000
    characters, no control characters but tab and line breaks) break the create rules, each
    with the faults; the rest are created."""
    csv.field_size_limit(sys.maxsize)
    with PROMPTS_CHAT.open(newline="", encoding="utf-8") as file:
        records = list(csv.DictReader(file))

    def length(text: str) -> int:
        return len(unicodedata.normalize("NFC", text).strip())

    def controls(text: str) -> bool:
        return any((ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127 for c in text)

    faults: dict[int, set[str]] = {}
    for number, record in enumerate(records, start=1):
        found = set()
        if not 5 <= length(record["act"]) <= 100:
            found.add("title")
        if length(record["prompt"]) > 10_000:
            found.add("long")
        if controls(record["prompt"]):
            found.add("control")
        if found:
            faults[number] = found
    return len(records), faults


@pytest.mark.skipif(not PROMPTS_CHAT.exists(), reason="the shared data set is not checked out")
def test_the_prompts_chat_file_creates_every_valid_prompt_and_names_every_rejection(person):
    total, faults = _expected_prompts_chat()
    started = call(
        "POST",
        "/v1/imports",
        {"format": "prompts-chat-csv", "filename": "prompts.csv"},
        token=person.token,
    )
    key = f"imports/{person.id}/{started.data['id']}"
    boto3.client("s3").put_object(
        Bucket=get_settings().imports_bucket, Key=key, Body=PROMPTS_CHAT.read_bytes()
    )
    uploads.deliver()

    done = status(person, started.data["id"]).data
    assert total == 1529
    assert sum("long" in found for found in faults.values()) == 79
    assert sum("title" in found for found in faults.values()) == 15
    only_controls = sum(found == {"control"} for found in faults.values())
    assert only_controls == 3  # U+001E and U+001F in the text: a create refuses them too
    assert done["status"] == "done"
    assert done["counts"] == {"created": total - len(faults), "skipped": 0, "rejected": len(faults)}
    assert done["counts"]["created"] + done["counts"]["rejected"] == 1529
    rejected = {
        r["number"]: r["reason"] for r in rows(person, started.data["id"], status="rejected")
    }
    assert set(rejected) == set(faults)
    for number, found in faults.items():
        reason = rejected[number]
        assert ("title: " in reason) == ("title" in found), (number, reason)
        # a content's control characters are found before its length (the first rule of the
        # field that fails is its reason)
        assert ("control characters" in reason) == ("control" in found), (number, reason)
        long_only = "long" in found and "control" not in found
        assert ("at most 10000" in reason) == long_only, (number, reason)
    assert owned_count(person) == total - len(faults)


def test_deleting_the_account_takes_its_imports_rows_and_fingerprints(person):
    done = imported(person, markdown(*titles(2)))
    table = boto3.client("dynamodb")
    name = get_settings().table_name

    deleted = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=person.token)

    assert deleted.status == 204, deleted.body
    left = table.query(
        TableName=name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"IMPORT#{done['id']}"}},
    )["Items"]
    mine = table.query(
        TableName=name,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
        ExpressionAttributeValues={":pk": {"S": f"USER#{person.id}"}, ":sk": {"S": "IMPORT"}},
    )["Items"]
    assert left == []
    assert mine == []
