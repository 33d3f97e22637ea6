"""The simulated clients of the load run: a locust file, started by bench/load.py as
``locust -f bench/loadfile.py --headless ...`` in a process of its own (locust patches the
standard library with gevent, which nothing else may share).

Two kinds of client, on accounts the driver created (``LOAD_PLAN``, a JSON file):

- ``Reader``: one account each, never an owner of the prompts it engages with. Reads a
  prompt (signed in or not), lists, searches, reads ratings and versions; rates, withdraws a
  rating, bookmarks, drops a bookmark, counts a view or a copy, forks.
- ``Editor``: an owner's account, shared by two editors so that edits collide: reads the
  prompt's ETag and PATCHes with ``If-Match``; a 412 is an expected answer, not an error.

Every request (name, status, time as locust measured it) and every accepted write with what
the server answered go to the ledger (``LOAD_LEDGER``, JSON lines): the driver takes its
figures from it and compares it with the table's items and the counters after the run. A
client acts one request at a time, so its last ledger line per prompt is its final state.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
_LEDGER = Path(os.environ["LOAD_LEDGER"]).open("a", buffering=1, encoding="utf-8")  # noqa: SIM115
_next_reader = itertools.count()
_next_editor = itertools.count()
WORDS = ("summary", "email", "review", "translate", "story", "plan", "code", "notes")


def record(kind: str, **fields: Any) -> None:
    _LEDGER.write(json.dumps({"kind": kind, **fields}) + "\n")


@events.request.add_listener
def _timed(
    name: str, response_time: float, response: Any = None, exception: Any = None, **_: Any
) -> None:
    """Every request, as locust timed it: the driver's figures come from these lines."""
    status = getattr(response, "status_code", None) or 0
    line: dict[str, Any] = {"name": name, "ms": round(response_time, 2), "status": status}
    if exception is not None:
        line["error"] = str(exception)[:300]
    if status >= 500:
        line["body"] = response.text[:500]
    record("request", at=time.time(), **line)


class Client(HttpUser):
    abstract = True
    wait_time = between(0.05, 0.25)

    def call(
        self, method: str, path: str, name: str, expected: tuple[int, ...], **kwargs: Any
    ) -> Any:
        """One request; the reply when its status is one of ``expected``, else None (and a
        locust failure)."""
        with self.client.request(
            method, path, name=name, catch_response=True, **kwargs
        ) as response:
            if response.status_code in expected:
                response.success()
                return response
            reason = response.text[:200] if response.status_code else repr(response.error)
            response.failure(f"{response.status_code}: {reason[:300]}")
            return None


class Reader(Client):
    weight = 1

    def on_start(self) -> None:
        readers = PLAN["readers"]
        account = readers[next(_next_reader) % len(readers)]
        self.user_id = account["userId"]
        self.auth = {"Authorization": f"Bearer {account['token']}"}
        # Every client writes at once as it starts, however few tasks a busy machine allows.
        self.rate()
        self.bookmark()
        self.view()

    def prompt(self) -> str:
        return str(random.choice(PLAN["prompts"])["id"])

    @task(10)
    def read_prompt(self) -> None:
        headers = self.auth if random.random() < 0.5 else {}
        self.call(
            "GET", f"/v1/prompts/{self.prompt()}", "GET /v1/prompts/{id}", (200,), headers=headers
        )

    @task(3)
    def list_prompts(self) -> None:
        self.call("GET", "/v1/prompts", "GET /v1/prompts", (200,), params={"limit": 20})

    @task(4)
    def search(self) -> None:
        params = {"q": random.choice(WORDS), "limit": 10}
        self.call("GET", "/v1/search", "GET /v1/search", (200,), params=params)

    @task(2)
    def read_ratings(self) -> None:
        self.call(
            "GET",
            f"/v1/prompts/{self.prompt()}/ratings",
            "GET /v1/prompts/{id}/ratings",
            (200,),
            headers=self.auth,
        )

    @task(2)
    def read_versions(self) -> None:
        self.call(
            "GET", f"/v1/prompts/{self.prompt()}/versions", "GET /v1/prompts/{id}/versions", (200,)
        )

    @task(5)
    def rate(self) -> None:
        prompt, score = self.prompt(), random.randint(1, 5)
        if self.call(
            "PUT",
            f"/v1/prompts/{prompt}/rating",
            "PUT /v1/prompts/{id}/rating",
            (200,),
            json={"score": score},
            headers=self.auth,
        ):
            record("rating", rater=self.user_id, prompt=prompt, score=score)

    @task(1)
    def unrate(self) -> None:
        prompt = self.prompt()
        if self.call(
            "DELETE",
            f"/v1/prompts/{prompt}/rating",
            "DELETE /v1/prompts/{id}/rating",
            (204,),
            headers=self.auth,
        ):
            record("rating", rater=self.user_id, prompt=prompt, score=None)

    @task(3)
    def bookmark(self) -> None:
        prompt = self.prompt()
        if self.call(
            "PUT",
            f"/v1/prompts/{prompt}/bookmark",
            "PUT /v1/prompts/{id}/bookmark",
            (200,),
            headers=self.auth,
        ):
            record("bookmark", user=self.user_id, prompt=prompt, on=True)

    @task(1)
    def unbookmark(self) -> None:
        prompt = self.prompt()
        if self.call(
            "DELETE",
            f"/v1/prompts/{prompt}/bookmark",
            "DELETE /v1/prompts/{id}/bookmark",
            (204,),
            headers=self.auth,
        ):
            record("bookmark", user=self.user_id, prompt=prompt, on=False)

    @task(3)
    def view(self) -> None:
        prompt = self.prompt()
        headers = self.auth if random.random() < 0.5 else {}
        if self.call(
            "POST",
            f"/v1/prompts/{prompt}/views",
            "POST /v1/prompts/{id}/views",
            (202,),
            headers=headers,
        ):
            record("view", prompt=prompt)

    @task(1)
    def copy(self) -> None:
        prompt = self.prompt()
        if self.call(
            "POST", f"/v1/prompts/{prompt}/copies", "POST /v1/prompts/{id}/copies", (202,)
        ):
            record("copy", prompt=prompt)

    @task(1)
    def fork(self) -> None:
        prompt = self.prompt()
        reply = self.call(
            "POST",
            f"/v1/prompts/{prompt}/fork",
            "POST /v1/prompts/{id}/fork",
            (201,),
            json={},
            headers=self.auth,
        )
        if reply:
            record("fork", original=prompt, fork=reply.json()["data"]["id"], owner=self.user_id)


class Editor(Client):
    fixed_count = int(os.environ.get("LOAD_EDITORS", "4"))

    def on_start(self) -> None:
        owners = PLAN["owners"]
        self.owner = owners[next(_next_editor) % len(owners)]
        self.auth = {"Authorization": f"Bearer {self.owner['token']}"}
        self.edit()

    @task
    def edit(self) -> None:
        prompt = random.choice(self.owner["prompts"])
        read = self.call(
            "GET",
            f"/v1/prompts/{prompt}",
            "GET /v1/prompts/{id} (owner)",
            (200,),
            headers=self.auth,
        )
        if read is None:
            return
        if_match, current = read.headers["ETag"], read.json()["data"]
        # Mostly a content edit (a new version); else the same content again: the revision
        # moves on, the version does not.
        content = (
            f"Rewrite the {random.choice(WORDS)} notes, edit {uuid.uuid4().hex}."
            if random.random() < 0.8
            else current["content"]
        )
        body = {"content": content, "changeMessage": "load"}
        reply = self.call(
            "PATCH",
            f"/v1/prompts/{prompt}",
            "PATCH /v1/prompts/{id}",
            (200, 412),
            json=body,
            headers={**self.auth, "If-Match": if_match},
        )
        if reply is None:
            return
        if reply.status_code == 412:
            record("conflict", prompt=prompt, ifMatch=if_match)
            return
        record(
            "edit",
            prompt=prompt,
            ifMatch=if_match,
            etag=reply.headers["ETag"],
            readVersion=current["version"],
            version=reply.json()["data"]["version"],
        )
