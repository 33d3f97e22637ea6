"""The stage's server secret: keys the guest-rater hash and, through HKDF, the cursor
encryption. CURSOR_SECRET locally, Secrets Manager on AWS (read once per container, on first
use: never at init, and dropped before a SnapStart snapshot, so no snapshot holds it)."""

from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from promptvault.core import aws, snapshot
from promptvault.core.settings import get_settings

# HKDF's info labels: one per use, so no two uses of the secret share a key
CURSOR_KEY = b"promptvault/cursor/aes-256-gcm/v1"


@lru_cache(maxsize=1)
def server_secret() -> bytes:
    settings = get_settings()
    if settings.cursor_secret:
        return settings.cursor_secret.encode()
    if settings.cursor_secret_arn:
        client = aws.client("secretsmanager")
        return str(
            client.get_secret_value(SecretId=settings.cursor_secret_arn)["SecretString"]
        ).encode()
    raise RuntimeError("Set CURSOR_SECRET or CURSOR_SECRET_ARN")


def derived_key(label: bytes, length: int = 32) -> bytes:
    """A key for one purpose, derived from the server secret (HKDF-SHA256, ``label`` as its
    info): independent of the secret itself (the guest-rater HMAC key) and of other labels."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=label).derive(
        server_secret()
    )


# The secret must not be in the snapshot (nor its derived keys: they are not cached), and a
# restored sandbox reads the current one (rotation).
snapshot.drop_before_snapshot(server_secret.cache_clear)
snapshot.renew_after_restore(server_secret.cache_clear)
