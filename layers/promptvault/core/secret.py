"""The stage's server secret: signs cursors and keys the guest-rater hash. CURSOR_SECRET
locally, Secrets Manager on AWS (read once per container)."""

from __future__ import annotations

from functools import lru_cache

from promptvault.core.settings import get_settings


@lru_cache(maxsize=1)
def server_secret() -> bytes:
    settings = get_settings()
    if settings.cursor_secret:
        return settings.cursor_secret.encode()
    if settings.cursor_secret_arn:
        import boto3

        client = boto3.client("secretsmanager", region_name=settings.region)
        return str(
            client.get_secret_value(SecretId=settings.cursor_secret_arn)["SecretString"]
        ).encode()
    raise RuntimeError("Set CURSOR_SECRET or CURSOR_SECRET_ARN")
