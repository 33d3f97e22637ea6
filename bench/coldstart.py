"""Import per function: ``import functions.<fn>.handler`` in a fresh interpreter.

The import builds the handler (Lambda's init phase, decision 2), so this is init, reported
beside ``import boto3`` for scale; the goal is on the first answer (bench/firstrequest.py).

Each measurement is its own ``python -c`` process timing one import with ``perf_counter``
(module-level setup included, interpreter start-up excluded). A bare ``import boto3`` is
measured the same way in the same rounds: every round runs boto3 and every function once,
in a shuffled order, one process at a time, so drift and noise hit all of them alike. Byte
code is compiled once by a discarded warm-up round and then read from .pyc, as on Lambda
(PYTHONDONTWRITEBYTECODE is removed from the children's environment).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BOTO3 = "boto3"

_SCRIPT = """
import time
t0 = time.perf_counter()
import {module}
t1 = time.perf_counter()
print((t1 - t0) * 1000.0)
"""


def functions() -> list[str]:
    from promptvault.catalogue import ROUTES, TRIGGERS

    names = [route.function for route in ROUTES] + [trigger.function for trigger in TRIGGERS]
    return list(dict.fromkeys(names))


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The test environment (tests/conftest.py), with .pyc files used."""
    import tests.conftest  # noqa: F401  (fills os.environ with the test defaults)

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.update(extra or {})
    return env


def module_of(name: str) -> str:
    return BOTO3 if name == BOTO3 else f"functions.{name}.handler"


def time_import(name: str, env: dict[str, str]) -> float:
    """Milliseconds to import the module in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(module=module_of(name))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"importing {module_of(name)} failed:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1])


def measure(runs: int = 7, seed: int = 0) -> dict[str, list[float]]:
    env = child_env()
    names = [BOTO3, *functions()]
    for name in names:  # warm-up: writes .pyc, fills the page cache; not recorded
        time_import(name, env)
    samples: dict[str, list[float]] = {name: [] for name in names}
    order = random.Random(seed)
    for _ in range(runs):
        round_names = list(names)
        order.shuffle(round_names)
        for name in round_names:
            samples[name].append(time_import(name, env))
    return samples


def run(runs: int = 7) -> dict[str, Any]:
    samples = measure(runs)
    boto3_ms = statistics.median(samples[BOTO3])
    rows = []
    for name, values in samples.items():
        if name == BOTO3:
            continue
        median = statistics.median(values)
        rows.append(
            {
                "function": name,
                "median_ms": round(median, 3),
                "min_ms": round(min(values), 3),
                "max_ms": round(max(values), 3),
                "ratio_to_boto3": round(median / boto3_ms, 4),
                "samples_ms": [round(v, 3) for v in values],
            }
        )
    return {
        "method": "fresh interpreter per sample, perf_counter around one import, .pyc warm, "
        "boto3 and all functions interleaved in shuffled rounds, run one at a time",
        "runs": runs,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "boto3": {
            "median_ms": round(boto3_ms, 3),
            "min_ms": round(min(samples[BOTO3]), 3),
            "max_ms": round(max(samples[BOTO3]), 3),
            "samples_ms": [round(v, 3) for v in samples[BOTO3]],
        },
        "functions": rows,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
