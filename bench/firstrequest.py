"""First request per function: what a cold container pays before its first answer.

The handler modules import almost nothing (``lazy_entry``); the resolver, pydantic, pynamodb
and the botocore clients are loaded on the first request. This section measures that honestly:
a fresh interpreter imports the handler, builds it
(``promptvault.web.handler_factory.build_handler``, what the lazy entry does on its first
call) and serves one realistic request against moto running in server mode in another
process, so the child never imports moto and pays for boto3, the clients and the HTTP round
trips itself. Token-checking endpoints also fetch the pool's JWKS
from moto over HTTP once, as they fetch it from Cognito on AWS.

Run as ``python -m bench.firstrequest OUT.json`` (``bench.__main__`` does): the driver sets
the endpoint variables before anything reads the settings, so it needs a process of its own.
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

_SCRIPT = """
import json, sys, time
event = json.loads(sys.stdin.read())

class Context:
    function_name = "{function}"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:{function}"
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self):
        return 30000

t0 = time.perf_counter()
import functions.{function}.handler as module
t1 = time.perf_counter()
if {lazy}:
    from promptvault.web.handler_factory import build_handler
    handler = build_handler("{function}")
else:
    handler = module.handler
t2 = time.perf_counter()
response = handler(event, Context())
t3 = time.perf_counter()
status = response.get("statusCode") if isinstance(response, dict) else None
print(json.dumps({{"import_ms": (t1 - t0) * 1e3, "build_ms": (t2 - t1) * 1e3,
                  "invoke_ms": (t3 - t2) * 1e3, "total_ms": (t3 - t0) * 1e3,
                  "status": status}}))
"""


def _start_moto() -> tuple[Any, str]:
    import logging

    from moto.server import ThreadedMotoServer

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

    from promptvault.core.settings import get_settings
    from tests.support.aws import create_table, create_user_pool

    pool_id, client_id = create_user_pool()
    os.environ["USER_POOL_ID"] = pool_id
    os.environ["USER_POOL_CLIENT_ID"] = client_id
    os.environ["TOKEN_ISSUER"] = f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    os.environ["JWKS_URL"] = f"{moto_url}/{pool_id}/.well-known/jwks.json"
    get_settings.cache_clear()
    create_table()


def _child(function: str, lazy: bool, event: dict[str, Any], env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(function=function, lazy=lazy)],
        cwd=ROOT,
        env=env,
        input=json.dumps(event),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"first request of {function} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def drive(runs: int, seed: int = 0) -> dict[str, Any]:
    server, moto_url = _start_moto()
    try:
        _environment(moto_url)
        from bench.scenarios import SCENARIOS, make_world, presignup_event, to_event

        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        world = make_world()
        # One scenario per function: the first listed (by id, not by slug; 2 versions).
        cases: dict[str, Any] = {}
        for scenario in SCENARIOS:
            cases.setdefault(scenario.function, scenario)

        def one(function: str) -> dict[str, Any]:
            scenario = cases.get(function)
            if scenario is None:
                return _child(function, False, presignup_event(), env)
            result = _child(function, True, to_event(scenario.prepare(world)), env)
            if result["status"] != scenario.status:
                raise RuntimeError(f"{scenario.label}: status {result['status']}")
            return result

        names = [*cases, "auth_presignup"]
        for name in names:  # warm-up: .pyc and page cache; not recorded
            one(name)
        samples: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        order = random.Random(seed)
        for _ in range(runs):
            shuffled = list(names)
            order.shuffle(shuffled)
            for name in shuffled:
                samples[name].append(one(name))
        labels = {name: cases[name].label if name in cases else "trigger" for name in names}
        return {"samples": samples, "labels": labels}
    finally:
        server.stop()


def summarise(raw: dict[str, Any], runs: int) -> dict[str, Any]:
    rows = []
    for function, samples in raw["samples"].items():

        def median(key: str, samples: list[dict[str, Any]] = samples) -> float:
            return round(statistics.median(s[key] for s in samples), 3)

        rows.append(
            {
                "function": function,
                "request": raw["labels"][function],
                "import_ms": median("import_ms"),
                "build_ms": median("build_ms"),
                "invoke_ms": median("invoke_ms"),
                "total_ms": median("total_ms"),
                "status": samples[-1]["status"],
            }
        )
    return {
        "method": "fresh interpreter per sample: import handler, build_handler (the lazy "
        "step), one realistic request against moto in server mode; medians",
        "runs": runs,
        "functions": rows,
    }


def run(runs: int = 5) -> dict[str, Any]:
    """Drives ``python -m bench.firstrequest`` in a process of its own."""
    with tempfile.TemporaryDirectory(prefix="pv-bench-") as folder:
        out = Path(folder) / "first.json"
        subprocess.run(
            [sys.executable, "-m", "bench.firstrequest", str(out), str(runs)],
            cwd=ROOT,
            check=True,
        )
        result: dict[str, Any] = json.loads(out.read_text())
    return result


def main(argv: list[str]) -> int:
    import warnings

    warnings.filterwarnings("ignore", message="No application metrics to publish")
    out, runs = Path(argv[0]), int(argv[1]) if len(argv) > 1 else 5
    out.write_text(json.dumps(summarise(drive(runs), runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
