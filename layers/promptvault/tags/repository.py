"""The aggregate items the counters consumer keeps (data/models.py): read only, here."""

from __future__ import annotations

from typing import Any

from promptvault.data.models import CategoryCountItem, TagCountItem, TagDayItem

TAGS = "TAGS"  # GSI1 partition of the tag counts, sorted by tag


def query_tags(
    prefix: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[TagCountItem], dict[str, Any] | None]:
    """Tags in order from ``prefix`` on, those no public prompt carries left out (their item
    stays at 0): a page may be shorter than ``limit`` with more to come (``hasMore``)."""
    condition = TagCountItem.gsi1sk.startswith(prefix) if prefix else None
    results = TagCountItem.by_owner.query(
        TAGS,
        condition,
        filter_condition=TagCountItem.total > 0,
        limit=limit,
        last_evaluated_key=start,
    )
    items = [item for item in results if isinstance(item, TagCountItem)]
    return items, results.last_evaluated_key


def tag_uses_on(day: str) -> dict[str, int]:
    """Every tag's uses on one UTC day (all pages)."""
    return {
        item.tag: item.uses
        for item in TagDayItem.query(f"TAGDAY#{day}")
        if isinstance(item, TagDayItem)
    }


def tag_counts(tags: list[str]) -> dict[str, int]:
    if not tags:
        return {}
    found = TagCountItem.batch_get([(f"TAG#{tag}", "COUNT") for tag in tags])
    return {item.tag: item.total for item in found}


def category_counts(slugs: list[str]) -> dict[str, int]:
    found = CategoryCountItem.batch_get([(f"CATEGORY#{slug}", "COUNT") for slug in slugs])
    return {item.category: item.total for item in found}
