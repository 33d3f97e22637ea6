"""``make smoke STAGE=… URL=…``: after a deploy, one prompt through the public API.

Creates a private prompt, reads it back, searches for it until the table stream has carried
it into the index (bounded wait), deletes it, and prints one line: ``smoke OK`` with the
timings, or ``smoke FAILED`` naming the step and the answer. Exit status 0 or 1.

It signs in with a personal API key (``SMOKE_API_KEY``, scopes read + write) of an account
kept for the purpose, so no sign-up (and no email) is needed. An operator tool, not product
code: only the public API, nothing of the layer.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

KEY_VARIABLE = "SMOKE_API_KEY"
SEARCH_WAIT_SECONDS = 60.0
POLL_SECONDS = (0.2, 0.5, 1.0, 2.0)  # then every 2 s


class SmokeFailed(Exception):
    """One step did not answer as the product promises; the message says which and how."""


@dataclass
class Smoke:
    client: httpx.Client
    search_wait: float = SEARCH_WAIT_SECONDS
    sleep: Callable[[float], None] = time.sleep
    timings: dict[str, float] = field(default_factory=dict)
    search_tries: int = 0

    def run(self) -> None:
        marker = f"pvsmoke{uuid.uuid4().hex[:12]}"
        prompt_id = self._create(marker)
        try:
            self._read(prompt_id, marker)
            self._search(prompt_id, marker)
        except SmokeFailed as failure:
            try:  # leave nothing behind, and keep the first failure as the news
                self._delete(prompt_id)
            except SmokeFailed as cleanup:
                raise SmokeFailed(f"{failure}; and cleanup {cleanup}") from None
            raise
        self._delete(prompt_id)

    def _call(self, step: str, method: str, path: str, expect: int, **kw: Any) -> httpx.Response:
        started = time.perf_counter()
        try:
            answer = self.client.request(method, path, **kw)
        except httpx.HTTPError as error:
            raise SmokeFailed(f"{step}: {method} {path}: {type(error).__name__}: {error}") from None
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - started
        if answer.status_code != expect:
            body = answer.text.replace("\n", " ")[:300]
            raise SmokeFailed(f"{step}: {method} {path} answered {answer.status_code}: {body}")
        return answer

    def _create(self, marker: str) -> str:
        body = {
            "title": f"Smoke test {marker}",
            "content": f"A prompt the smoke run creates and deletes: {marker}.",
            "description": "Created by make smoke; deleted at the end of the run",
            "visibility": "private",
            "tags": ["smoke"],
        }
        answer = self._call("create", "POST", "/v1/prompts", 201, json=body)
        return str(answer.json()["data"]["id"])

    def _read(self, prompt_id: str, marker: str) -> None:
        answer = self._call("read", "GET", f"/v1/prompts/{prompt_id}", 200)
        title = answer.json()["data"]["title"]
        if marker not in title:
            raise SmokeFailed(f"read: GET /v1/prompts/{prompt_id} has title {title!r}")

    def _search(self, prompt_id: str, marker: str) -> None:
        """The stream carries the prompt into the index asynchronously: ask until it shows."""
        params = {"q": marker, "includeOwn": "true"}
        deadline = time.monotonic() + self.search_wait
        started = time.perf_counter()
        while True:
            self.search_tries += 1
            answer = self._call("search", "GET", "/v1/search", 200, params=params)
            if prompt_id in [hit["id"] for hit in answer.json()["data"]]:
                self.timings["search"] = time.perf_counter() - started
                return
            if time.monotonic() >= deadline:
                raise SmokeFailed(
                    f"search: {prompt_id} not found for q={marker} after "
                    f"{self.search_wait:.0f} s ({self.search_tries} tries): is the stream "
                    "indexer running and mapped (DLQ, iterator age)?"
                )
            self.sleep(POLL_SECONDS[min(self.search_tries - 1, len(POLL_SECONDS) - 1)])

    def _delete(self, prompt_id: str) -> None:
        self._call("delete", "DELETE", f"/v1/prompts/{prompt_id}", 204)

    def summary(self) -> str:
        steps = ", ".join(f"{step} {ms(seconds)}" for step, seconds in self.timings.items())
        return f"{steps} ({self.search_tries} search tries)"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def base_url(url: str) -> str:
    """The API's root, whether given as the ApiUrl output or with /v1 appended."""
    return url.rstrip("/").removesuffix("/v1")


def smoke(url: str, api_key: str, *, stage: str, search_wait: float = SEARCH_WAIT_SECONDS) -> str:
    """Run once; the one line to print. Raises nothing: a failure is the line's content."""
    headers = {"Authorization": f"Bearer {api_key}", "User-Agent": "promptvault-smoke"}
    with httpx.Client(base_url=base_url(url), headers=headers, timeout=15) as client:
        run = Smoke(client, search_wait=search_wait)
        try:
            run.run()
        except SmokeFailed as failure:
            return f"smoke FAILED {stage} {base_url(url)}: {failure}"
    return f"smoke OK {stage} {base_url(url)}: {run.summary()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("URL", ""), help="the stage's ApiUrl")
    parser.add_argument("--stage", default=os.environ.get("STAGE", "dev"))
    parser.add_argument("--search-wait", type=float, default=SEARCH_WAIT_SECONDS)
    args = parser.parse_args(argv)
    key = os.environ.get(KEY_VARIABLE, "")
    if not args.url or not key:
        print(
            f"smoke FAILED {args.stage}: set URL (the stack output ApiUrl) and {KEY_VARIABLE} "
            "(an API key with read and write scopes; docs/runbook.md)"
        )
        return 1
    line = smoke(args.url, key, stage=args.stage, search_wait=args.search_wait)
    print(line)
    return 0 if line.startswith("smoke OK") else 1


if __name__ == "__main__":
    sys.exit(main())
