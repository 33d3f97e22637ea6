"""Top creators: one Query of the sparse reputation index (GSI3), highest first."""

from __future__ import annotations

from typing import Any

from promptvault.data.models import UserItem
from promptvault.users.repository import add_reputation
from promptvault.web.cursor import decode_cursor, page_meta

SCOPE = "leaderboard"
__all__ = ["add_reputation", "top"]


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
