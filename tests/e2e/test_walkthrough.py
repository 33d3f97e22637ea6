"""The README walkthrough, over real HTTP against ``python -m infra.local``."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.e2e.conftest import Account, new_account, prompt_body

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _create(http: httpx.Client, account: Account, **overrides: object) -> httpx.Response:
    created = http.post("/v1/prompts", json=prompt_body(**overrides), headers=account.auth)
    assert created.status_code == 201, created.text
    return created


def test_a_new_account_is_confirmed_and_can_read_its_profile(http: httpx.Client):
    account = new_account(http)

    me = http.get("/v1/users/me", headers=account.auth)

    assert me.status_code == 200, me.text
    body = me.json()
    assert body["success"] is True
    assert body["data"]["username"] == account.username
    assert body["data"]["email"] == account.email.lower()


def test_creating_a_prompt_returns_version_one_a_slug_and_an_etag(
    http: httpx.Client, owner: Account
):
    created = _create(http, owner)

    prompt = created.json()["data"]
    assert prompt["version"] == 1
    assert re.fullmatch(r"summarise-meeting-notes-[0-9a-f]{6}", prompt["slug"])  # read it here
    assert created.headers["ETag"]
    assert http.get(f"/v1/prompts/{prompt['slug']}").json()["data"]["id"] == prompt["id"]


def test_owner_edits_lists_versions_restores_and_diffs(http: httpx.Client, owner: Account):
    created = _create(http, owner)
    prompt = created.json()["data"]
    shorter = prompt["content"].replace("five", "three")
    edited = http.patch(
        f"/v1/prompts/{prompt['id']}",
        json={"content": shorter, "changeMessage": "Shorter"},
        headers={**owner.auth, "If-Match": created.headers["ETag"]},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["version"] == 2

    restored = http.post(f"/v1/prompts/{prompt['id']}/versions/1/restore", headers=owner.auth)
    assert restored.status_code == 201, restored.text
    assert restored.json()["data"]["version"] == 3
    assert restored.json()["data"]["content"] == prompt["content"]

    versions = http.get(f"/v1/prompts/{prompt['id']}/versions", headers=owner.auth)
    assert versions.status_code == 200, versions.text
    assert [v["version"] for v in versions.json()["data"]] == [3, 2, 1]
    assert versions.json()["meta"]["hasMore"] is False

    diff = http.get(f"/v1/prompts/{prompt['id']}/diff", params={"from": 1, "to": 2})
    assert diff.status_code == 200, diff.text
    assert "-Summarise the notes about {{topic}} in five" in diff.json()["data"]["contentDiff"]
    assert "+Summarise the notes about {{topic}} in three" in diff.json()["data"]["contentDiff"]


def test_an_edit_without_if_match_is_428_and_with_a_stale_one_412(
    http: httpx.Client, owner: Account
):
    created = _create(http, owner)
    url = f"/v1/prompts/{created.json()['data']['id']}"
    first = http.patch(
        url,
        json={"title": "A fresher title"},
        headers={**owner.auth, "If-Match": created.headers["ETag"]},
    )
    assert first.status_code == 200, first.text

    missing = http.patch(url, json={"title": "Another title"}, headers=owner.auth)
    stale = http.patch(
        url,
        json={"title": "Another title"},
        headers={**owner.auth, "If-Match": created.headers["ETag"]},
    )

    assert missing.status_code == 428, missing.text
    assert stale.status_code == 412, stale.text
    assert stale.json()["success"] is False


def test_writing_without_a_token_is_401_and_with_a_forged_one_401(http: httpx.Client):
    anonymous = http.post("/v1/prompts", json=prompt_body())
    forged = http.post(
        "/v1/prompts", json=prompt_body(), headers={"Authorization": "Bearer not.a.jwt"}
    )

    assert anonymous.status_code == 401, anonymous.text
    assert forged.status_code == 401, forged.text
    assert forged.json()["error"]["code"] == "UNAUTHORIZED"


def test_invalid_json_is_400_in_the_envelope(http: httpx.Client, owner: Account):
    response = http.post(
        "/v1/prompts",
        content=b'{"title": ',
        headers={**owner.auth, "Content-Type": "application/json"},
    )

    assert response.status_code == 400, response.text
    assert response.json()["success"] is False


def test_reference_data_is_public(http: httpx.Client):
    categories = http.get("/v1/categories")
    models = http.get("/v1/models")

    assert categories.status_code == 200, categories.text
    assert models.status_code == 200, models.text
    assert {"slug", "name"} <= categories.json()["data"][0].keys()


def test_a_share_link_reads_a_private_prompt_over_http_until_its_views_are_spent(
    http: httpx.Client, owner: Account
):
    prompt = _create(http, owner, visibility="private").json()["data"]
    made = http.post(f"/v1/prompts/{prompt['id']}/shares", json={"maxViews": 1}, headers=owner.auth)
    assert made.status_code == 201, made.text
    url = made.json()["data"]["url"]

    first = httpx.get(url)  # the link as given: the runtime's own public URL
    second = httpx.get(url)

    assert url.startswith(str(http.base_url).rstrip("/"))
    assert first.status_code == 200, first.text
    assert first.json()["data"]["id"] == prompt["id"]
    assert second.status_code == 410
    assert http.get(f"/v1/prompts/{prompt['id']}").status_code == 404
