"""The Python SDK (sdk/python) against the local runtime: fetch by label, the cache (no request
on a hit, one 304 when stale), the fallback when the API is down, and the shared rendering
vectors (tests/vectors/render.json): the server's render and the SDK's compile agree."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from promptvault_sdk import APIError, CompileError, Message, PromptVault

from tests.e2e.conftest import Account, LocalStage, new_account, prompt_body

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "render.json").read_text())


def api_key(http: httpx.Client, account: Account, name: str = "sdk") -> str:
    created = http.post(
        "/v1/users/me/api-keys",
        json={"name": name, "scopes": ["read", "write"]},
        headers=account.auth,
    )
    assert created.status_code == 201, created.text
    key: str = created.json()["data"]["key"]
    return key


@pytest.fixture(scope="module")
def author(http: httpx.Client) -> Account:
    return new_account(http)  # its own: prompt creation is limited per person


@pytest.fixture(scope="module")
def key(http: httpx.Client, author: Account) -> str:
    return api_key(http, author)


def published(http: httpx.Client, author: Account, body: dict[str, Any]) -> str:
    created = http.post("/v1/prompts", json=body, headers=author.auth)
    assert created.status_code == 201, created.text
    prompt_id: str = created.json()["data"]["id"]
    moved = http.put(
        f"/v1/prompts/{prompt_id}/labels/production", json={"version": 1}, headers=author.auth
    )
    assert moved.status_code == 200, moved.text
    return prompt_id


class Counter:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.statuses: list[int] = []

    def hooks(self) -> dict[str, list[Any]]:
        return {
            "request": [self.requests.append],
            "response": [lambda response: self.statuses.append(response.status_code)],
        }


def test_production_is_fetched_cached_and_revalidated_with_one_304(
    local_stage: LocalStage, http: httpx.Client, author: Account, key: str
):
    prompt_id = published(http, author, prompt_body())
    counter = Counter()

    with PromptVault(local_stage.base_url, key, event_hooks=counter.hooks()) as vault:
        prompt = vault.get_prompt(prompt_id)
        hit = vault.get_prompt(prompt_id)
        requests_after_hit = len(counter.requests)
        stale = vault.get_prompt(prompt_id, cache_ttl=0)

    assert prompt.id == prompt_id
    assert prompt.version == 1
    assert prompt.labels == ["latest", "production"]
    assert (prompt.etag or "").startswith('"v1-')
    assert [v.name for v in prompt.variables] == ["topic", "audience"]
    assert prompt.compile(topic="the launch") == (
        "Summarise the notes about the launch in five bullet points for the team."
    )
    assert hit is prompt
    assert requests_after_hit == 1  # the hit made no request
    assert stale is prompt
    assert counter.statuses == [200, 304]
    assert counter.requests[1].headers["If-None-Match"] == prompt.etag


def test_a_moved_label_is_seen_after_revalidation(
    local_stage: LocalStage, http: httpx.Client, author: Account, key: str
):
    prompt_id = published(http, author, prompt_body())
    edited = http.get(f"/v1/prompts/{prompt_id}")
    http.patch(
        f"/v1/prompts/{prompt_id}",
        json={"content": "Summarise {{topic}} in three bullet points for {{audience}}."},
        headers={**author.auth, "If-Match": edited.headers["ETag"]},
    ).raise_for_status()

    with PromptVault(local_stage.base_url, key) as vault:
        before = vault.get_prompt(prompt_id)
        vault.set_label(prompt_id, "production", 2)
        after = vault.get_prompt(prompt_id)  # set_label dropped the cached production
        by_number = vault.get_prompt(prompt_id, version=1)

    assert (before.version, after.version, by_number.version) == (1, 2, 1)
    assert after.compile(topic="Q3") == "Summarise Q3 in three bullet points for the team."


def test_the_fallback_is_used_and_logged_when_the_api_cannot_be_reached(caplog):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    caplog.set_level(logging.WARNING, "promptvault_sdk")

    with PromptVault(f"http://127.0.0.1:{port}", "pv_x", max_retries=1, backoff=0.01) as vault:
        prompt = vault.get_prompt("anything", fallback="Summarise {{topic}}.")

    assert prompt.is_fallback
    assert prompt.compile(topic="the launch") == "Summarise the launch."
    assert "PromptVault unreachable" in caplog.text
    assert "using the fallback for anything" in caplog.text


def test_the_server_and_the_sdk_agree_on_every_vector(
    local_stage: LocalStage, http: httpx.Client, author: Account, key: str
):
    with PromptVault(local_stage.base_url, key) as vault:
        for vector in VECTORS["prompts"]:
            body: dict[str, Any] = {
                "title": f"Vector {vector['name']}"[:100],
                "type": vector["type"],
                "variables": vector["variables"],
            }
            if vector["type"] == "chat":
                body["messages"] = vector["messages"]
            else:
                body["content"] = vector["content"]
            prompt_id = published(http, author, body)
            prompt = vault.get_prompt(prompt_id)
            for case in vector["cases"]:
                strict = case.get("strict", True)
                where = f"{vector['name']} / {case['name']}"
                if "errors" in case:
                    with pytest.raises(APIError) as server:
                        vault.render(prompt_id, case["values"], strict=strict)
                    with pytest.raises(CompileError) as local:
                        prompt.compile_with(case["values"], strict=strict)
                    assert server.value.status == 422, where
                    assert server.value.details == case["errors"], where
                    assert local.value.details == case["errors"], where
                    continue
                rendered = vault.render(prompt_id, case["values"], strict=strict)
                compiled = prompt.compile_with(case["values"], strict=strict)
                if vector["type"] == "chat":
                    expected = [Message(**m) for m in case["messages"]]
                    assert rendered.messages == expected, where
                else:
                    expected = case["text"]
                    assert rendered.text == expected, where
                assert compiled == expected, where
