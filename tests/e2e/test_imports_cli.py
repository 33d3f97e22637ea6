"""Import and export against the local runtime (``python -m infra.local``): the SDK inline
and through the pre-signed upload URL to moto on 127.0.0.1, the queue poller running the
worker, and ``pv import`` / ``pv export`` (issue 13, docs/imports.md)."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from click.testing import CliRunner
from promptvault_sdk import PromptVault
from promptvault_sdk.cli import cli

from tests.e2e.conftest import LocalStage, new_account
from tests.e2e.test_sdk import api_key

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def markdown(tag: str, count: int, padding: int = 0) -> str:
    return "\n".join(
        f"---\ntitle: E2E import {tag} {n}\ntags: [e2e]\n---\n\n"
        f"Summarise {{{{topic}}}} in {n} short lines, please.{' Be kind.' * padding}\n"
        for n in range(1, count + 1)
    )


@pytest.fixture
def client(local_stage: LocalStage, http: httpx.Client) -> PromptVault:
    # a long read timeout: the local runtime serves requests while its worker imports
    key = api_key(http, new_account(http), "imports")
    return PromptVault(local_stage.base_url, key, timeout=60)


def test_the_sdk_imports_a_small_file_inline_and_waits_for_it(client, tmp_path):
    path = tmp_path / "prompts.md"
    path.write_text(markdown(uuid.uuid4().hex[:6], 3) + "---\ntitle: Hey\n---\n\nToo short.\n")

    done = client.import_file(path, timeout=60)

    assert done.status == "done", done
    assert (done.counts.created, done.counts.skipped, done.counts.rejected) == (3, 0, 1)
    (rejected,) = client.import_rows(done.id, "rejected")
    assert rejected.number == 4
    assert rejected.reason.startswith("title:")
    assert client.import_file(path, timeout=60).counts.skipped == 3


def test_a_large_file_goes_to_the_presigned_url_on_the_local_moto(client, local_stage, tmp_path):
    path = tmp_path / "big.md"
    path.write_text(markdown(uuid.uuid4().hex[:6], 150, padding=50))  # > 60,000 characters
    assert len(path.read_text()) > 60_000

    started = client.import_file(path, wait=False)

    assert started.upload_url is not None
    assert urlparse(started.upload_url).netloc == urlparse(local_stage.moto_url).netloc
    done = client.wait_for_import(started.id, timeout=240)
    assert done.status == "done", done
    assert done.counts.created == 150


def test_an_export_reimports_into_a_fresh_account(client, local_stage, http, tmp_path):
    path = tmp_path / "mine.md"
    path.write_text(markdown(uuid.uuid4().hex[:6], 2))
    client.import_file(path, timeout=60)
    fresh = PromptVault(local_stage.base_url, api_key(http, new_account(http), "fresh"))

    for fmt, suffix in (("json", ".json"), ("csv", ".csv"), ("yaml", ".yaml"), ("markdown", ".md")):
        exported = tmp_path / f"export{suffix}"
        exported.write_text(client.export(fmt))
        done = fresh.import_file(exported, timeout=60)
        first = fmt == "json"
        assert done.counts.created == (2 if first else 0), (fmt, done)
        assert done.counts.skipped == (0 if first else 2), (fmt, done)


def test_pv_import_prints_counts_and_reasons_and_pv_export_writes_a_file(
    local_stage: LocalStage, http: httpx.Client, tmp_path: Path
):
    key = api_key(http, new_account(http), "cli-imports")
    env = {"PV_CONFIG": str(tmp_path / "none.json"), "PV_BASE_URL": local_stage.base_url}
    env["PV_API_KEY"] = key
    runner = CliRunner()
    path = tmp_path / "prompts.csv"
    tag = uuid.uuid4().hex[:6]
    path.write_text(
        "act,prompt,for_devs,type,contributor\n"
        f"CLI import {tag},Write a haiku about {{{{topic}}}} and the sea.,TRUE,TEXT,me\n"
        "Xh,Too short a title for the rules of a prompt.,FALSE,TEXT,me\n"
    )

    imported = runner.invoke(cli, ["import", str(path)], env=env)

    assert imported.exit_code == 0, imported.output
    first, *rest = imported.output.splitlines()
    assert first.split("\t")[1:] == ["done", "created 1", "skipped 0", "rejected 1"]
    assert rest[0].startswith("row 2\tXh\ttitle: ")
    waiting = runner.invoke(cli, ["import", str(path), "--no-wait"], env=env)
    assert waiting.exit_code == 0, waiting.output
    assert waiting.output.split("\t")[0].startswith("i_")

    out = tmp_path / "export.csv"
    exported = runner.invoke(cli, ["export", "--format", "csv", "--output", str(out)], env=env)
    assert exported.exit_code == 0, exported.output
    assert out.read_text().startswith("act,prompt,for_devs,type,contributor")
    assert f"CLI import {tag}" in out.read_text()
    printed = runner.invoke(cli, ["export", "--format", "markdown"], env=env)
    assert f"title: CLI import {tag}" in printed.output
