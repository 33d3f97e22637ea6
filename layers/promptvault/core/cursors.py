"""Opaque, tamper-evident pagination cursors.

A cursor is the DynamoDB LastEvaluatedKey, bound to the listing it came from (its scope:
route, owner, filters) and signed with HMAC-SHA256. A forged, edited or foreign cursor
fails verification and the request gets 400, never somebody else's page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from promptvault.core.errors import InvalidCursor
from promptvault.core.secret import server_secret

_MAX_CURSOR_CHARS = 2048
DEFAULT_LIMIT = 20  # a page, unless the client asks for fewer or more
MAX_LIMIT = 100


def _mac(scope: str, payload: bytes) -> bytes:
    return hmac.new(server_secret(), scope.encode() + b"\x00" + payload, hashlib.sha256).digest()[
        :16
    ]


def encode_cursor(last_key: dict[str, Any] | None, scope: str) -> str | None:
    if not last_key:
        return None
    payload = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    token = _mac(scope, payload) + payload
    return base64.urlsafe_b64encode(token).rstrip(b"=").decode()


def decode_cursor(cursor: str | None, scope: str) -> dict[str, Any] | None:
    if cursor is None:
        return None
    if not cursor or len(cursor) > _MAX_CURSOR_CHARS:
        raise InvalidCursor("The cursor is not valid for this listing")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (ValueError, TypeError) as exc:
        raise InvalidCursor("The cursor is not valid for this listing") from exc
    mac, payload = raw[:16], raw[16:]
    if len(mac) != 16 or not hmac.compare_digest(mac, _mac(scope, payload)):
        raise InvalidCursor("The cursor is not valid for this listing")
    value = json.loads(payload)
    if not isinstance(value, dict):
        raise InvalidCursor("The cursor is not valid for this listing")
    return value


def page_meta(last_key: dict[str, Any] | None, scope: str) -> dict[str, Any]:
    cursor = encode_cursor(last_key, scope)
    return {"nextCursor": cursor, "hasMore": cursor is not None}
