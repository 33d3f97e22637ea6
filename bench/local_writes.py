"""Write latency in the local runtime as the table fills up: ``POST /v1/prompts`` p50/p95 at
each table size, from an empty table up.

``run()`` starts ``python -m bench.local_writes`` in a process of its own (the runtime pins
the process environment) and reads the JSON it prints. That process serves the local stage
with ``start_local(port=0)`` (the stream pump and its consumers run too, as in ``make run``),
signs up and logs in once through the API, then for each size in ascending order: fills the
table to that many items by creating prompts through the API (the real prompts of
``../shared/data/prompts-chat.csv``, repeatedly, a cycle number in the title after the first
pass), and times ``SAMPLES`` further creates one after another, client side (HTTP included).
The table's size is ``DescribeTable``'s ``ItemCount`` (every item: heads, versions, slug
guards, stats, users, rate-limit counters).

``unpatched=True`` measures moto as released (``start_local(patch_moto=False)``): the
"before" figures of infra/local/moto_dynamodb.py, at small sizes only (it slows down fast).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.local_run import run_in_local_stage, signed_in
from bench.report import percentile

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT.parent / "shared" / "data" / "prompts-chat.csv"
SIZES = (0, 1_000, 5_000, 10_000)  # `make bench`: a few minutes on 2 cores
FULL_SIZES = (0, 1_000, 5_000, 10_000, 25_000, 50_000, 100_000)  # --local-full: the goal
BEFORE_SIZES = (0, 1_000)  # moto as released
SAMPLES = 40
WARM_UP = 5  # creates before the first size: the handler's lazy build is not a write cost
GOAL_P95_MS = 150.0
# The seeds (prompt creation 10/h) would stop the fill; generous limits keep the
# rate-limit counter write in every request's path.
RATE_LIMITS = "prompt-create=10000000/3600,general=10000000/60"
PROGRESS = sys.stderr  # the gateway's one line per request goes elsewhere (see __main__)


def _bodies() -> Iterator[dict[str, Any]]:
    """Create bodies from the real prompts, forever; those over the product's limits are
    skipped (counted by the caller as rejected if they ever reach the API)."""
    csv.field_size_limit(1 << 30)
    with CSV.open(newline="", encoding="utf-8") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if 20 <= len(r["prompt"].strip()) <= 10_000 and 5 <= len(r["act"].strip()) <= 90
        ]
    cycle = 0
    while True:
        for row in rows:
            title = row["act"].strip() if cycle == 0 else f"{row['act'].strip()} ({cycle + 1})"
            yield {
                "title": title,
                "content": row["prompt"].strip(),
                "tags": ["imported", row["type"].lower() or "text"],
            }
        cycle += 1


def _item_count(table_name: str) -> int:
    import boto3

    table = boto3.client("dynamodb").describe_table(TableName=table_name)["Table"]
    return int(table["ItemCount"])


def _stream_records(table_name: str) -> int:
    """Records moto keeps on the table's stream shard (in this process)."""
    from moto.dynamodb.models import dynamodb_backends

    for regions in dynamodb_backends.values():
        for backend in regions.values():
            table = backend.tables.get(table_name)
            if table is not None and table.stream_shard is not None:
                return len(table.stream_shard.items)
    return 0


def _rss_mb() -> float | None:
    """This process's resident memory (Linux), moto's tables and stream included."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def _measure(sizes: list[int], samples: int, *, unpatched: bool) -> dict[str, Any]:
    import httpx

    from infra.local.runtime import start_local

    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    rejected = 0
    with (
        start_local(port=0, patch_moto=not unpatched) as runtime,
        httpx.Client(base_url=runtime.base_url, timeout=120) as http,
    ):
        auth = signed_in(http)
        bodies = _bodies()

        def create() -> float:
            nonlocal rejected
            while True:
                began = time.perf_counter()
                reply = http.post("/v1/prompts", json=next(bodies), headers=auth)
                took = (time.perf_counter() - began) * 1000
                if reply.status_code == 201:
                    return took
                if reply.status_code not in (400, 422):  # a row over one of the limits
                    raise RuntimeError(f"create answered {reply.status_code}: {reply.text}")
                rejected += 1

        for _ in range(WARM_UP):
            create()
        for size in sorted(sizes):
            fill_began, filled = time.perf_counter(), 0
            items = _item_count(runtime.table_name)
            while items < size:
                # ~4 items a create; re-count every 100 creates and near the target.
                for _ in range(max(1, min(100, (size - items) // 5))):
                    create()
                    filled += 1
                items = _item_count(runtime.table_name)
            fill_seconds = time.perf_counter() - fill_began
            times = [create() for _ in range(samples)]
            rows.append(
                {
                    "size": size,
                    "items": items,
                    "p50_ms": round(percentile(times, 0.5), 1),
                    "p95_ms": round(percentile(times, 0.95), 1),
                    "max_ms": round(max(times), 1),
                    "fill_creates": filled,
                    "fill_creates_per_s": round(filled / fill_seconds, 1) if filled else None,
                    "stream_records_kept": _stream_records(runtime.table_name),
                    "rss_mb": _rss_mb(),
                }
            )
            print(f"local_writes: {json.dumps(rows[-1])}", file=PROGRESS, flush=True)
    return {
        "moto": "as released" if unpatched else "patched (infra/local/moto_dynamodb.py)",
        "samples": samples,
        "rows": rows,
        "rejected_rows": rejected,
        "seconds": round(time.perf_counter() - started, 1),
        "goal_p95_ms": GOAL_P95_MS,
        "meets_goal": all(r["p95_ms"] <= GOAL_P95_MS for r in rows),
        "method": f"POST /v1/prompts in the local runtime (moto server + gateway + stream "
        f"pump), {samples} creates one after another at each table size, timed client side; "
        "the table filled between sizes by creating the prompts of prompts-chat.csv through "
        "the API; size = DescribeTable ItemCount",
    }


def run(
    sizes: tuple[int, ...] = SIZES, samples: int = SAMPLES, *, unpatched: bool = False
) -> dict[str, Any]:
    """Measure in a subprocess; SIGINT it (then kill) if it outlives its budget."""
    args = [",".join(map(str, sizes)), str(samples)] + (["--unpatched"] if unpatched else [])
    # Generous: ~20 creates/s when patched; the unpatched run slows down as it fills.
    budget = 600 + max(sizes) * (2.0 if unpatched else 0.1)
    return run_in_local_stage("bench.local_writes", args, RATE_LIMITS, budget, keep_stderr=False)


def local_writes_table(section: dict[str, Any] | None, before: dict[str, Any] | None) -> str:
    """The curve, with moto as released beside it when measured (``--only
    local_writes_before``)."""
    from bench.report import table

    headers = ["table items", "moto", "p50 ms", "p95 ms", "max ms", "stream records", "RSS MB"]
    rows: list[list[Any]] = []
    for label, data in (("as released", before), ("patched", section)):
        for row in (data or {}).get("rows", []):
            rows.append(
                [
                    f"{row['items']:,}",
                    label,
                    f"{row['p50_ms']:.0f}",
                    f"{row['p95_ms']:.0f}",
                    f"{row['max_ms']:.0f}",
                    f"{row['stream_records_kept']:,}",
                    "-" if row.get("rss_mb") is None else f"{row['rss_mb']:,.0f}",
                ]
            )
    shown = section or before or {}
    met = "-" if section is None else "yes" if section["meets_goal"] else "NO"
    title = (
        f"Local runtime write latency (goal p95 <= {GOAL_P95_MS:.0f} ms at every size; "
        f"patched: {met})"
    )
    return f"{title}\n{table(headers, rows, {0, 2, 3, 4, 5, 6})}\n{shown.get('method', '')}"


if __name__ == "__main__":
    import logging
    import warnings

    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore")
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the gateway's request log, until exit
    wanted = [int(s) for s in sys.argv[1].split(",")] if len(sys.argv) > 1 else list(SIZES)
    count = int(sys.argv[2]) if len(sys.argv) > 2 else SAMPLES
    try:
        result = _measure(wanted, count, unpatched="--unpatched" in sys.argv)
    except BaseException:
        import traceback

        traceback.print_exc(file=PROGRESS)
        raise SystemExit(1) from None
    print(json.dumps(result), flush=True)
