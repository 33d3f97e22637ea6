from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import current_caller
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT, list_public, with_stats
from promptvault.prompts.schemas import PromptOut
from promptvault.prompts.views import prompt_out
from promptvault.search.schemas import PromptSummary
from promptvault.web.responses import Endpoint, ok

Slug = Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
FeedSort = Literal["trending", "top", "popular", "new"]


def public_prompts(
    category: Slug = None,
    model: Slug = None,
    tag: Slug = None,
    sort: Annotated[FeedSort | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """Public, published prompts. Without sort: newest first from the table, full prompts,
    consistent with your last write. With sort=trending|top|popular|new: ranked by the search
    index, as summaries with stats (see docs/search.md)."""
    if sort is not None:
        from promptvault.search.service import MAX_LIMIT as INDEX_LIMIT
        from promptvault.search.service import browse_prompts

        summaries, meta = browse_prompts(
            sort,
            category=category,
            model=model,
            tag=tag,
            cursor=cursor,
            limit=min(limit, INDEX_LIMIT),
        )
        return ok(summaries, meta=meta)
    items, meta = list_public(category, model, tag, cursor, limit)
    viewer = current_caller()
    return ok([prompt_out(p, s, viewer) for p, s in with_stats(items)], meta=meta)


endpoint = Endpoint(public_prompts, list[PromptOut] | list[PromptSummary])
