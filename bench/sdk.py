"""The Python SDK against the local runtime (issue 13): a cache hit, a revalidation answered
304, a cold fetch.

``run()`` starts ``python -m bench.sdk`` in a process of its own (the runtime pins the process
environment) and reads the JSON it prints. That process serves the local stage with
``start_local(port=0)``, signs up, creates an API key and a prompt with ``production`` on
version 1, then times ``PromptVault.get_prompt`` with a request counter on the client:
- cache hit: a fresh entry (TTL 60 s), ``HITS`` calls;
- revalidation: ``cache_ttl=0``, so every call sends ``If-None-Match`` and gets a 304;
- cold fetch: the cache cleared before every call (one 200 on a kept-alive connection).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.local_run import run_module, signed_in

SDK_SRC = Path(__file__).resolve().parents[1] / "sdk" / "python" / "src"
HITS = 20_000
ROUNDS = 60
GOAL_HIT_MS = 0.1
RATE_LIMITS = "general=100000/60,prompt-create=1000/3600"


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 4),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 4),
    }


def _measure() -> dict[str, Any]:
    import httpx

    from infra.local.runtime import start_local

    sys.path.insert(0, str(SDK_SRC))
    from promptvault_sdk import PromptVault

    with (
        start_local(port=0) as runtime,
        httpx.Client(base_url=runtime.base_url, timeout=30) as http,
    ):
        auth = signed_in(http)
        key = http.post(
            "/v1/users/me/api-keys", json={"name": "bench", "scopes": ["read"]}, headers=auth
        ).json()["data"]["key"]
        body = {
            "title": "SDK bench prompt",
            "content": "Summarise the notes about {{topic}} in five bullet points.",
            "variables": [{"name": "topic"}],
        }
        prompt_id = http.post("/v1/prompts", json=body, headers=auth).json()["data"]["id"]
        moved = http.put(
            f"/v1/prompts/{prompt_id}/labels/production", json={"version": 1}, headers=auth
        )
        assert moved.status_code == 200, moved.text

        statuses: list[int] = []
        hooks = {"response": [lambda r: statuses.append(r.status_code)]}
        with PromptVault(runtime.base_url, key, event_hooks=hooks) as vault:
            vault.get_prompt(prompt_id)  # warm the connection and the cache

            before = len(statuses)
            started = time.perf_counter()
            for _ in range(HITS):
                vault.get_prompt(prompt_id)
            hit_ms = (time.perf_counter() - started) * 1000 / HITS
            hit_requests = len(statuses) - before

            revalidations: list[float] = []
            before = len(statuses)
            for _ in range(ROUNDS):
                started = time.perf_counter()
                vault.get_prompt(prompt_id, cache_ttl=0)
                revalidations.append((time.perf_counter() - started) * 1000)
            revalidation_statuses = statuses[before:]

            cold: list[float] = []
            before = len(statuses)
            for _ in range(ROUNDS):
                vault.clear_cache()
                started = time.perf_counter()
                vault.get_prompt(prompt_id)
                cold.append((time.perf_counter() - started) * 1000)
            cold_statuses = statuses[before:]

    return {
        "method": f"PromptVault.get_prompt on the local runtime (moto; one client, kept-alive "
        f"connection): cache hit = mean of {HITS:,} calls on a fresh entry; revalidation = "
        f"cache_ttl=0, If-None-Match answered 304 ({ROUNDS} calls); cold = cache cleared "
        f"before each call, one 200 ({ROUNDS} calls). Requests counted by an httpx event hook.",
        "hit": {"mean_ms": round(hit_ms, 5), "requests": hit_requests, "calls": HITS},
        "revalidation": {
            **_stats(revalidations),
            "requests_per_call": len(revalidation_statuses) / ROUNDS,
            "all_304": set(revalidation_statuses) == {304},
        },
        "cold": {
            **_stats(cold),
            "requests_per_call": len(cold_statuses) / ROUNDS,
            "all_200": set(cold_statuses) == {200},
        },
        "goal_hit_ms": GOAL_HIT_MS,
        "meets_goal": hit_ms < GOAL_HIT_MS
        and hit_requests == 0
        and set(revalidation_statuses) == {304}
        and len(revalidation_statuses) == ROUNDS,
    }


def run() -> dict[str, Any]:
    env = {**os.environ, "RATE_LIMITS": RATE_LIMITS, "PYTHONUNBUFFERED": "1"}
    return run_module("bench.sdk", [], env, 300, keep_stderr=True)


def sdk_table(section: dict[str, Any]) -> str:
    from bench.report import table

    hit, reval, cold = section["hit"], section["revalidation"], section["cold"]
    rows = [
        ["cache hit", f"{hit['mean_ms']:.4f} (mean)", "", f"{hit['requests']} in {hit['calls']:,}"],
        [
            "revalidation (304)",
            f"{reval['median_ms']:.2f}",
            f"{reval['p95_ms']:.2f}",
            f"{reval['requests_per_call']:.0f} per call"
            + (", all 304" if reval["all_304"] else ""),
        ],
        [
            "cold fetch (200)",
            f"{cold['median_ms']:.2f}",
            f"{cold['p95_ms']:.2f}",
            f"{cold['requests_per_call']:.0f} per call",
        ],
    ]
    title = (
        f"Python SDK get_prompt (goal: cache hit < {section['goal_hit_ms']} ms, 0 requests; "
        f"met: {'yes' if section['meets_goal'] else 'NO'})"
    )
    headers = ["path", "median ms", "p95 ms", "requests"]
    return f"{title}\n{table(headers, rows, {1, 2})}\n{section['method']}"


if __name__ == "__main__":
    import logging
    import warnings

    logging.disable(logging.INFO)
    warnings.filterwarnings("ignore")
    print(json.dumps(_measure()), flush=True)
