"""``python -m bench [--runs N] [--first-runs N] [--only coldstart,awscalls,...] [--local-full]``.

Prints the cold start table (with the first-request cost beside it) and the AWS calls table,
and merges the sections into bench/results.json. Everything runs one process at a time, so
the measurements do not compete for the CPU.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import warnings
from datetime import UTC, datetime
from typing import Any

from bench.counting import format_calls
from bench.report import RESULTS, load_results, merge_results, table

SECTIONS = (
    "coldstart",
    "firstrequest",
    "awscalls",
    "search",
    "search_engines",
    "engagement",
    "events",
    "search_after_write",
    "sdk",
    "imports",
    "local_writes",
    "local_writes_before",
    "load",
    "cost",
)
# Measured only when asked for (--only): moto as released slows down by the minute.
ON_REQUEST = ("local_writes_before", "search_engines")


def cold_start_table(cold: dict[str, Any]) -> str:
    boto3_ms = cold["boto3"]["median_ms"]
    headers = ["function", "import ms", "x boto3"]
    rows: list[list[Any]] = [
        [row["function"], f"{row['median_ms']:.1f}", f"{row['ratio_to_boto3']:.2f}"]
        for row in cold["functions"]
    ]
    rows.append(["import boto3 (baseline)", f"{boto3_ms:.1f}", "1.00"])
    title = (
        f"Import (= init): median of {cold['runs']} fresh interpreters each "
        f"(Python {cold['python']}, {cold['cpus']} CPUs)"
    )
    note = (
        "import ms: `import functions.<fn>.handler`, which builds the handler (Lambda's init "
        "phase).\nNo goal of its own: the goal is the first answer, below."
    )
    return f"{title}\n{table(headers, rows, {1, 2})}\n{note}"


def aws_calls_table(calls: dict[str, Any]) -> str:
    rows = []
    for row in calls["endpoints"]:
        minimum = "same" if row["at_minimum"] else format_calls(row["minimum"])
        rows.append([row["endpoint"], format_calls(row["calls"]), row["total"], minimum])
    headers = ["endpoint", "AWS calls per request", "n", "documented minimum"]
    title = "AWS calls per request (botocore before-call events, in-process moto)"
    return f"{title}\n{table(headers, rows, {2})}"


def print_tables(sections: dict[str, Any]) -> None:
    print()
    if "coldstart" in sections:
        print(cold_start_table(sections["coldstart"]))
        print()
    if "firstrequest" in sections:
        from bench.firstrequest import first_answer_table

        print(first_answer_table(sections["firstrequest"]))
        print()
    if "awscalls" in sections:
        print(aws_calls_table(sections["awscalls"]))
        print()
    if "search" in sections:
        from bench.search import search_table

        print(search_table(sections["search"]))
        print()
    if "engagement" in sections:
        print(engagement_table(sections["engagement"]))
        print()
    if "events" in sections:
        from bench.events import events_table

        print(events_table(sections["events"]))
        print()
    if "search_engines" in sections:
        from bench.search import engines_table

        print(engines_table(sections["search_engines"]))
        print()
    if "search_after_write" in sections:
        from bench.search_after_write import search_after_write_table

        print(search_after_write_table(sections["search_after_write"]))
        print()
    if "sdk" in sections:
        from bench.sdk import sdk_table

        print(sdk_table(sections["sdk"]))
        print()
    if "imports" in sections:
        from bench.imports import imports_table

        print(imports_table(sections["imports"]))

    if "cost" in sections:
        from bench.cost import print_table as print_cost

        print_cost(sections["cost"])
        print()
    if "load" in sections:
        from bench.load import load_table

        print(load_table(sections["load"]))
        print()
    if "local_writes" in sections or "local_writes_before" in sections:
        from bench.local_writes import local_writes_table

        saved = load_results()  # the other of the two, from an earlier run
        after = sections.get("local_writes") or saved.get("local_writes")
        before = sections.get("local_writes_before") or saved.get("local_writes_before")
        print(local_writes_table(after, before))
        print()


def engagement_table(section: dict[str, Any]) -> str:
    rows = [
        [
            row["kind"],
            row["events_per_batch"],
            f"{row['write_units_per_event']:.2f}",
            f"{row['of_which_reputation_per_event']:.2f}",
            f"{row['read_units_per_event']:.2f}",
            f"{row['index_requests_per_event']:.3f}",
            "yes" if row["content_reindexed"] else "no",
        ]
        for row in section["rows"]
    ]
    headers = [
        "event",
        "per batch (one prompt)",
        "write units / event",
        "of which reputation",
        "read units / event",
        "index requests / event",
        "content re-indexed",
    ]
    title = f"Engagement events (goal <= {section['goal_write_units']} write units per event)"
    return f"{title}\n{table(headers, rows, {1, 2, 3, 4, 5})}\n{section['method']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="cold start runs (>= 5)")
    parser.add_argument(
        "--first-runs", type=int, default=5, help="first-answer runs (product and minimal)"
    )
    parser.add_argument(
        "--only",
        default=",".join(s for s in SECTIONS if s not in ON_REQUEST),
        help="comma-separated sections",
    )
    parser.add_argument(
        "--local-full",
        action="store_true",
        help="local_writes up to 100,000 items (the goal; about 40 minutes on 2 cores)",
    )
    parser.add_argument(
        "--report", action="store_true", help="print the tables from bench/results.json only"
    )
    args = parser.parse_args(argv)
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(wanted) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    if args.report:
        print_tables(load_results())
        return 0

    sections: dict[str, Any] = {}
    started = time.perf_counter()
    if "coldstart" in wanted:
        from bench import coldstart

        print(f"cold start: {args.runs} rounds ...", file=sys.stderr, flush=True)
        sections["coldstart"] = coldstart.run(args.runs)
    if "firstrequest" in wanted:
        from bench import firstrequest

        print(f"first request: {args.first_runs} rounds ...", file=sys.stderr, flush=True)
        sections["firstrequest"] = firstrequest.run(args.first_runs)
    if "awscalls" in wanted:
        from bench import awscalls

        print("AWS calls ...", file=sys.stderr, flush=True)
        sections["awscalls"] = awscalls.run()
    if "engagement" in wanted:
        from bench import engagement

        print("engagement write units ...", file=sys.stderr, flush=True)
        sections["engagement"] = engagement.run()
    if "events" in wanted:
        from bench import events

        print(
            "events: the local backbone, one event of each kind, a viral prompt ...",
            file=sys.stderr,
            flush=True,
        )
        sections["events"] = events.run()
    if "search" in wanted:
        from bench import search

        print("search: 100,000 prompts on tantivy ...", file=sys.stderr, flush=True)
        sections["search"] = search.run()
    if "search_engines" in wanted:
        from bench import search

        print(
            "search engines: 100,000 prompts on tantivy and on a real OpenSearch node ...",
            file=sys.stderr,
            flush=True,
        )
        sections["search_engines"] = search.compare()
    if "search_after_write" in wanted:
        from bench import search_after_write

        print(
            "search after write: 40 prompts in the local runtime ...", file=sys.stderr, flush=True
        )
        sections["search_after_write"] = search_after_write.run()
    if "sdk" in wanted:
        from bench import sdk

        print("sdk: cache hit, 304 revalidation, cold fetch ...", file=sys.stderr, flush=True)
        sections["sdk"] = sdk.run()
    if "imports" in wanted:
        from bench import imports

        print("imports: the worker on the prompts.chat file, twice ...", file=sys.stderr)
        sections["imports"] = imports.run()

    if "cost" in wanted:
        from bench import cost

        print("cost: request units and warm durations of the mix ...", file=sys.stderr, flush=True)
        sections["cost"] = cost.run()
    if "load" in wanted:
        from bench import load

        print(
            f"load: {load.BENCH['users']} simulated clients for {load.BENCH['seconds']} s on the "
            "local runtime, then the invariants ...",
            file=sys.stderr,
            flush=True,
        )
        sections["load"] = load.run(**load.BENCH)
    if "local_writes_before" in wanted:
        from bench import local_writes

        print("local writes, moto as released: 0 and 1,000 items ...", file=sys.stderr, flush=True)
        sections["local_writes_before"] = local_writes.run(
            local_writes.BEFORE_SIZES, unpatched=True
        )
    if "local_writes" in wanted:
        from bench import local_writes

        sizes = local_writes.FULL_SIZES if args.local_full else local_writes.SIZES
        print(
            f"local writes: create p50/p95 at {', '.join(f'{s:,}' for s in sizes)} items ...",
            file=sys.stderr,
            flush=True,
        )
        sections["local_writes"] = local_writes.run(sizes)

    stamp = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    for section in sections.values():
        section["measured"] = stamp

    merge_results(sections)
    print_tables(sections)
    print(f"wrote {RESULTS.relative_to(RESULTS.parent.parent)}")
    failed = [
        name
        for name, key in (
            ("firstrequest", "all_meet_goal"),
            ("awscalls", "all_at_minimum"),
            ("search", "meets_goal"),
            ("events", "meets_goal"),
            ("search_after_write", "meets_goal"),
            ("sdk", "meets_goal"),
            ("local_writes", "meets_goal"),
            ("load", "ok"),
        )
        if name in sections and not sections[name][key]
    ]
    if failed:
        print(f"not at goal: {', '.join(failed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
