"""First answer per function: what a cold container pays, beside a minimal boto3 handler.

For each function, a fresh interpreter imports the handler module (on Lambda: the init
phase, where the handler is built) and serves one realistic request (bench/scenarios.py)
against moto running in server mode in another process, so the child never imports moto
and pays for boto3, the clients and the HTTP round trips itself. Token-checking endpoints
also fetch the pool's JWKS from moto over HTTP once, as they fetch it from Cognito on AWS.

Beside it, in the same shuffled rounds, a *minimal handler*: a fresh interpreter that
imports boto3, creates one client per service and makes the very AWS calls the product's
request made, with the same parameters. Those calls are recorded once per function, in an
untimed child that wraps ``BaseClient._make_api_call`` (bench/counting.py counts the same
calls in-process). Replayed calls may meet state the recorded request changed (a
conditional write that now fails); the minimal handler takes the error answer, which costs
the same round trip. A function that makes no AWS call is compared with ``import boto3``.

Run as ``python -m bench.firstrequest OUT.json [RUNS] [fn,fn,...]`` (``bench.__main__``
does): the driver sets the endpoint variables before anything reads the settings, so it
needs a process of its own.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 1.5
_BUCKETS = ("auth-account", "auth-ip", "rating", "prompt-create", "webhook", "general")

_CONTEXT = """
class Context:
    function_name = "{function}"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:{function}"
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self):
        return 30000
"""

# The product: import (= Lambda's init phase: the handler is built at module level), then
# the first request.
_PRODUCT = (
    """
import json, sys, time
event = json.loads(sys.stdin.read())
"""
    + _CONTEXT
    + """
c0, t0 = time.process_time(), time.perf_counter()
import functions.{function}.handler as module
t1 = time.perf_counter()
response = module.handler(event, Context())
t2, c2 = time.perf_counter(), time.process_time()
status = response.get("statusCode") if isinstance(response, dict) else None
print(json.dumps({{"init_ms": (t1 - t0) * 1e3, "invoke_ms": (t2 - t1) * 1e3,
                  "total_ms": (t2 - t0) * 1e3, "cpu_ms": (c2 - c0) * 1e3, "status": status}}))
"""
)

# Untimed: the same request, recording every AWS call (service, operation, parameters).
_RECORD = (
    """
import base64, json, sys
from botocore.client import BaseClient

calls = []
original = BaseClient._make_api_call

def recording(self, operation, params):
    calls.append([self.meta.service_model.service_name, operation, params])
    return original(self, operation, params)

BaseClient._make_api_call = recording

def plain(value):
    if isinstance(value, (bytes, bytearray)):
        return {{"__bytes__": base64.b64encode(bytes(value)).decode()}}
    if isinstance(value, dict):
        return {{k: plain(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return value

event = json.loads(sys.stdin.read())
"""
    + _CONTEXT
    + """
import functions.{function}.handler as module
module.handler(event, Context())
print(json.dumps(plain(calls)))
"""
)

# The minimal handler: boto3, one client per service, the recorded calls.
_MINIMAL = """
import json, sys, time
calls = json.loads(sys.stdin.read())
c0, t0 = time.process_time(), time.perf_counter()
import base64
import boto3
from botocore import xform_name
from botocore.exceptions import ClientError

def typed(value):
    if isinstance(value, dict):
        if set(value) == {"__bytes__"}:
            return base64.b64decode(value["__bytes__"])
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return value

clients = {}
for service, operation, params in calls:
    client = clients.get(service) or clients.setdefault(service, boto3.client(service))
    try:
        getattr(client, xform_name(operation))(**typed(params))
    except ClientError:
        pass
t1, c1 = time.perf_counter(), time.process_time()
print(json.dumps({"total_ms": (t1 - t0) * 1e3, "cpu_ms": (c1 - c0) * 1e3, "calls": len(calls)}))
"""


def _start_moto() -> tuple[Any, str]:
    import logging

    from moto.server import ThreadedMotoServer

    from infra.local import moto_cognito

    moto_cognito.install()  # VerifyUserAttribute, as the local runtime's moto answers it
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def _environment(moto_url: str) -> None:
    """The test environment, pointed at the moto server, before promptvault reads it."""
    import tests.conftest  # noqa: F401  (defaults; it also drops endpoint variables)

    os.environ["AWS_ENDPOINT_URL"] = moto_url
    os.environ["DYNAMODB_ENDPOINT"] = moto_url
    os.environ["STAGE"] = "bench"
    # Every request still makes its rate-limit call, but the setup's many prompts of one
    # owner must not run into the hourly creation limit.
    os.environ["RATE_LIMITS"] = ",".join(f"{name}=1000000/60" for name in _BUCKETS)

    from promptvault.core.settings import get_settings
    from tests.support.aws import create_table, create_user_pool

    pool_id, client_id = create_user_pool()
    os.environ["USER_POOL_ID"] = pool_id
    os.environ["USER_POOL_CLIENT_ID"] = client_id
    os.environ["TOKEN_ISSUER"] = f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    os.environ["JWKS_URL"] = f"{moto_url}/{pool_id}/.well-known/jwks.json"
    get_settings.cache_clear()
    create_table()


def _child(script: str, stdin: Any, env: dict[str, str], what: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        input=json.dumps(stdin),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def drive(runs: int, seed: int = 0, only: list[str] | None = None) -> dict[str, Any]:
    server, moto_url = _start_moto()
    try:
        _environment(moto_url)
        from bench.scenarios import SCENARIOS, make_world, presignup_event, to_event

        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.pop("PYTHONPROFILEIMPORTTIME", None)
        world = make_world()
        # One scenario per function: the first listed (by id, not by slug; 2 versions).
        cases: dict[str, Any] = {}
        for scenario in SCENARIOS:
            cases.setdefault(scenario.function, scenario)
        names = [*cases, "auth_presignup"]
        if only:
            names = [name for name in names if name in only]

        def request(function: str) -> dict[str, Any]:
            scenario = cases.get(function)
            return presignup_event() if scenario is None else to_event(scenario.prepare(world))

        def product(function: str) -> dict[str, Any]:
            script = _PRODUCT.format(function=function)
            result: dict[str, Any] = _child(script, request(function), env, function)
            scenario = cases.get(function)
            if scenario is not None and result["status"] != scenario.status:
                raise RuntimeError(f"{scenario.label}: status {result['status']}")
            return result

        recorded = {
            name: _child(_RECORD.format(function=name), request(name), env, f"recording {name}")
            for name in names  # also the product's warm-up (.pyc, page cache)
        }

        def minimal(function: str) -> dict[str, Any]:
            result: dict[str, Any] = _child(
                _MINIMAL, recorded[function], env, f"minimal {function}"
            )
            return result

        jobs = [(name, kind) for name in names for kind in ("product", "minimal")]
        services_warmed: set[frozenset[str]] = set()
        for name in names:  # the minimal's warm-up, once per set of services (not recorded)
            services = frozenset(call[0] for call in recorded[name])
            if services not in services_warmed:
                services_warmed.add(services)
                minimal(name)
        samples: dict[str, dict[str, list[dict[str, Any]]]] = {
            name: {"product": [], "minimal": []} for name in names
        }
        order = random.Random(seed)
        for _ in range(runs):
            shuffled = list(jobs)
            order.shuffle(shuffled)
            for name, kind in shuffled:
                run_one = product if kind == "product" else minimal
                samples[name][kind].append(run_one(name))
        labels = {name: cases[name].label if name in cases else "trigger" for name in names}
        calls = {name: [f"{c[0]}:{c[1]}" for c in recorded[name]] for name in names}
        return {"samples": samples, "labels": labels, "calls": calls}
    finally:
        server.stop()


def summarise(raw: dict[str, Any], runs: int) -> dict[str, Any]:
    rows = []
    for function, both in raw["samples"].items():
        product, minimal = both["product"], both["minimal"]

        def median(key: str, samples: list[dict[str, Any]]) -> float:
            return round(statistics.median(s[key] for s in samples), 1)

        total, baseline = median("total_ms", product), median("total_ms", minimal)
        ratio = round(total / baseline, 2)
        cpu, cpu_baseline = median("cpu_ms", product), median("cpu_ms", minimal)
        rows.append(
            {
                "function": function,
                "request": raw["labels"][function],
                "aws_calls": raw["calls"][function],
                "init_ms": median("init_ms", product),
                "invoke_ms": median("invoke_ms", product),
                "total_ms": total,
                "minimal_ms": baseline,
                "ratio": ratio,
                "meets_goal": ratio <= GOAL_RATIO,
                "cpu_ms": cpu,
                "minimal_cpu_ms": cpu_baseline,
                "cpu_ratio": round(cpu / cpu_baseline, 2),
                "status": product[-1]["status"],
                "samples_ms": [round(s["total_ms"], 1) for s in product],
                "minimal_samples_ms": [round(s["total_ms"], 1) for s in minimal],
            }
        )
    return {
        "method": "fresh interpreter per sample: import the handler (init) + one realistic "
        "request against moto in server mode, beside a minimal handler (import boto3, one "
        "client per service, the same AWS calls with the same parameters); product and minimal "
        "interleaved in shuffled rounds, one process at a time; medians",
        "runs": runs,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "goal_ratio": GOAL_RATIO,
        "functions": rows,
        "all_meet_goal": all(row["meets_goal"] for row in rows),
    }


def first_answer_table(section: dict[str, Any]) -> str:
    from bench.report import table

    goal = section["goal_ratio"]
    headers = ["function", "init ms", "1st req ms", "first answer ms", "minimal ms", "ratio"]
    headers += [f"<= {goal}x", "cpu ms", "minimal cpu", "cpu ratio"]
    rows = [
        [
            row["function"],
            f"{row['init_ms']:.0f}",
            f"{row['invoke_ms']:.0f}",
            f"{row['total_ms']:.0f}",
            f"{row['minimal_ms']:.0f}",
            f"{row['ratio']:.2f}",
            "yes" if row["meets_goal"] else "NO",
            f"{row['cpu_ms']:.0f}",
            f"{row['minimal_cpu_ms']:.0f}",
            f"{row['cpu_ratio']:.2f}",
        ]
        for row in section["functions"]
    ]
    title = (
        f"First answer: median of {section['runs']} fresh interpreters each "
        f"(Python {section['python']}, {section['cpus']} CPUs)"
    )
    note = (
        "first answer: import (init: the handler is built) + the first request, against moto "
        "in server mode.\nminimal: import boto3, one client per service, the same AWS calls "
        "with the same parameters; a function without AWS calls: import boto3 alone.\ncpu: "
        "the process's CPU time over the same span (steadier than wall time on a busy machine)."
    )
    right = set(range(1, len(headers))) - {6}
    return f"{title}\n{table(headers, rows, right)}\n{note}"


def run(runs: int = 5, only: list[str] | None = None) -> dict[str, Any]:
    """Drives ``python -m bench.firstrequest`` in a process of its own."""
    with tempfile.TemporaryDirectory(prefix="pv-bench-") as folder:
        out = Path(folder) / "first.json"
        subprocess.run(
            [sys.executable, "-m", "bench.firstrequest", str(out), str(runs), ",".join(only or [])],
            cwd=ROOT,
            check=True,
        )
        result: dict[str, Any] = json.loads(out.read_text())
    return result


def main(argv: list[str]) -> int:
    import warnings

    warnings.filterwarnings("ignore", message="No application metrics to publish")
    out, runs = Path(argv[0]), int(argv[1]) if len(argv) > 1 else 5
    only = [name for name in (argv[2] if len(argv) > 2 else "").split(",") if name]
    out.write_text(json.dumps(summarise(drive(runs, only=only or None), runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
