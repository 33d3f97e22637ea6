"""Webhooks through ``python -m infra.local``, as a developer uses them: a receiver on
127.0.0.1 (the local stage's exception to https-only), a webhook registered over HTTP, a new
prompt version, and the receiver gets it signed, through the runtime's stream pump, moto's
bus and queue and the queue poller."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from promptvault_sdk.webhooks import verify_signature

from tests.e2e.conftest import new_account, prompt_body
from tests.support.webhooks import receiver

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_a_new_prompt_version_reaches_a_local_receiver_signed(http: httpx.Client) -> None:
    person = new_account(http)
    with receiver() as got:
        made = http.post(
            "/v1/webhooks",
            json={"url": got.url, "events": ["prompt.version.created"], "description": "e2e"},
            headers=person.auth,
        )
        assert made.status_code == 201, made.text
        hook = made.json()["data"]

        created = http.post("/v1/prompts", json=prompt_body(), headers=person.auth)
        assert created.status_code == 201, created.text
        prompt = created.json()["data"]

        [delivered] = got.wait(1, timeout=30)
        time.sleep(0.5)  # nothing else arrives: one event, one delivery
        assert len(got.received) == 1

    event = verify_signature(hook["secret"], delivered.headers, delivered.body)
    assert event["type"] == "prompt.version.created"
    assert event["data"]["promptId"] == prompt["id"]
    assert event["data"]["version"] == 1
    assert delivered.headers["PromptVault-Event"] == "prompt.version.created"
    assert json.loads(delivered.body)["id"] == event["id"]
    deliveries = http.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=person.auth)
    assert deliveries.status_code == 200, deliveries.text
    [row] = deliveries.json()["data"]
    assert (row["status"], row["attempts"], row["lastStatusCode"]) == ("delivered", 1, 200)
    assert row["id"] == delivered.headers["PromptVault-Delivery"]


def test_the_local_stage_refuses_other_plain_http_targets(http: httpx.Client) -> None:
    person = new_account(http)
    for url in ("http://example.com/hooks", "http://localhost:8080/hooks", "https://10.1.2.3/"):
        refused = http.post(
            "/v1/webhooks", json={"url": url, "events": ["prompt.deleted"]}, headers=person.auth
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["details"][0]["field"] == "url"
