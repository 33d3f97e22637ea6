"""Identifiers the product mints: a kind prefix and 128 random bits (``p_…`` prompts,
``m_…`` moderation actions), and short random suffixes."""

from __future__ import annotations

import secrets
import uuid


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def short_suffix(nbytes: int = 3) -> str:
    """Hex noise for keys that must not collide (slug retries, usage items)."""
    return secrets.token_hex(nbytes)
