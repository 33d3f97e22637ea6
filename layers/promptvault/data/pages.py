"""One page of a pynamodb query, as every repository answers a listing."""

from __future__ import annotations

from typing import Any


def page(results: Any) -> tuple[list[Any], dict[str, Any] | None]:
    """The items of a query's page and the key to continue from (None: the last page)."""
    items = list(results)
    return items, results.last_evaluated_key
