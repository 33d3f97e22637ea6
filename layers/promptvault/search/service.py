"""Search use cases: the query the caller may run, offset cursors bound to that query.

Visibility is the engine's job (every query carries the viewer); this module only decides
who the viewer is and whether they asked for their own private prompts.
"""

from __future__ import annotations

import json
from typing import Any

from promptvault.core.caller import Caller
from promptvault.core.cursors import decode_cursor, encode_cursor
from promptvault.core.errors import InvalidCursor, Unauthorized
from promptvault.search.backend import SearchQuery, Sort
from promptvault.search.engine import get_backend
from promptvault.search.schemas import PromptSummary, SearchHitOut, prompt_summary, search_hit

DEFAULT_LIMIT = 20
MAX_LIMIT = 50
MAX_WINDOW = 1000  # deepest result a cursor reaches (OpenSearch's window is 10,000)
SUGGEST_LIMIT = 8
FEED_SORTS: dict[str, Sort] = {
    "trending": "trending",
    "top": "top",
    "popular": "popular",
    "new": "newest",
}


def _scope(query: SearchQuery) -> str:
    """What a cursor is bound to: everything that shapes the result list except the page."""
    viewer = query.viewer_id if query.include_own_private else None
    parts = [
        query.text.strip().lower(),
        viewer,
        query.category,
        query.model,
        sorted(query.tags),
        query.owner_id,
        query.sort,
    ]
    return "search:" + json.dumps(parts, separators=(",", ":"))


def _offset(cursor: str | None, scope: str) -> int:
    position = decode_cursor(cursor, scope)
    if position is None:
        return 0
    offset = position.get("offset")
    if not isinstance(offset, int) or not 0 < offset < MAX_WINDOW:
        raise InvalidCursor("The cursor is not valid for this listing")
    return offset


def _run(query: SearchQuery, cursor: str | None) -> tuple[Any, dict[str, Any]]:
    scope = _scope(query)
    offset = _offset(cursor, scope)
    limit = min(query.limit, MAX_WINDOW - offset)
    result = get_backend().search(
        SearchQuery(**{**_fields(query), "offset": offset, "limit": limit})
    )
    end = offset + len(result.hits)
    more = end < min(result.total, MAX_WINDOW) and bool(result.hits)
    cursor_out = encode_cursor({"offset": end}, scope) if more else None
    meta: dict[str, Any] = {"total": result.total, "nextCursor": cursor_out, "hasMore": more}
    return result, meta


def _fields(query: SearchQuery) -> dict[str, Any]:
    return {name: getattr(query, name) for name in SearchQuery.__dataclass_fields__}


def search_prompts(
    caller: Caller | None,
    text: str,
    *,
    category: str | None = None,
    model: str | None = None,
    tag: str | None = None,
    owner_id: str | None = None,
    sort: Sort = "relevance",
    include_own: bool = False,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[SearchHitOut], dict[str, Any]]:
    if include_own and caller is None:
        raise Unauthorized("Sign in to include your own private prompts")
    query = SearchQuery(
        text=text,
        viewer_id=caller.user_id if caller else None,
        include_own_private=include_own,
        category=category,
        model=model,
        tags=(tag,) if tag else (),
        owner_id=owner_id,
        sort=sort,
        limit=limit,
    )
    result, meta = _run(query, cursor)
    meta["facets"] = result.facets
    return [search_hit(hit) for hit in result.hits], meta


def browse_prompts(
    sort: str,
    *,
    category: str | None,
    model: str | None,
    tag: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[PromptSummary], dict[str, Any]]:
    """The public feed in a ranked order (GET /v1/prompts?sort=...): public + published only."""
    query = SearchQuery(
        category=category,
        model=model,
        tags=(tag,) if tag else (),
        sort=FEED_SORTS[sort],
        limit=limit,
        facets=False,
        highlight=False,
    )
    result, meta = _run(query, cursor)
    return [prompt_summary(hit.document) for hit in result.hits], meta


def suggest_titles(caller: Caller | None, prefix: str, include_own: bool = False) -> list[str]:
    if include_own and caller is None:
        raise Unauthorized("Sign in to include your own private prompts")
    viewer = caller.user_id if caller else None
    return get_backend().suggest(prefix, viewer, SUGGEST_LIMIT, include_own_private=include_own)
