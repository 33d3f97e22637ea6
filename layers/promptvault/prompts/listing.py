"""Cursor-paginated listings. Each cursor is bound to its listing's scope (who, which filters)."""

from __future__ import annotations

from typing import Any

from pynamodb.expressions.operand import Path

from promptvault.core.caller import Caller
from promptvault.core.cursors import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, page_meta
from promptvault.data.models import PromptItem, PromptStatsItem
from promptvault.prompts import repository as repo
from promptvault.prompts.service import find_prompt, readable_versions_from

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT"]


def with_stats(heads: list[PromptItem]) -> list[tuple[PromptItem, PromptStatsItem | None]]:
    """A listing page's heads with their counters (one BatchGetItem for the page)."""
    stats = repo.stats_of(heads)
    return [(head, stats.get(head.prompt_id)) for head in heads]


def list_versions(
    caller: Caller | None, id_or_slug: str, cursor: str | None, limit: int
) -> tuple[list[Any], dict[str, Any]]:
    head = find_prompt(id_or_slug, caller)
    oldest = readable_versions_from(head, caller)
    scope = f"versions:{head.prompt_id}:{oldest}"
    start = decode_cursor(cursor, scope)
    items, last = repo.query_versions(head.prompt_id, limit, start, oldest)
    return items, page_meta(last, scope)


def list_my_prompts(
    caller: Caller, status: str | None, visibility: str | None, cursor: str | None, limit: int
) -> tuple[list[PromptItem], dict[str, Any]]:
    scope = f"mine:{caller.user_id}:{status or ''}:{visibility or ''}"
    condition = None
    if status:
        condition = PromptItem.status == status
    if visibility:
        by_visibility = PromptItem.visibility == visibility
        condition = by_visibility if condition is None else condition & by_visibility
    items, last = repo.query_owner_prompts(
        caller.user_id, limit, decode_cursor(cursor, scope), condition
    )
    return items, page_meta(last, scope)


def list_public_of(
    owner_id: str, cursor: str | None, limit: int
) -> tuple[list[PromptItem], dict[str, Any]]:
    """A person's public, published prompts, newest first (their profile page); hidden ones
    (reports, a moderator) are not listed."""
    scope = f"user-prompts:{owner_id}"
    action = Path("moderation.action")  # a map's attribute: the typed stubs know no paths
    shown = action.does_not_exist() | (action != "hide")
    condition = (PromptItem.visibility == "public") & (PromptItem.status == "published") & shown
    items, last = repo.query_owner_prompts(owner_id, limit, decode_cursor(cursor, scope), condition)
    return items, page_meta(last, scope)


def list_public(
    category: str | None, model: str | None, tag: str | None, cursor: str | None, limit: int
) -> tuple[list[PromptItem], dict[str, Any]]:
    scope = f"feed:{category or ''}:{model or ''}:{tag or ''}"
    condition = None
    for clause in (
        PromptItem.category == category if category else None,
        PromptItem.model == model if model else None,
        PromptItem.tags.contains(tag) if tag else None,
    ):
        if clause is not None:
            condition = clause if condition is None else condition & clause
    items, last = repo.query_feed(limit, decode_cursor(cursor, scope), condition)
    return items, page_meta(last, scope)
