"""Labels, fetch by label with revalidation, and rendering over real HTTP (issue 13)."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import Account, prompt_body

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_a_program_fetches_production_revalidates_with_304_and_renders(
    http: httpx.Client, owner: Account
):
    created = http.post("/v1/prompts", json=prompt_body(), headers=owner.auth)
    assert created.status_code == 201, created.text
    path = f"/v1/prompts/{created.json()['data']['id']}"
    moved = http.put(f"{path}/labels/production", json={"version": 1}, headers=owner.auth)
    assert moved.status_code == 200, moved.text

    fetched = http.get(path, params={"label": "production"})
    again = http.get(
        path, params={"label": "production"}, headers={"If-None-Match": fetched.headers["ETag"]}
    )
    rendered = http.post(f"{path}/render", json={"variables": {"topic": "the launch"}})

    assert fetched.status_code == 200, fetched.text
    assert fetched.json()["data"]["labels"] == ["latest", "production"]
    assert "stale-while-revalidate" in fetched.headers["Cache-Control"]
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == fetched.headers["ETag"]
    assert rendered.status_code == 200, rendered.text
    assert "the launch" in rendered.json()["data"]["text"]
