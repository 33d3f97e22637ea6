"""Top creators: one Query of the sparse reputation index (GSI3), highest first."""

from __future__ import annotations

from typing import Any

from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.data.models import UserItem
from promptvault.identity.directory import PROFILE

SCOPE = "leaderboard"


def add_reputation(user_id: str, delta: int) -> None:
    """The counters consumer's reputation update, alone: ADD on an existing profile only
    (the consumer makes it through its exactly-once protocol; tests and operators use this)."""
    UserItem(f"USER#{user_id}", PROFILE).update(
        actions=[UserItem.reputation.add(delta)], condition=UserItem.pk.exists()
    )


def top(cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    results = UserItem.leaderboard.query(
        "User",
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=decode_cursor(cursor, SCOPE),
    )
    entries = [
        {
            "username": item.username,
            "display_name": item.display_name,
            "reputation": item.reputation or 0,
        }
        for item in results
        if isinstance(item, UserItem)
    ]
    return entries, page_meta(results.last_evaluated_key, SCOPE)
