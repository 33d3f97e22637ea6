"""The process environment of the local stage: what CDK sets on each function in AWS.

Endpoints and credentials are forced, never inherited, so nothing started here can reach a
real AWS account; the knobs a developer may want to turn (log level, cursor secret) are
only defaults.
"""

from __future__ import annotations

import os
import secrets
import tempfile

REGION = "us-east-1"
PREFIX = "promptvault-local"  # the stage's resource names, as CDK's promptvault-<stage>
TABLE_NAME = PREFIX
EMAIL_DOMAIN = "promptvault.local"

# Credentials and profiles that could point boto3 somewhere real.
_UNSAFE = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_PROFILE")


def forced(moto_url: str, search_endpoint: str = "") -> dict[str, str]:
    """Variables the local stage pins: moto endpoints, fake credentials, one region; search
    on tantivy, or on the local OpenSearch node at ``search_endpoint`` (make run SEARCH=...)."""
    from infra.consumers import bus_name

    return {
        "AWS_ENDPOINT_URL": moto_url,
        "DYNAMODB_ENDPOINT": moto_url,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        # botocore's account-id endpoints break moto's in-process DynamoDB Streams.
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "STAGE": "local",
        "TABLE_NAME": TABLE_NAME,
        # The stage's bus in moto, with the catalogue's rules and queues (infra/local/queues.py).
        "EVENT_BUS_NAME": bus_name(PREFIX),
        # Import files (docs/imports.md): pre-signed URLs lead to moto on 127.0.0.1.
        "IMPORTS_BUCKET": f"{PREFIX}-imports",
        "AUTO_CONFIRM_SIGNUP": "true",
        # Webhooks may target http://127.0.0.1:<port> here (docs/webhooks.md); no CDK stage sets it.
        "WEBHOOKS_ALLOW_LOOPBACK": "true",
        # No X-Ray daemon runs locally.
        "POWERTOOLS_TRACE_DISABLED": "true",
        # Search runs on tantivy or on a node on 127.0.0.1, never on a real OpenSearch domain.
        "SEARCH_BACKEND": "opensearch" if search_endpoint else "tantivy",
        "SEARCH_ENDPOINT": search_endpoint,
    }


def defaults() -> dict[str, str]:
    """Variables a developer may override from the shell."""
    return {
        # A fresh secret per run: cursors from an earlier run are rightly refused.
        "CURSOR_SECRET": secrets.token_urlsafe(32),
        "POWERTOOLS_SERVICE_NAME": "promptvault",
        "POWERTOOLS_METRICS_NAMESPACE": "PromptVault",
        # EMF lines would drown the request log; set to "false" to see them.
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "EMAIL_SENDER": f"PromptVault <noreply@{EMAIL_DOMAIN}>",
        # A fresh on-disk index per run: moto's table starts empty each run too.
        "SEARCH_INDEX_DIR": tempfile.mkdtemp(prefix="promptvault-search-"),
    }


def identity(user_pool_id: str, client_id: str, moto_url: str) -> dict[str, str]:
    """Where handlers verify tokens: moto signs them and serves the pool's JWKS itself."""
    return {
        "USER_POOL_ID": user_pool_id,
        "USER_POOL_CLIENT_ID": client_id,
        "TOKEN_ISSUER": f"https://cognito-idp.{REGION}.amazonaws.com/{user_pool_id}",
        "JWKS_URL": f"{moto_url}/{user_pool_id}/.well-known/jwks.json",
    }


def apply(forced_values: dict[str, str], default_values: dict[str, str] | None = None) -> None:
    """Write the variables into this process, then drop settings cached from older values."""
    for name in _UNSAFE:
        os.environ.pop(name, None)
    os.environ.update(forced_values)
    for name, value in (default_values or {}).items():
        os.environ.setdefault(name, value)
    _forget_cached_settings()


def _forget_cached_settings() -> None:
    from promptvault.core.settings import get_settings

    get_settings.cache_clear()
