"""Check that a webhook delivery came from PromptVault (docs/webhooks.md).

Each delivery carries ``PromptVault-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]``: each
``v1`` is the HMAC-SHA256 of ``"<t>.<raw body>"`` keyed with a webhook secret (the whole
``whsec_…`` string, as UTF-8). During a rotation there are two ``v1`` values, one per secret.

    from promptvault_sdk.webhooks import verify_signature, InvalidSignature

    try:
        event = verify_signature(secret, request.headers, request.body)
    except InvalidSignature:
        return 400
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

SIGNATURE_HEADER = "PromptVault-Signature"


class InvalidSignature(ValueError):
    """The delivery is not signed by the secret(s) given, or is too old (a replay)."""


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _parse(value: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in value.split(","):
        key, _, item = part.strip().partition("=")
        if key == "t" and item.isdigit():
            timestamp = int(item)
        elif key == "v1" and item:
            signatures.append(item)
    if timestamp is None or not signatures:
        raise InvalidSignature(f"{SIGNATURE_HEADER} must carry t= and at least one v1=")
    return timestamp, signatures


def verify_signature(
    secret: str | Sequence[str],
    headers: Mapping[str, str],
    body: bytes | str,
    tolerance: int = 300,
    *,
    now: float | None = None,
) -> dict[str, Any]:
    """The delivered event (the JSON body) when one ``v1`` matches one of the secrets and the
    timestamp is within ``tolerance`` seconds of now; else ``InvalidSignature``.

    Pass the raw body exactly as received (not re-serialised JSON). ``secret`` may be a list:
    while you roll a rotated secret over, accept both."""
    value = _header(headers, SIGNATURE_HEADER)
    if not value:
        raise InvalidSignature(f"no {SIGNATURE_HEADER} header")
    timestamp, signatures = _parse(value)
    current = time.time() if now is None else now
    if tolerance > 0 and abs(current - timestamp) > tolerance:
        raise InvalidSignature("the signature's timestamp is outside the tolerance")
    raw = body.encode() if isinstance(body, str) else bytes(body)
    signed = str(timestamp).encode() + b"." + raw
    secrets = [secret] if isinstance(secret, str) else list(secret)
    for key in secrets:
        expected = hmac.new(key.encode(), signed, hashlib.sha256).hexdigest()
        if any(hmac.compare_digest(expected, candidate) for candidate in signatures):
            try:
                event: dict[str, Any] = json.loads(raw)
            except ValueError as error:
                raise InvalidSignature("the body is not JSON") from error
            return event
    raise InvalidSignature("no v1 signature matches the secret")
