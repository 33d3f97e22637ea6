"""Import throughput (issue 13, docs/imports.md): the import worker on the prompts.chat file
(1,529 rows; a generated file of the same size where the shared data set is absent).

``run()`` starts ``python -m bench.imports`` in a process of its own (the test environment and
moto are set up there) and reads the JSON it prints. That process, inside in-process moto
with the local runtime's DynamoDB patch (transactions journal by key, as the local stage
runs; AWS's own cost per transaction does not grow with the table), starts an import through
``POST /v1/imports`` (a pre-signed upload, the file put to the bucket), then times the worker
on the bucket's event, counting every AWS call and every item written:

- rows per second, over the whole file (parse, validate, write, record outcomes);
- AWS calls per row, by operation;
- items written per created row (the transactions' writes) and per row (the outcomes);
- the same file again: every row skipped, nothing written but the outcomes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROMPTS_CHAT = ROOT.parent / "shared" / "data" / "prompts-chat.csv"
GENERATED_ROWS = 1529


def _file() -> tuple[bytes, str]:
    if PROMPTS_CHAT.exists():
        return PROMPTS_CHAT.read_bytes(), "prompts-chat.csv (shared data)"
    lines = ["act,prompt,for_devs,type,contributor"]
    lines += [
        f'Generated prompt {n},"Write {n} lines about {{{{topic}}}}, kindly.",FALSE,TEXT,'
        for n in range(1, GENERATED_ROWS + 1)
    ]
    return ("\n".join(lines) + "\n").encode(), f"{GENERATED_ROWS} generated rows"


def _one_pass(counter: Any, message: dict[str, Any], written: Counter[str]) -> dict[str, Any]:
    from tests.support import uploads

    counter.reset()
    written.clear()
    started = time.perf_counter()
    reply = uploads.invoke([message])
    seconds = time.perf_counter() - started
    assert reply == {"batchItemFailures": []}, reply
    return {"seconds": seconds, "calls": counter.snapshot(), "written": dict(written)}


def _measure() -> dict[str, Any]:
    import tests.conftest  # noqa: F401  (the test environment, before promptvault is imported)
    from bench.counting import counting_aws_calls
    from infra.local import moto_dynamodb
    from tests.support import uploads
    from tests.support.api import call
    from tests.support.aws import moto_aws
    from tests.support.factories import sign_up

    data, source = _file()
    written: Counter[str] = Counter()

    def listener(model: Any, params: dict[str, Any]) -> None:
        if model.name not in ("TransactWriteItems", "BatchWriteItem"):
            return
        body = json.loads(params.get("body") or b"{}")
        if model.name == "TransactWriteItems":
            written["transaction writes"] += len(body["TransactItems"])
        else:
            written["batch writes"] += sum(len(w) for w in body["RequestItems"].values())

    results: dict[str, Any] = {"file": source, "bytes": len(data)}
    with counting_aws_calls(listener) as counter, moto_aws(), moto_dynamodb.patched():
        person = sign_up()
        passes = []
        for attempt in ("first", "again"):
            started = call(
                "POST",
                "/v1/imports",
                {"format": "prompts-chat-csv", "filename": "prompts.csv"},
                token=person.token,
            )
            assert started.status == 201, started.body
            key = f"imports/{person.id}/{started.data['id']}"
            import boto3

            from promptvault.core.settings import get_settings

            boto3.client("s3").put_object(Bucket=get_settings().imports_bucket, Key=key, Body=data)
            (message,) = uploads.messages()
            measured = _one_pass(counter, message, written)
            done = call("GET", f"/v1/imports/{started.data['id']}", token=person.token).data
            passes.append({"pass": attempt, "counts": done["counts"], **measured})
        results["passes"] = passes
    return results


def run() -> dict[str, Any]:
    """The measurement in a process of its own; the figures derived from it."""
    reply = subprocess.run(
        [sys.executable, "-m", "bench.imports"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if reply.returncode != 0:
        raise RuntimeError(f"bench.imports failed:\n{reply.stderr[-4000:]}")
    raw = json.loads(reply.stdout.strip().splitlines()[-1])
    return summarise(raw)


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    passes = []
    for measured in raw["passes"]:
        counts = measured["counts"]
        rows = counts["created"] + counts["skipped"] + counts["rejected"]
        calls = measured["calls"]
        total_calls = sum(calls.values())
        written = measured["written"]
        created = counts["created"]
        passes.append(
            {
                "pass": measured["pass"],
                "rows": rows,
                "counts": counts,
                "seconds": round(measured["seconds"], 2),
                "rows_per_second": round(rows / measured["seconds"], 1),
                "calls": calls,
                "calls_per_row": round(total_calls / rows, 3),
                "transaction_writes_per_created_row": (
                    round(written.get("transaction writes", 0) / created, 2) if created else 0
                ),
                "outcome_writes_per_row": round(written.get("batch writes", 0) / rows, 2),
            }
        )
    return {"file": raw["file"], "bytes": raw["bytes"], "passes": passes}


def imports_table(section: dict[str, Any]) -> str:
    lines = [
        f"import throughput: {section['file']} ({section['bytes']:,} bytes), the worker "
        "in-process on moto (local runtime's patch)",
        "",
        "| pass | rows | created / skipped / rejected | s | rows/s | AWS calls per row "
        "| transaction writes per created row | outcome writes per row |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in section["passes"]:
        c = p["counts"]
        lines.append(
            f"| {p['pass']} | {p['rows']} | {c['created']} / {c['skipped']} / {c['rejected']} "
            f"| {p['seconds']} | {p['rows_per_second']} | {p['calls_per_row']} "
            f"| {p['transaction_writes_per_created_row']} | {p['outcome_writes_per_row']} |"
        )
    for p in section["passes"]:
        calls = ", ".join(f"{name} {n}" for name, n in sorted(p["calls"].items()))
        lines.append(f"\n{p['pass']}: {calls}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(_measure()))
