"""Starts the local runtime once per session, the way a developer does: ``python -m infra.local``.

A subprocess, not an import, because the runtime pins its own environment (endpoints,
user pool, cursor secret) while the rest of the suite has already read its test settings.
Its output goes to a file, so a chatty handler can never block it on a full pipe.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 90
_URL = re.compile(r"^\s+(API|moto)\s+(http://127\.0\.0\.1:\d+)", re.MULTILINE)


@dataclass(frozen=True)
class LocalStage:
    base_url: str
    moto_url: str
    log: Path


def _wait_for_banner(
    process: subprocess.Popen[bytes], log: Path, seconds: float = STARTUP_SECONDS
) -> dict[str, str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        urls = dict(_URL.findall(log.read_text(errors="replace")))
        if {"API", "moto"} <= urls.keys():
            return urls
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the local runtime did not start:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            # generous: a loaded 2-core CI machine can take a while to join the pump and moto
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_local(
    log: Path, startup_seconds: float = STARTUP_SECONDS, **env: str
) -> Iterator[LocalStage]:
    """``python -m infra.local`` on a free port, with these extra variables, until the block
    ends; then stopped with SIGINT, and it must exit cleanly."""
    variables = {**os.environ, "PORT": "0", "PYTHONUNBUFFERED": "1", **env}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "infra.local"],
            cwd=ROOT,
            env=variables,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        urls = _wait_for_banner(process, log, startup_seconds)
        yield LocalStage(urls["API"].removesuffix("/v1"), urls["moto"], log)
    finally:
        _stop(process)
    assert process.returncode == 0, f"unclean stop:\n{log.read_text(errors='replace')}"


@pytest.fixture(scope="session")
def local_stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStage]:
    with running_local(tmp_path_factory.mktemp("local-runtime") / "runtime.log") as stage:
        yield stage


@pytest.fixture(scope="session")
def http(local_stage: LocalStage) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=local_stage.base_url, timeout=30) as client:
        yield client


@dataclass(frozen=True)
class Account:
    email: str
    username: str
    password: str
    access_token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def _patiently(send: Callable[[], httpx.Response], attempts: int = 4) -> httpx.Response:
    """The local stage limits sign-ups and logins per client address (30 a minute, as a
    deployed stage does): the e2e suite signs many people up from 127.0.0.1, so a 429 waits
    its Retry-After (the limit is real and tested elsewhere) and tries again."""
    for _ in range(attempts - 1):
        reply = send()
        if reply.status_code != 429:
            return reply
        time.sleep(min(65, int(reply.headers.get("retry-after", "5")) + 1))
    return send()


def new_account(http: httpx.Client) -> Account:
    """Sign up (auto-confirmed locally) and log in, exactly as the README does."""
    suffix = uuid.uuid4().hex[:10]
    email, username, password = f"Ada.{suffix}@Example.com", f"ada_{suffix}", "Correct-Horse-9"
    body = {"email": email, "password": password, "username": username}
    signed_up = _patiently(lambda: http.post("/v1/auth/signup", json=body))
    assert signed_up.status_code == 201, signed_up.text
    credentials = {"email": email, "password": password}
    login = _patiently(lambda: http.post("/v1/auth/login", json=credentials))
    assert login.status_code == 200, login.text
    return Account(email, username, password, login.json()["data"]["accessToken"])


@pytest.fixture(scope="session")
def owner(http: httpx.Client) -> Account:
    return new_account(http)


def prompt_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Summarise meeting notes",
        "content": "Summarise the notes about {{topic}} in five bullet points for {{audience}}.",
        "description": "Turns long notes into a short summary",
        "variables": [
            {"name": "topic", "description": "What the meeting was about"},
            {"name": "audience", "default": "the team"},
        ],
        "tags": ["Meetings", "summary"],
    }
    return {**body, **overrides}
