from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import current_caller
from promptvault.search.schemas import SearchHitOut, SearchText
from promptvault.search.service import DEFAULT_LIMIT, MAX_LIMIT, search_prompts
from promptvault.web.responses import Endpoint, ok

Slug = Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
SearchSort = Literal["relevance", "newest", "top", "popular", "trending"]


def search(
    q: Annotated[SearchText, Query(max_length=200)] = "",
    category: Slug = None,
    model: Slug = None,
    tag: Slug = None,
    owner: Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9-]+$")] = None,
    sort: Annotated[SearchSort, Query()] = "relevance",
    include_own: Annotated[bool, Query(alias="includeOwn")] = False,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """Full-text search forgiving typos; public prompts, plus your own with includeOwn=true.

    meta carries total, facets (category, model, tags), nextCursor and hasMore.
    """
    hits, meta = search_prompts(
        current_caller(),
        q,
        category=category,
        model=model,
        tag=tag,
        owner_id=owner,
        sort=sort,
        include_own=include_own,
        cursor=cursor,
        limit=limit,
    )
    return ok(hits, meta=meta)


endpoint = Endpoint(search, list[SearchHitOut], errors=(401,))
