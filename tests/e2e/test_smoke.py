"""``make smoke`` against the local runtime: the same run an operator makes after a deploy."""

from __future__ import annotations

import httpx
import pytest

from infra.smoke import main, smoke
from tests.e2e.conftest import Account, LocalStage

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def api_key(http: httpx.Client, owner: Account) -> str:
    created = http.post(
        "/v1/users/me/api-keys",
        json={"name": "smoke", "scopes": ["read", "write"]},
        headers=owner.auth,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["data"]["key"])


def test_smoke_creates_reads_finds_and_deletes_one_prompt(
    local_stage: LocalStage, api_key: str, http: httpx.Client, owner: Account
) -> None:
    line = smoke(f"{local_stage.base_url}/v1", api_key, stage="local", search_wait=30)

    assert line.startswith("smoke OK local "), line
    for step in ("create", "read", "search", "delete"):
        assert f"{step} " in line
    mine = http.get("/v1/users/me/prompts", headers=owner.auth).json()["data"]
    assert not [p for p in mine if p["title"].startswith("Smoke test pvsmoke")]


def test_smoke_says_in_one_line_which_step_failed(local_stage: LocalStage) -> None:
    line = smoke(local_stage.base_url, "pv_not_a_key", stage="local", search_wait=1)

    assert line.startswith("smoke FAILED local "), line
    assert "create: POST /v1/prompts answered 401" in line
    assert "\n" not in line


def test_smoke_without_url_or_key_exits_non_zero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SMOKE_API_KEY", raising=False)

    assert main(["--url", "http://127.0.0.1:9", "--stage", "dev"]) == 1
    assert "SMOKE_API_KEY" in capsys.readouterr().out
