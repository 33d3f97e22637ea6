"""The load run: many simulated clients reading, searching, rating and editing the local
runtime for a fixed time, then the invariants the stream consumers and the optimistic lock
promise, checked against the truth.

``run()`` starts ``python -m bench.load`` in a process of its own (the runtime pins the
process environment). That process serves the local stage with ``start_local(port=0)``
(gateway, moto, stream pump, tantivy: as ``make run``), with rate limits raised so they
never trip (the counter write stays in every request's path), and:

1. seeds: owners with prompts, one account per reader (sign-up and log-in through the API),
   and calls each route once on an unknown id, so first-request builds stay out of the figures;
2. runs locust headless on ``bench/loadfile.py`` in a subprocess for a fixed time (locust
   patches the standard library with gevent: never in this process or pytest's); requests,
   req/s, p50, p99, failures and 5xx come from the clients' ledger of every request;
3. races: ``RACE_CLIENTS`` clients PATCH one prompt with the same ``If-Match`` at once, for
   ``RACE_ROUNDS`` revisions: exactly one 200 and the rest 412 each time;
4. drains the stream pump (until a poll reads nothing twice) and checks:
   - every counter (each prompt's stats item and what the API shows: views, copies,
     bookmarks, forks, rating count, sum, breakdown and average; each profile's public
     prompts and reputation) equals the truth recomputed from the engagement items themselves
     (ratings, bookmarks, fork links, views and copies: what the counters are derived from,
     never the counters);
   - those items equal what the clients did (their ledger of accepted writes);
   - every prompt's versions are 1..n with n its current version, in the table and through
     the API; the edits that wrote a version were answered 2..n, one each;
   - no revision was won twice under load (every accepted edit names a distinct If-Match)
     and each moved it by one;
   - no dead letters, no 5xx anywhere.

It prints one JSON line: the measurements and every check with its mismatches.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bench.local_run import run_in_local_stage, signed_in
from bench.report import percentile

ROOT = Path(__file__).resolve().parents[1]
LOADFILE = Path(__file__).resolve().parent / "loadfile.py"
RACE_ROUNDS = 5
RACE_CLIENTS = 8
# The suite's bounded run (tests/e2e/test_load.py) and `make bench`'s longer one.
TEST = {"users": 12, "editors": 4, "seconds": 20, "rounds": 4, "clients": RACE_CLIENTS}
BENCH = {"users": 32, "editors": 8, "seconds": 120, "rounds": 10, "clients": RACE_CLIENTS}
PROMPTS_PER_OWNER = 5
# Raised, not off: every request still makes its rate-limit counter write.
RATE_LIMITS = (
    "auth-account=10000000/60,auth-ip=10000000/60,rating=10000000/3600,"
    "prompt-create=10000000/3600,general=10000000/60"
)
TOPICS = ("summary", "email", "review", "translate", "story", "plan", "code", "notes")
STAT_FIELDS = (
    "views",
    "copies",
    "bookmarks",
    "forks",
    "ratingCount",
    "ratingSum",
    "rating1",
    "rating2",
    "rating3",
    "rating4",
    "rating5",
    "guestRatingCount",
    "guestRatingSum",
)
PROGRESS = sys.stderr  # the gateway's one line per request goes elsewhere (see __main__)


def _progress(message: str) -> None:
    print(f"load: {message}", file=PROGRESS, flush=True)


# --- seeding --------------------------------------------------------------------------------


def _account(http: Any) -> dict[str, Any]:
    auth = signed_in(http)
    me = http.get("/v1/users/me", headers=auth)
    assert me.status_code == 200, me.text
    token = auth["Authorization"].removeprefix("Bearer ")
    return {"userId": me.json()["data"]["id"], "token": token}


def _create_prompt(http: Any, account: dict[str, Any], n: int) -> str:
    topic = TOPICS[n % len(TOPICS)]
    body = {
        "title": f"Load {topic} prompt {n}",
        "content": f"Write a short {topic} for the reader, in plain words ({n}).",
        "tags": ["load", topic],
    }
    created = http.post(
        "/v1/prompts", json=body, headers={"Authorization": f"Bearer {account['token']}"}
    )
    assert created.status_code == 201, created.text
    return str(created.json()["data"]["id"])


def seed(http: Any, readers: int, owners: int) -> dict[str, Any]:
    """Owners with ``PROMPTS_PER_OWNER`` prompts each, one account per reader, and a race
    prompt whose owner nobody else uses."""
    plan: dict[str, Any] = {"owners": [], "readers": [], "prompts": []}
    n = 0
    for _ in range(owners):
        owner = {**_account(http), "prompts": []}
        for _ in range(PROMPTS_PER_OWNER):
            prompt_id = _create_prompt(http, owner, n)
            owner["prompts"].append(prompt_id)
            plan["prompts"].append({"id": prompt_id, "ownerId": owner["userId"]})
            n += 1
        plan["owners"].append(owner)
    plan["readers"] = [_account(http) for _ in range(readers)]
    racer = _account(http)
    plan["race"] = {**racer, "prompt": _create_prompt(http, racer, n)}
    warm_up(http, racer["token"])
    return plan


# (method, path) of each route the clients call; {id}: a prompt that does not exist
WARM_UP = (
    ("GET", "/v1/prompts/{id}"),
    ("GET", "/v1/prompts"),
    ("GET", "/v1/search"),
    ("GET", "/v1/prompts/{id}/ratings"),
    ("GET", "/v1/prompts/{id}/versions"),
    ("PUT", "/v1/prompts/{id}/rating"),
    ("DELETE", "/v1/prompts/{id}/rating"),
    ("PUT", "/v1/prompts/{id}/bookmark"),
    ("DELETE", "/v1/prompts/{id}/bookmark"),
    ("POST", "/v1/prompts/{id}/views"),
    ("POST", "/v1/prompts/{id}/copies"),
    ("POST", "/v1/prompts/{id}/fork"),
    ("PATCH", "/v1/prompts/{id}"),
)


def warm_up(http: Any, token: str) -> None:
    """One request to each route, on a prompt id that does not exist (404, or a refusal
    before that): each function's first-request cost stays out of the figures, and nothing
    is written."""
    unknown = "p_" + "0" * 32
    headers = {"Authorization": f"Bearer {token}", "If-Match": '"r1"'}
    for method, path in WARM_UP:
        body = {} if method in ("PUT", "PATCH", "POST") else None
        reply = http.request(method, path.replace("{id}", unknown), headers=headers, json=body)
        assert reply.status_code < 500, reply.text


# --- the load -------------------------------------------------------------------------------


def _run_locust(
    base_url: str, work: Path, plan: dict[str, Any], users: int, editors: int, seconds: int
) -> list[dict[str, Any]]:
    """Locust headless for ``seconds``; the clients' ledger (its summary is in locust.log)."""
    plan_path, ledger = work / "plan.json", work / "ledger.jsonl"
    plan_path.write_text(json.dumps(plan))
    ledger.touch()
    env = {
        **os.environ,
        "LOAD_PLAN": str(plan_path),
        "LOAD_LEDGER": str(ledger),
        "LOAD_EDITORS": str(editors),
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOADFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 2)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "60",  # a client finishes its task: a write it made is in the ledger
        "--host",
        base_url,
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    with (work / "locust.log").open("wb") as log:
        process = subprocess.run(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 180
        )
    if process.returncode != 0:
        tail = (work / "locust.log").read_text(errors="replace")[-4000:]
        raise RuntimeError(f"locust failed ({process.returncode}):\n{tail}")
    return [json.loads(line) for line in ledger.read_text().splitlines() if line.strip()]


def figures(requests: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    times = [r["ms"] for r in requests]
    return {
        "requests": len(requests),
        "failures": sum(1 for r in requests if "error" in r),
        "server_errors": sum(1 for r in requests if r["status"] >= 500),
        "req_per_s": round(len(requests) / seconds, 1),
        "p50_ms": round(percentile(times, 0.5), 1) if times else None,
        "p99_ms": round(percentile(times, 0.99), 1) if times else None,
        "max_ms": round(max(times), 1) if times else None,
    }


def load_figures(ledger: list[dict[str, Any]]) -> dict[str, Any]:
    """Throughput over the span from the first request's start to the last one's end."""
    requests = [line for line in ledger if line["kind"] == "request"]
    if not requests:
        raise RuntimeError("the load made no request")
    span = max(r["at"] for r in requests) - min(r["at"] - r["ms"] / 1000 for r in requests)
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in requests:
        by_name[r["name"]].append(r)
    return {
        **figures(requests, span),
        "span_seconds": round(span, 1),
        "endpoints": [
            {"endpoint": name, **figures(rows, span)} for name, rows in sorted(by_name.items())
        ],
        "failure_samples": [
            {"request": r["name"], "status": r["status"], "error": r["error"]}
            for r in requests
            if "error" in r
        ][:10],
        "server_error_samples": [
            {"request": r["name"], "status": r["status"], "body": r.get("body")}
            for r in requests
            if r["status"] >= 500
        ][:5],
    }


# --- the If-Match race ----------------------------------------------------------------------


def race(base_url: str, token: str, prompt_id: str, rounds: int, clients: int) -> dict[str, Any]:
    """``clients`` PATCHes with one If-Match, released together by a barrier, per round."""
    import httpx

    auth = {"Authorization": f"Bearer {token}"}
    rows = []
    with httpx.Client(base_url=base_url, timeout=60) as http:
        for number in range(1, rounds + 1):
            read = http.get(f"/v1/prompts/{prompt_id}", headers=auth)
            assert read.status_code == 200, read.text
            if_match = read.headers["ETag"]
            statuses = _patch_together(base_url, auth, prompt_id, if_match, clients)
            tally = Counter(statuses)
            rows.append(
                {
                    "round": number,
                    "ifMatch": if_match,
                    "winners": tally.get(200, 0),
                    "preconditionFailed": tally.get(412, 0),
                    "other": sorted(s for s in statuses if s not in (200, 412)),
                }
            )
    ok = all(r["winners"] == 1 and r["preconditionFailed"] == clients - 1 for r in rows)
    return {"rounds": rows, "clients": clients, "ok": ok}


def _patch_together(
    base_url: str, auth: dict[str, str], prompt_id: str, if_match: str, clients: int
) -> list[int]:
    import httpx

    barrier = threading.Barrier(clients)
    statuses = [0] * clients

    def one(i: int) -> None:
        with httpx.Client(base_url=base_url, timeout=60) as http:
            http.get("/v1/categories")  # the connection is open before the barrier
            barrier.wait()
            body = {"content": f"Race edit {i}: write the plan again, {uuid.uuid4().hex}."}
            reply = http.patch(
                f"/v1/prompts/{prompt_id}", json=body, headers={**auth, "If-Match": if_match}
            )
            statuses[i] = reply.status_code

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


# --- after the load: drain, then the truth ---------------------------------------------------


def drain(pump: Any, timeout: float = 120) -> float:
    """Deliver until a poll of the stream reads nothing twice running; the seconds it took.
    ``drain()`` delivers what it read before it returns, under the pump's lock."""
    began = time.perf_counter()
    quiet = 0
    while quiet < 2:
        if time.perf_counter() - began > timeout:
            raise RuntimeError("the stream pump did not drain")
        quiet = quiet + 1 if pump.drain() == 0 else 0
    return round(time.perf_counter() - began, 2)


def scan(table_name: str) -> list[dict[str, Any]]:
    import boto3

    table = boto3.resource("dynamodb").Table(table_name)
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {}
    while True:
        page = table.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def truth(items: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Each prompt's counters recomputed from the items they count: its ratings, the
    bookmarks and fork links that name it, its views and copies (one's own marked ``own``
    count nowhere). Not from the counters, not from their stream."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        kind, prompt_id = item.get("type"), item.get("promptId")
        if prompt_id is None or item.get("own"):
            continue
        counted = counts[str(prompt_id)]
        if kind == "Rating":
            score = int(item["score"])
            counted.update({"ratingCount": 1, "ratingSum": score, f"rating{score}": 1})
            if str(item["rater"]).startswith("g:"):
                counted.update({"guestRatingCount": 1, "guestRatingSum": score})
        elif kind == "Bookmark":
            counted["bookmarks"] += 1
        elif kind == "Fork":
            counted["forks"] += 1
        elif kind == "Usage":
            counted["views" if item["kind"] == "view" else "copies"] += 1
    return {pid: {f: c.get(f, 0) for f in STAT_FIELDS} for pid, c in counts.items()}


def _of(items: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [i for i in items if i.get("type") == kind]


def check_counters(items: list[dict[str, Any]], http: Any) -> dict[str, Any]:
    """Stats items, profiles and the API's view of them against ``truth``."""
    from promptvault.users.reputation import points

    expected = truth(items)
    heads = {str(h["promptId"]): h for h in _of(items, "Prompt")}
    stats = {str(s["PK"]).removeprefix("PROMPT#"): s for s in _of(items, "Stats")}
    mismatches: list[dict[str, Any]] = []
    for pid in heads:
        want = expected.get(pid, dict.fromkeys(STAT_FIELDS, 0))
        have = {f: int(stats.get(pid, {}).get(f) or 0) for f in STAT_FIELDS}
        if have != want:
            mismatches.append({"prompt": pid, "where": "stats item", "have": have, "want": want})
        mismatches += _api_mismatches(http, pid, want)
    for profile in _of(items, "User"):
        uid = str(profile["userId"])
        owned = [h for h in heads.values() if h["ownerId"] == uid]
        want_profile = {
            "publicPrompts": sum(
                h["visibility"] == "public" and h["status"] == "published" for h in owned
            ),
            "reputation": sum(points(expected.get(str(h["promptId"]), {})) for h in owned),
        }
        have_profile = {f: int(profile.get(f) or 0) for f in want_profile}
        if have_profile != want_profile:
            mismatches.append(
                {"user": uid, "where": "profile", "have": have_profile, "want": want_profile}
            )
    return {
        "prompts": len(heads),
        "profiles": len(_of(items, "User")),
        "mismatches": mismatches[:20],
        "ok": not mismatches,
    }


def _api_mismatches(http: Any, pid: str, want: dict[str, int]) -> list[dict[str, Any]]:
    count, total = want["ratingCount"], want["ratingSum"]
    average = round(total / count, 2) if count else None
    shown = http.get(f"/v1/prompts/{pid}").json()["data"]["stats"]
    want_shown = {
        "views": want["views"],
        "copies": want["copies"],
        "bookmarks": want["bookmarks"],
        "forks": want["forks"],
        "ratingCount": count,
        "ratingAverage": average,
    }
    ratings = http.get(f"/v1/prompts/{pid}/ratings").json()["data"]
    have_ratings = {k: ratings[k] for k in ("count", "average", "breakdown")}
    want_ratings = {
        "count": count,
        "average": average,
        "breakdown": {str(n): want[f"rating{n}"] for n in range(1, 6)},
    }
    found = []
    if shown != want_shown:
        found.append({"prompt": pid, "where": "GET prompt", "have": shown, "want": want_shown})
    if have_ratings != want_ratings:
        found.append(
            {"prompt": pid, "where": "GET ratings", "have": have_ratings, "want": want_ratings}
        )
    return found


def check_ledger(items: list[dict[str, Any]], ledger: list[dict[str, Any]]) -> dict[str, Any]:
    """The engagement items are what the clients did: each rater's last rating, each
    reader's last bookmark state, every view, copy and fork."""
    ratings: dict[tuple[str, str], int | None] = {}
    marks: dict[tuple[str, str], bool] = {}
    usage: Counter[tuple[str, str]] = Counter()
    forks: set[tuple[str, str]] = set()
    for line in ledger:
        if line["kind"] == "rating":
            ratings[(f"u:{line['rater']}", line["prompt"])] = line["score"]
        elif line["kind"] == "bookmark":
            marks[(line["user"], line["prompt"])] = line["on"]
        elif line["kind"] in ("view", "copy"):
            usage[(line["kind"], line["prompt"])] += 1
        elif line["kind"] == "fork":
            forks.add((line["original"], line["fork"]))
    found = {
        "ratings": {
            (str(i["rater"]), str(i["promptId"])): int(i["score"]) for i in _of(items, "Rating")
        },
        "bookmarks": {(str(i["userId"]), str(i["promptId"])) for i in _of(items, "Bookmark")},
        "views and copies": Counter(
            (str(i["kind"]), str(i["promptId"])) for i in _of(items, "Usage")
        ),
        "forks": {(str(i["promptId"]), str(i["forkId"])) for i in _of(items, "Fork")},
    }
    did = {
        "ratings": {k: v for k, v in ratings.items() if v is not None},
        "bookmarks": {k for k, on in marks.items() if on},
        "views and copies": usage,
        "forks": forks,
    }
    differs = sorted(name for name in did if did[name] != found[name])
    return {
        "accepted_writes": {
            "ratings": sum(1 for line in ledger if line["kind"] == "rating"),
            "bookmarks": sum(1 for line in ledger if line["kind"] == "bookmark"),
            "views": sum(n for (kind, _), n in usage.items() if kind == "view"),
            "copies": sum(n for (kind, _), n in usage.items() if kind == "copy"),
            "forks": len(forks),
        },
        "differs": differs,
        "ok": not differs,
    }


def check_versions(
    items: list[dict[str, Any]], ledger: list[dict[str, Any]], http: Any, race_wins: dict[str, int]
) -> dict[str, Any]:
    """Versions 1..n in the table and through the API, n the head's version; each accepted
    edit won a distinct revision (its If-Match) and moved it by one; the edits that wrote a
    version were answered 2..n, one each."""
    numbers: dict[str, list[int]] = defaultdict(list)
    for version in _of(items, "Version"):
        numbers[str(version["promptId"])].append(int(version["number"]))
    edits: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in ledger:
        if line["kind"] == "edit":
            edits[line["prompt"]].append(line)
    problems: list[dict[str, Any]] = []
    for head in _of(items, "Prompt"):
        pid, n, revision = str(head["promptId"]), int(head["version"]), int(head["revision"])
        contiguous = list(range(1, n + 1))
        wins = edits[pid]
        versioned = sorted(e["version"] for e in wins if e["version"] != e["readVersion"])
        raced = race_wins.get(pid, 0)
        checks = {
            "table 1..n": sorted(numbers[pid]) == contiguous,
            "API n..1": _listed_versions(http, pid) == contiguous[::-1],
            "one winner per revision": len({e["ifMatch"] for e in wins}) == len(wins),
            "revision = 1 + edits won": revision == 1 + len(wins) + raced,
            "each win: revision +1, version +0 or +1": all(
                e["etag"] == f'"r{int(e["ifMatch"].strip(chr(34))[1:]) + 1}"'
                and e["version"] - e["readVersion"] in (0, 1)
                for e in wins
            ),
            "versioning wins answered 2..n": raced > 0 or versioned == contiguous[1:],
        }
        if not all(checks.values()):
            failed = [name for name, held in checks.items() if not held]
            problems.append({"prompt": pid, "version": n, "revision": revision, "failed": failed})
    return {
        "prompts": len(_of(items, "Prompt")),
        "versions": sum(len(v) for v in numbers.values()),
        "edits_won": sum(len(v) for v in edits.values()),
        "edits_412": sum(1 for line in ledger if line["kind"] == "conflict"),
        "problems": problems[:20],
        "ok": not problems,
    }


def _listed_versions(http: Any, pid: str) -> list[int]:
    listed: list[int] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = http.get(f"/v1/prompts/{pid}/versions", params=params).json()
        listed += [v["version"] for v in page["data"]]
        if not page["meta"].get("nextCursor"):
            return listed
        params["cursor"] = page["meta"]["nextCursor"]


class _Watch:
    """An httpx event hook: 5xx answered to the checks themselves."""

    def __init__(self) -> None:
        self.server_errors: list[str] = []

    def __call__(self, response: Any) -> None:
        if response.status_code >= 500:
            self.server_errors.append(f"{response.request.method} {response.request.url.path}")


def _measure(users: int, editors: int, seconds: int, rounds: int, clients: int) -> dict[str, Any]:
    import httpx

    from infra.local.runtime import start_local

    started = time.perf_counter()
    watch = _Watch()
    with (
        tempfile.TemporaryDirectory(prefix="bench-load-") as work_dir,
        start_local(port=0) as runtime,
        httpx.Client(
            base_url=runtime.base_url, timeout=60, event_hooks={"response": [watch]}
        ) as http,
    ):
        work = Path(os.environ.get("LOAD_WORK_DIR") or work_dir)  # kept when named
        owners = max(1, editors // 2)  # two editors per owner: their edits collide
        plan = seed(http, users - editors, owners)
        _progress(f"seeded {len(plan['prompts'])} prompts, {users} accounts; locust {seconds}s")
        cpu, load_average = time.process_time(), os.getloadavg()[0]
        ledger = _run_locust(runtime.base_url, work, plan, users, editors, seconds)
        cpu, load_average = time.process_time() - cpu, max(load_average, os.getloadavg()[0])
        load = load_figures(ledger)
        _progress(f"{load['requests']} requests, {load['req_per_s']} req/s; race, drain, check")
        racer = plan["race"]
        raced = race(runtime.base_url, racer["token"], racer["prompt"], rounds, clients)
        assert runtime.pump is not None
        drained = drain(runtime.pump)
        items = scan(runtime.table_name)
        race_wins = {racer["prompt"]: sum(r["winners"] for r in raced["rounds"])}
        checks = {
            "counters": check_counters(items, http),
            "ledger": check_ledger(items, ledger),
            "versions": check_versions(items, ledger, http, race_wins),
            "race": raced,
        }
        dead_letters = len(runtime.pump.dead_letters)
    race_5xx = sum(1 for r in raced["rounds"] for s in r["other"] if s >= 500)
    server_errors = load["server_errors"] + race_5xx + len(watch.server_errors)
    ok = (
        all(c["ok"] for c in checks.values())
        and not dead_letters
        and not server_errors
        and not load["failures"]
    )
    return {
        "users": users,
        "editors": editors,
        "seconds": seconds,
        **load,
        "server_errors": server_errors,
        "checks_5xx": watch.server_errors[:5],
        "drain_seconds": drained,
        # What a request costs the runtime's process (gateway, handlers, moto, pump: one
        # interpreter), whatever else the machine runs; and how busy the machine was.
        "runtime_cpu_ms_per_request": round(cpu * 1000 / load["requests"], 1),
        "load_average": round(load_average, 1),
        "cpus": os.cpu_count(),
        "dead_letters": dead_letters,
        "table_items": len(items),
        "checks": checks,
        "ok": ok,
        "wall_seconds": round(time.perf_counter() - started, 1),
        "method": f"locust {users} users ({editors} editors on {max(1, editors // 2)} owners' "
        f"prompts, the rest readers) for {seconds}s against the local runtime (gateway, moto, "
        "stream pump, tantivy) with rate limits raised; then the If-Match race "
        f"({rounds} rounds x {clients} clients), the pump drained, and every counter compared "
        "with the truth recomputed from the engagement items (a table scan)",
    }


def run(
    users: int = 12,
    editors: int = 4,
    seconds: int = 20,
    rounds: int = RACE_ROUNDS,
    clients: int = RACE_CLIENTS,
) -> dict[str, Any]:
    """Measure in a subprocess; SIGINT it (then kill) if it outlives its budget."""
    args = [str(users), str(editors), str(seconds), str(rounds), str(clients)]
    return run_in_local_stage("bench.load", args, RATE_LIMITS, seconds + 420, keep_stderr=True)


def load_table(section: dict[str, Any]) -> str:
    from bench.report import table

    headers = ["endpoint", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "failures"]
    rows: list[list[Any]] = [
        [
            row["endpoint"],
            row["requests"],
            f"{row['req_per_s']:.1f}",
            f"{row['p50_ms']:.0f}",
            f"{row['p99_ms']:.0f}",
            f"{row['max_ms']:.0f}",
            row["failures"],
        ]
        for row in section["endpoints"]
    ]
    rows.append(
        [
            "all",
            section["requests"],
            f"{section['req_per_s']:.1f}",
            f"{section['p50_ms']:.0f}",
            f"{section['p99_ms']:.0f}",
            f"{section['max_ms']:.0f}",
            section["failures"],
        ]
    )
    checks = section["checks"]
    race_rows = checks["race"]["rounds"]
    verdict = [
        f"5xx: {section['server_errors']}   dead letters: {section['dead_letters']}   "
        f"pump drained in {section['drain_seconds']} s after the load   runtime CPU "
        f"{section.get('runtime_cpu_ms_per_request', '-')} ms per request (1-min load "
        f"average {section.get('load_average', '-')} on {section.get('cpus', '-')} CPUs)",
        f"counters = truth: {_yes(checks['counters'])} ({checks['counters']['prompts']} prompts, "
        f"{checks['counters']['profiles']} profiles)   items = clients' ledger: "
        f"{_yes(checks['ledger'])}",
        f"versions 1..n: {_yes(checks['versions'])} ({checks['versions']['versions']} versions; "
        f"edits won {checks['versions']['edits_won']}, 412 {checks['versions']['edits_412']})",
        f"If-Match race: {_yes(checks['race'])} "
        f"({len(race_rows)} rounds x {checks['race']['clients']} clients, winners per round "
        f"{[r['winners'] for r in race_rows]})",
    ]
    title = (
        f"Load: {section['users']} simulated clients for {section['seconds']} s on the local "
        f"runtime (invariants: {'all hold' if section['ok'] else 'BROKEN'})"
    )
    body = table(headers, rows, {1, 2, 3, 4, 5, 6})
    return "\n".join([title, body, *verdict, section["method"]])


def _yes(check: dict[str, Any]) -> str:
    return "yes" if check["ok"] else "NO"


if __name__ == "__main__":
    import logging
    import warnings

    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore")
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the gateway's request log, until exit
    numbers = [int(a) for a in sys.argv[1:6]]
    try:
        result = _measure(*numbers)
    except BaseException:
        import traceback

        traceback.print_exc(file=PROGRESS)
        raise SystemExit(1) from None
    print(json.dumps(result, default=str), flush=True)
