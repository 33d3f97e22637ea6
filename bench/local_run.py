"""What the local-runtime benches share: a signed-in account on a running runtime, and the
measurement run in a subprocess with a time budget."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def signed_in(http: Any) -> dict[str, str]:
    """Sign up and log in over ``http`` (an httpx client on the gateway); the auth header."""
    suffix = uuid.uuid4().hex[:10]
    email, password = f"bench.{suffix}@example.com", "Correct-Horse-9"
    signed_up = http.post(
        "/v1/auth/signup",
        json={"email": email, "password": password, "username": f"bench_{suffix}"},
    )
    assert signed_up.status_code == 201, signed_up.text
    login = http.post("/v1/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['data']['accessToken']}"}


def run_module(
    name: str, args: list[str], env: dict[str, str], budget: float, *, keep_stderr: bool
) -> dict[str, Any]:
    """``python -m <name> <args>``; its last stdout line is the JSON result. SIGINT it (then
    kill) if it outlives ``budget`` seconds. ``keep_stderr``: capture stderr for the error
    message, else let it through to the terminal."""
    process = subprocess.Popen(
        [sys.executable, "-m", name, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE if keep_stderr else None,
        text=True,
    )
    label = name.rpartition(".")[2]
    try:
        out, err = process.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        raise RuntimeError(f"{label} timed out{_tail(err)}") from None
    if process.returncode != 0:
        raise RuntimeError(f"{label} failed ({process.returncode}){_tail(err)}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def run_in_local_stage(
    name: str, args: list[str], rate_limits: str, budget: float, *, keep_stderr: bool
) -> dict[str, Any]:
    """``run_module`` for a bench that serves a local stage in its process: these rate limits
    (generous, so the counter write stays in every request), a search index of its own that
    is removed afterwards, handler logs at WARNING."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{name.rpartition('.')[2]}-") as index_dir:
        env = {
            **os.environ,
            "RATE_LIMITS": rate_limits,
            "PYTHONUNBUFFERED": "1",
            "SEARCH_INDEX_DIR": index_dir,
            "POWERTOOLS_LOG_LEVEL": "WARNING",
        }
        return run_module(name, args, env, budget, keep_stderr=keep_stderr)


def _tail(err: str | None) -> str:
    return f":\n{err[-4000:]}" if err else ""
