"""Export (GET /v1/users/me/export) and the import worker reading each export back into a
fresh account: the prompts come back as they were (issue 13, docs/imports.md)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import pytest
import yaml

from promptvault.core.ids import new_id
from promptvault.imports import formats, service, worker
from promptvault.imports import repository as imports_repo
from tests.support.api import Reply, call
from tests.support.factories import User, create_prompt, sign_up

FORMATS = ("json", "csv", "yaml", "markdown")


def edit(user: User, prompt: dict[str, Any], body: dict[str, Any], message: str) -> dict:
    reply = call(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        {**body, "changeMessage": message},
        token=user.token,
        headers={"If-Match": prompt["etag"]},
    )
    assert reply.status == 200, reply.body
    return {**reply.data, "etag": reply.headers["ETag"]}


@pytest.fixture(scope="module")
def source() -> User:
    """A person with a text prompt of three versions and two labels, a private chat prompt
    with typed variables, and a plain unlisted one."""
    owner = sign_up()
    tag = uuid.uuid4().hex[:6]
    text = create_prompt(
        owner,
        title=f"Weekly summary {tag}",
        description="Turns raw notes into a summary",
        tags=["meetings", "for-devs"],
    )
    text = edit(owner, text, {"content": "Summarise {{topic}} in three bullet points."}, "v2")
    text = edit(owner, text, {"content": "Summarise {{topic}} in two crisp sentences."}, "v3")
    for label, version in (("production", 2), ("staging", 3)):
        moved = call(
            "PUT",
            f"/v1/prompts/{text['id']}/labels/{label}",
            {"version": version},
            token=owner.token,
        )
        assert moved.status == 200, moved.body
    chat = call(
        "POST",
        "/v1/prompts",
        {
            "title": f"Support reply {tag}",
            "type": "chat",
            "messages": [
                {"role": "system", "content": "You answer as {{brand}} support, tone {{tone}}."},
                {"role": "user", "content": "Customer wrote: {{message}}"},
            ],
            "variables": [
                {"name": "brand", "default": "Acme"},
                {"name": "tone", "type": "enum", "enum": ["warm", "formal"], "default": "warm"},
                {"name": "message", "maxLength": 2000, "description": "what they wrote"},
            ],
            "category": "writing",
            "tags": ["support"],
            "visibility": "private",
        },
        token=owner.token,
    )
    assert chat.status == 201, chat.body
    create_prompt(
        owner,
        title=f"Plain unlisted {tag}",
        content="Write a haiku about the sea, with a twist at the end.",
        variables=[],
        tags=[],
        category=None,
        model=None,
        visibility="unlisted",
    )
    return owner


def export(user: User, fmt: str) -> Reply:
    return call("GET", "/v1/users/me/export", token=user.token, query={"format": fmt})


def exported(user: User, fmt: str) -> str:
    """The file's text (a JSON export comes back parsed: written again as it was)."""
    reply = export(user, fmt)
    assert reply.status == 200, reply.body
    return reply.body if isinstance(reply.body, str) else json.dumps(reply.body)


def mine(user: User) -> list[dict[str, Any]]:
    reply = call("GET", "/v1/users/me/prompts", token=user.token, query={"limit": "100"})
    assert reply.status == 200, reply.body
    return sorted(reply.data, key=lambda p: p["title"])


def comparable(prompt: dict[str, Any]) -> dict[str, Any]:
    keys = ("title", "type", "content", "messages", "description", "tags", "category")
    keys += ("model", "visibility", "status", "variables", "version")
    return {key: prompt[key] for key in keys}


def reimport(fmt: str, text: str) -> tuple[User, worker.Run]:
    fresh = sign_up()
    item = imports_repo.new_import(
        new_id("i"), fresh.id, formats.READ_BACK[fmt], "processing", created_at="2026-01-01"
    )
    imports_repo.put_import(item)
    return fresh, worker.process_file(item, text.encode())


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_is_a_file_of_its_media_type(source, fmt):
    reply = export(source, fmt)

    assert reply.status == 200, reply.body
    media = reply.headers["Content-Type"].split(";")[0]
    assert media == formats.MEDIA_TYPES[fmt]
    extension = formats.EXTENSIONS[fmt]
    assert reply.headers["Content-Disposition"] == (
        f'attachment; filename="promptvault-export.{extension}"'
    )
    assert reply.headers["Cache-Control"] == "no-store"


def test_the_json_export_is_langfuse_prompts_with_versions_and_labels(source):
    entries = export(source, "json").body

    weekly = [e for e in entries if e["config"]["title"].startswith("Weekly summary")]
    assert [e["version"] for e in weekly] == [1, 2, 3]
    assert weekly[1]["labels"] == ["production"]
    assert weekly[2]["labels"] == ["staging", "latest"]
    assert weekly[2]["commitMessage"] == "v3"
    assert weekly[2]["prompt"] == "Summarise {{topic}} in two crisp sentences."


def test_the_csv_export_keeps_prompts_chats_columns_first(source):
    rows = list(csv.DictReader(io.StringIO(export(source, "csv").body)))

    assert list(rows[0])[:5] == ["act", "prompt", "for_devs", "type", "contributor"]
    weekly = next(r for r in rows if r["act"].startswith("Weekly summary"))
    assert weekly["for_devs"] == "TRUE"


def test_the_yaml_export_is_prompt_yml_documents(source):
    documents = list(yaml.safe_load_all(export(source, "yaml").body))

    support = next(d for d in documents if d["name"].startswith("Support reply"))
    assert support["messages"][0] == {
        "role": "system",
        "content": "You answer as {{brand}} support, tone {{tone}}.",
    }
    assert support["promptvault"]["visibility"] == "private"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_imported_into_a_fresh_account_reproduces_the_prompts(source, fmt):
    fresh, run = reimport(fmt, exported(source, fmt))

    before, after = mine(source), mine(fresh)
    if fmt != "json":  # only json carries history: the others import the current version
        before = [{**p, "version": 1} for p in before]
    assert [comparable(p) for p in after] == [comparable(p) for p in before]
    assert [o.status for o in run.outcomes] == ["created"] * len(before)


def test_a_json_reimport_keeps_versions_messages_and_labels(source):
    fresh, _ = reimport("json", exported(source, "json"))

    weekly = next(p for p in mine(fresh) if p["title"].startswith("Weekly summary"))
    versions = call("GET", f"/v1/prompts/{weekly['id']}/versions", token=fresh.token).data
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert [v["changeMessage"] for v in versions] == ["v3", "v2", None]
    labels = call("GET", f"/v1/prompts/{weekly['id']}/labels", token=fresh.token).data
    assert {label["name"]: label["version"] for label in labels} == {
        "latest": 3,
        "production": 2,
        "staging": 3,
    }


def test_an_export_past_the_bound_is_refused_not_cut(source, monkeypatch):
    monkeypatch.setattr(service, "MAX_EXPORT_BYTES", 100)

    reply = export(source, "csv")

    assert reply.status == 422, reply.body
    assert reply.error["code"] == "EXPORT_TOO_LARGE"


def test_an_export_holds_only_the_callers_prompts(source):
    other = sign_up()
    create_prompt(other, title=f"Not yours {uuid.uuid4().hex[:6]}")

    entries = export(source, "json").body
    names = {e["config"]["title"] for e in entries}

    assert not any(name.startswith("Not yours") for name in names)
