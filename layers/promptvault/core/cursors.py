"""Opaque, encrypted, tamper-evident pagination cursors.

A cursor is the DynamoDB LastEvaluatedKey (JSON), encrypted and authenticated with
AES-256-GCM: the key is derived from the server secret (``secret.derived_key``), the nonce is
random per cursor, and the listing it came from (its scope: route, owner, filters) is the
associated data. So a cursor reveals nothing of the table's keys (no user ids), and a forged,
edited, truncated or foreign cursor fails authentication: the request gets 400, never
somebody else's page.

    cursor = base64url(version 0x01 | nonce (12) | ciphertext | tag (16)), at most 2048 chars
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from promptvault.core import secret
from promptvault.core.errors import InvalidCursor

_MAX_CURSOR_CHARS = 2048
_VERSION = b"\x01"
_NONCE_BYTES = 12  # AES-GCM's standard nonce: random, so 2**32 cursors per key stay far safe
_TAG_BYTES = 16
_AAD_PREFIX = b"promptvault-cursor-v1\x00"
_INVALID = "The cursor is not valid for this listing"
DEFAULT_LIMIT = 20  # a page, unless the client asks for fewer or more
MAX_LIMIT = 100


def _aead() -> AESGCM:
    return AESGCM(secret.derived_key(secret.CURSOR_KEY))


def _seal(scope: str, payload: bytes) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _aead().encrypt(nonce, payload, _AAD_PREFIX + scope.encode())
    return base64.urlsafe_b64encode(_VERSION + nonce + sealed).rstrip(b"=").decode()


def _open(scope: str, cursor: str) -> bytes:
    """The payload, or InvalidCursor for anything not sealed by this stage for this scope."""
    if not cursor or len(cursor) > _MAX_CURSOR_CHARS:
        raise InvalidCursor(_INVALID)
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
    except (ValueError, binascii.Error) as exc:  # UnicodeEncodeError is a ValueError
        raise InvalidCursor(_INVALID) from exc
    version, nonce, sealed = raw[:1], raw[1 : 1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES :]
    if version != _VERSION or len(nonce) != _NONCE_BYTES or len(sealed) < _TAG_BYTES:
        raise InvalidCursor(_INVALID)
    try:
        return _aead().decrypt(nonce, sealed, _AAD_PREFIX + scope.encode())
    except InvalidTag as exc:
        raise InvalidCursor(_INVALID) from exc


def encode_cursor(last_key: dict[str, Any] | None, scope: str) -> str | None:
    if not last_key:
        return None
    payload = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    return _seal(scope, payload)


def decode_cursor(cursor: str | None, scope: str) -> dict[str, Any] | None:
    if cursor is None:
        return None
    payload = _open(scope, cursor)
    try:
        value = json.loads(payload)
    except ValueError as exc:  # sealed by us, so never expected; still 400, not 500
        raise InvalidCursor(_INVALID) from exc
    if not isinstance(value, dict):
        raise InvalidCursor(_INVALID)
    return value


def page_meta(last_key: dict[str, Any] | None, scope: str) -> dict[str, Any]:
    cursor = encode_cursor(last_key, scope)
    return {"nextCursor": cursor, "hasMore": cursor is not None}
