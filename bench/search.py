"""Search latency at 100,000 prompts recombined from the real prompts.chat CSV: on tantivy
(``search``), and tantivy beside a real OpenSearch node (``search_engines``, on request).

The corpus is generated deterministically (fixed seed) and its index is cached under
``.cache/bench-search/<hash>/`` (the hash covers the CSV, the generator and the schema), so
only the first run pays the build; the build time measured then is kept beside the index.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from promptvault.search.backend import PromptDocument, PromptStats, SearchQuery
from promptvault.search.tantivy_backend import TantivyBackend
from promptvault.search.tantivy_index import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent
CSV = ROOT.parent / "shared" / "data" / "prompts-chat.csv"
CACHE = ROOT / ".cache" / "bench-search"
GENERATOR = "2"  # bump when the corpus recipe changes
SIZE = 100_000
SEED = 20260101
GOAL_P99_MS = 25.0
CATEGORIES = ("coding", "writing", "productivity", "education", "marketing", "fun", "data", "art")
MODELS = ("gpt-4o", "claude-sonnet", "claude-haiku", "gemini-pro", "llama-3")
TAGS = tuple(f"tag{i:02d}" for i in range(40))
# What people type: misspelt, partial and plain words, some with filters.
QUERIES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("linux termnal", {}),
    ("englsh translator", {"category": "writing"}),
    ("javascrpt console", {}),
    ("travel guide", {"tags": ("tag03",)}),
    ("plagarism", {}),
    ("motivational coach", {"model": "gpt-4o"}),
    ("screenwritter", {}),
    ("interview questions", {"category": "education"}),
    ("cyber securty", {}),
    ("storytellr", {"category": "fun"}),
    ("excel formula", {}),
    ("code review", {"category": "coding"}),
    ("recipe", {}),
    ("summarize article", {"tags": ("tag10",)}),
    ("seo marketing", {"category": "marketing"}),
    ("philosphy teacher", {}),
    ("python", {"model": "claude-sonnet"}),
    ("act as a", {}),
    ("debat", {}),
    ("translat", {"category": "writing"}),
)
PREFIXES = ("lin", "engl", "travel g", "java", "motiv", "screen", "cyber s", "story", "ex", "philo")


def _key() -> str:
    digest = hashlib.sha256()
    digest.update(CSV.read_bytes())
    digest.update(f"{GENERATOR}:{SIZE}:{SEED}:{SCHEMA_VERSION}".encode())
    return digest.hexdigest()[:16]


def _rows() -> list[dict[str, str]]:
    import csv

    csv.field_size_limit(1 << 30)
    with CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def corpus(size: int = SIZE, seed: int = SEED) -> Iterator[PromptDocument]:
    """Each prompt: one real prompt's title and opening, another's words after it."""
    rows = _rows()
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(size):
        a, b = rows[i % len(rows)], rng.choice(rows)
        title = a["act"] if i < len(rows) else f"{a['act']} ({b['act']})"
        views = int(rng.paretovariate(1.2) * 10)
        ratings = rng.randint(0, 30)
        visibility, status = rng.choices(
            [
                ("public", "published"),
                ("private", "published"),
                ("unlisted", "published"),
                ("public", "draft"),
            ],
            weights=[90, 5, 3, 2],
        )[0]
        created = start - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        yield PromptDocument(
            id=f"p_{i:032x}",
            doc_version=1,
            owner_id=f"user-{rng.randint(0, 1999)}",
            slug=f"prompt-{i}",
            title=title[:100],
            description=b["prompt"][:160],
            content=a["prompt"][:2400] + "\n\n" + b["prompt"][:600],
            category=rng.choice(CATEGORIES),
            model=rng.choice(MODELS),
            tags=tuple(rng.sample(TAGS, rng.randint(1, 3))),
            visibility=visibility,
            status=status,
            created_at=created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            stats=PromptStats(
                views=views,
                copies=views // rng.randint(3, 20),
                bookmarks=views // rng.randint(10, 50),
                rating_count=ratings,
                rating_sum=sum(rng.randint(1, 5) for _ in range(ratings)),
            ),
        )


def built_index() -> tuple[TantivyBackend, dict[str, Any]]:
    """The cached index, built (and its build timed) when missing."""
    folder = CACHE / _key()
    marker = folder / "build.json"
    if marker.exists():
        return TantivyBackend(folder), {**json.loads(marker.read_text()), "cached": True}
    shutil.rmtree(folder, ignore_errors=True)
    engine = TantivyBackend(folder, heap_bytes=400_000_000, threads=2)
    started = time.perf_counter()
    batch: list[PromptDocument] = []
    for doc in corpus():
        batch.append(doc)
        if len(batch) == 10_000:
            engine.upsert(batch)
            batch = []
    if batch:
        engine.upsert(batch)
    seconds = time.perf_counter() - started
    size_mb = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6
    build = {"documents": SIZE, "build_seconds": round(seconds, 1), "index_mb": round(size_mb)}
    marker.write_text(json.dumps(build))
    return engine, {**build, "cached": False}


def _latencies(engine: Any, rounds: int) -> dict[str, dict[str, float]]:
    """The same three query mixes on any engine: typical searches, trending feeds, suggest."""

    def typical(i: int) -> None:
        text, filters = QUERIES[i % len(QUERIES)]
        engine.search(SearchQuery(text=text, limit=20, viewer_id="user-7", **filters))

    def trending(i: int) -> None:
        engine.search(SearchQuery(sort="trending", limit=20, category=CATEGORIES[i % 8]))

    def suggest(i: int) -> None:
        engine.suggest(PREFIXES[i % len(PREFIXES)], None)

    _time(typical, len(QUERIES))  # warm caches (and the node's JIT) once
    return {
        "typical": _percentiles(_time(typical, rounds * len(QUERIES))),
        "trending": _percentiles(_time(trending, rounds * 8)),
        "suggest": _percentiles(_time(suggest, rounds * len(PREFIXES))),
    }


def _build(engine: Any, size: int, batch_size: int) -> float:
    started = time.perf_counter()
    batch: list[PromptDocument] = []
    for doc in corpus(size):
        batch.append(doc)
        if len(batch) == batch_size:
            engine.upsert(batch)
            batch = []
    if batch:
        engine.upsert(batch)
    return time.perf_counter() - started


def compare(size: int = SIZE, rounds: int = 25) -> dict[str, Any]:
    """tantivy and a real OpenSearch node side by side: the same corpus, the same queries.

    Both indexes are built fresh through the product's ``upsert`` (tantivy in batches of
    10,000 as above; OpenSearch in _bulk requests of 1,000, each after the mget that keeps
    newer counters, then one refresh). OpenSearch latencies include the HTTP round trip and
    JSON of opensearch-py, as a search function would see them; tantivy runs in-process.
    """
    import tempfile

    from infra.local import opensearch_node
    from promptvault.search.opensearch_backend import OpenSearchBackend

    engines: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-tantivy-") as folder:
        tantivy = TantivyBackend(folder, heap_bytes=400_000_000, threads=2)
        seconds = _build(tantivy, size, 10_000)
        engines["tantivy"] = {
            "build_seconds": round(seconds, 1),
            "latency": _latencies(tantivy, rounds),
        }
        del tantivy
    with opensearch_node.running() as node:
        opensearch = OpenSearchBackend.connect(node.url, "prompts-bench", "us-east-1")
        opensearch._refresh = False  # one refresh at the end, as a reindex would want
        started = time.perf_counter()
        _build(opensearch, size, 1_000)
        opensearch._client.indices.refresh(index="prompts-bench")
        seconds = time.perf_counter() - started
        stats = opensearch._client.indices.stats(index="prompts-bench")["_all"]["primaries"]
        engines["opensearch"] = {
            "build_seconds": round(seconds, 1),
            "index_mb": round(stats["store"]["size_in_bytes"] / 1e6),
            "latency": _latencies(opensearch, rounds),
            "node": {
                "version": opensearch_node.VERSION,
                "heap": node.heap,
                "startup_seconds": round(node.started_in, 1),
            },
        }
        engines["opensearch"]["sample_total"] = opensearch.search(
            SearchQuery(text="linux termnal", limit=20)
        ).total
    return {
        "documents": size,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "engines": engines,
    }


def engines_table(section: dict[str, Any]) -> str:
    from bench.report import table

    engines = section["engines"]
    rows = []
    for kind in next(iter(engines.values()))["latency"]:
        row: list[Any] = [kind]
        for name in ("tantivy", "opensearch"):
            figures = engines[name]["latency"][kind]
            row += [f"{figures['p50_ms']:.1f}", f"{figures['p99_ms']:.1f}"]
        rows.append(row)
    rows.append(
        [
            "index build s",
            engines["tantivy"]["build_seconds"],
            "",
            engines["opensearch"]["build_seconds"],
            "",
        ]
    )
    node = engines["opensearch"]["node"]
    title = (
        f"Search engines side by side, {section['documents']:,} prompts, same queries "
        f"(OpenSearch {node['version']}, heap {node['heap']}, up in {node['startup_seconds']} s; "
        f"load {section['load_average_1m']})"
    )
    headers = ["query", "tantivy p50", "tantivy p99", "OpenSearch p50", "OpenSearch p99"]
    return f"{title}\n{table(headers, rows, {1, 2, 3, 4})}"


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 2)

    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1], 2),
        "n": len(ordered),
    }


def _time(action: Any, rounds: int) -> list[float]:
    samples = []
    for i in range(rounds):
        started = time.perf_counter()
        action(i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def run(rounds: int = 25) -> dict[str, Any]:
    engine, build = built_index()
    results = _latencies(engine, rounds)
    sample = engine.search(SearchQuery(text="linux termnal", limit=20))
    return {
        # Other work on the machine inflates the tail; read the figures beside this.
        "load_average_1m": round(os.getloadavg()[0], 2),
        "build": build,
        "latency": results,
        "typical_query": "20 queries (misspelt, partial, plain; half with a category, model or "
        "tag filter), limit 20, facets (category, model, tags) and highlights, as a viewer",
        "sample_total": sample.total,
        "goal_p99_ms": GOAL_P99_MS,
        "meets_goal": results["typical"]["p99_ms"] <= GOAL_P99_MS,
    }


def search_table(section: dict[str, Any]) -> str:
    from bench.report import table

    build = section["build"]
    rows = [
        [name, f"{r['p50_ms']:.1f}", f"{r['p95_ms']:.1f}", f"{r['p99_ms']:.1f}", r["n"]]
        for name, r in section["latency"].items()
    ]
    title = (
        f"Search on tantivy, {build['documents']:,} prompts ({build['index_mb']} MB index, "
        f"built in {build['build_seconds']} s{', cached' if build['cached'] else ''})"
    )
    goal = "meets" if section["meets_goal"] else "MISSES"
    note = f"typical p99 {goal} the goal of {section['goal_p99_ms']} ms"
    headers = ["query", "p50 ms", "p95 ms", "p99 ms", "n"]
    return f"{title}\n{table(headers, rows, {1, 2, 3, 4})}\n{note}"


if __name__ == "__main__":
    import sys

    if "--engines" in sys.argv:  # python -m bench.search --engines [documents]
        numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
        print(engines_table(compare(numbers[0] if numbers else SIZE)))
    else:
        print(search_table(run()))
