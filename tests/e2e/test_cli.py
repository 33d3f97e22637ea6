"""``pv`` against the local runtime: login (0600), pull, render, labels set, push."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from promptvault_sdk.cli import cli

from tests.e2e.conftest import LocalStage, new_account, prompt_body
from tests.e2e.test_sdk import api_key

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

SDK_SRC = Path(__file__).resolve().parents[2] / "sdk" / "python" / "src"


def test_pv_logs_in_pulls_renders_moves_labels_and_pushes(
    local_stage: LocalStage, http: httpx.Client, tmp_path: Path
):
    author = new_account(http)
    key = api_key(http, author, "cli")
    env = {"XDG_CONFIG_HOME": str(tmp_path), "PV_CONFIG": "", "PV_BASE_URL": "", "PV_API_KEY": ""}
    runner = CliRunner()

    def pv(*args: str) -> str:
        result = runner.invoke(cli, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    # login through the real entry point, the key typed at the prompt
    login = subprocess.run(
        [sys.executable, "-m", "promptvault_sdk.cli", "login", "--base-url", local_stage.base_url],
        input=f"{key}\n",
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(SDK_SRC), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert login.returncode == 0, login.stderr
    config = tmp_path / "promptvault" / "config.json"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert json.loads(config.read_text()) == {"base_url": local_stage.base_url, "api_key": key}

    body = tmp_path / "prompt.json"
    body.write_text(json.dumps(prompt_body(title="Pushed from the CLI")))
    prompt_id = pv("push", str(body)).split("\t")[0]
    assert pv("labels", "set", prompt_id, "production", "1") == "production -> version 1\n"
    assert pv("labels", "list", prompt_id) == "latest\t1\nproduction\t1\n"

    pulled = pv("pull", prompt_id)
    assert pulled == f"{prompt_body()['content']}\n"
    as_json = json.loads(pv("pull", prompt_id, "--version", "1", "--json"))
    assert as_json["version"] == 1
    assert as_json["etag"].startswith('"v1-')

    rendered = pv("render", prompt_id, "--var", "topic=the launch", "--var", "audience=ops")
    assert rendered == "Summarise the notes about the launch in five bullet points for ops.\n"

    refused = runner.invoke(cli, ["render", prompt_id, "--var", "topic:=3"], env=env)
    assert refused.exit_code == 1
    assert "422 VALIDATION_ERROR" in refused.output
    assert "variables.topic: must be a string (string)" in refused.output

    missing = runner.invoke(cli, ["pull", prompt_id, "--label", "staging"], env=env)
    assert missing.exit_code == 1
    assert "404 LABEL_NOT_SET" in missing.output
