"""Tags with their counts, tags rising in a window, categories with their counts.

The counts are the counters consumer's (``streams/counter_rules.py`` ``AGGREGATES``): a
prompt counts while it is public and published, exactly once under redelivery. Reads only.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from promptvault.core.clock import utcnow
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.errors import field_error
from promptvault.reference import categories
from promptvault.tags import repository as repo

WINDOW_DAYS = {"1d": 1, "7d": 7, "30d": 30}
PREFIX = re.compile(r"^[a-z0-9-]{0,30}$")  # what a stored tag is made of (a slug)
_SCOPE = "tags"


def list_tags(
    prefix: str, cursor: str | None, limit: int
) -> tuple[list[tuple[str, int]], dict[str, Any]]:
    """Tags in alphabetical order with their counts; ``prefix`` narrows (a tag is a slug:
    lower-case letters, digits and hyphens)."""
    if not PREFIX.match(prefix):
        raise field_error("prefix", "a tag prefix is lower-case letters, digits and hyphens")
    scope = f"{_SCOPE}:{prefix}"
    items, last = repo.query_tags(prefix, limit, decode_cursor(cursor, scope))
    return [(item.tag, item.total) for item in items], page_meta(last, scope)


def popular_tags(window: str, limit: int) -> list[tuple[str, int, int]]:
    """The tags public prompts took most in the window (the last ``n`` UTC days, today
    included): (tag, uses in the window, count now), most used first, ties by name."""
    today = utcnow().date()
    uses: dict[str, int] = {}
    for back in range(WINDOW_DAYS[window]):
        for tag, n in repo.tag_uses_on((today - timedelta(days=back)).isoformat()).items():
            uses[tag] = uses.get(tag, 0) + n
    top = sorted((tag for tag, n in uses.items() if n > 0), key=lambda t: (-uses[t], t))[:limit]
    counts = repo.tag_counts(top)
    return [(tag, uses[tag], counts.get(tag, 0)) for tag in top]


def categories_with_counts() -> list[dict[str, Any]]:
    """The reference categories, each with its count of public, published prompts."""
    known = categories()
    counts = repo.category_counts([c["slug"] for c in known])
    return [{**c, "prompt_count": counts.get(c["slug"], 0)} for c in known]
