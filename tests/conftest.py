"""Test-wide environment: set before anything imports promptvault (settings are read once)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from moto.cognitoidp.responses import CognitoIdpJsonWebKeyResponse

# moto signs Cognito tokens with one fixed key; its public half, as a JWKS on disk.
_JWKS = Path(tempfile.mkdtemp(prefix="pv-jwks-")) / "jwks.json"
_key_set = CognitoIdpJsonWebKeyResponse.json_web_key
_JWKS.write_bytes(_key_set if isinstance(_key_set, bytes) else str(_key_set).encode())

for name, value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "STAGE": "test",
    "TABLE_NAME": "promptvault-test",
    "CURSOR_SECRET": "test-cursor-secret",
    "AUTO_CONFIRM_SIGNUP": "true",
    "WEBHOOKS_ALLOW_LOOPBACK": "true",  # webhook receivers on 127.0.0.1 (stage "test" only)
    "JWKS_URL": _JWKS.as_uri(),
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_METRICS_NAMESPACE": "PromptVault",
}.items():
    os.environ.setdefault(name, value)
for name in ("AWS_ENDPOINT_URL", "DYNAMODB_ENDPOINT", "AWS_PROFILE"):
    os.environ.pop(name, None)

# The engines of the search behaviour suite, and the real OpenSearch node (tests/support).
# The Python SDK (sdk/python, its own package) is tested from its source, not installed.
import sys  # noqa: E402

import pytest  # noqa: E402

from tests.support.opensearch import engine_kind, make_engine, opensearch_node  # noqa: E402, F401

_SDK = str(Path(__file__).resolve().parents[1] / "sdk" / "python" / "src")
if _SDK not in sys.path:
    sys.path.insert(0, _SDK)


# Suites that share one expensive thing (the stages' CDK assemblies, the local runtime, an
# OpenSearch node) are each kept on one xdist worker by ``xdist_group``. xdist carries the group
# in the test's node id ("...@infra"); pytest 9.2 stopped taking that rename, and every group
# was then spread over both workers, each building its own copy (pytest-xdist#1386, decision
# 71). A worker whose grouped tests come back without their group stops the run instead.
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        group = item.get_closest_marker("xdist_group")
        if group is not None and "@" not in item.nodeid:
            raise pytest.UsageError(
                f"--dist loadgroup lost the group of {item.nodeid}: this pytest and "
                "pytest-xdist do not group tests (see decision 71)"
            )
