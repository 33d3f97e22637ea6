"""What a function's init loads (docs/performance.md, "SnapStart in prod"): its own route's
work and nothing more. Each check imports one handler in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after_init(function: str) -> set[str]:
    script = (
        f"import sys, json; import functions.{function}.handler; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPROFILEIMPORTTIME"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_function_that_calls_no_aws_service_loads_no_botocore_session():
    loaded = _loaded_after_init("reference_models")  # categories read their counts

    assert "botocore.session" not in loaded
    assert "pynamodb.models" not in loaded


def test_no_function_pays_for_boto3_and_its_unused_bodies_are_not_built():
    loaded = _loaded_after_init("users_me")

    assert "botocore.session" in loaded  # its table connection, made at init
    assert "boto3" not in loaded
    assert "s3transfer" not in loaded
    assert "email_validator" not in loaded  # only the sign-up and password bodies check emails
