"""Every reading of a cursor an attacker would try: the text itself, and its bytes decoded as
base64 (URL-safe and standard, at every alignment) or hex, as UTF-8 and Latin-1."""

from __future__ import annotations

import base64
import binascii
import contextlib


def _as_text(raw: bytes) -> list[str]:
    return [raw.decode("utf-8", errors="ignore"), raw.decode("latin-1")]


def readings(cursor: str) -> list[str]:
    found = [cursor]
    for shift in range(4):  # a decoder that starts mid-quantum still finds aligned text
        part = cursor[shift:]
        part += "=" * (-len(part) % 4)
        for decode in (base64.urlsafe_b64decode, base64.b64decode):
            try:
                found += _as_text(decode(part))
            except (binascii.Error, ValueError):
                continue
    with contextlib.suppress(ValueError):
        found += _as_text(bytes.fromhex(cursor))
    return found


def shows_any(cursor: str, needles: list[str]) -> list[str]:
    """The needles that some reading of the cursor contains (case-insensitive)."""
    texts = [text.lower() for text in readings(cursor)]
    return [needle for needle in needles if any(needle.lower() in text for text in texts)]
