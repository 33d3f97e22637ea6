from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT, list_public
from promptvault.prompts.schemas import PromptOut
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import documented, ok

router = Router()

Slug = Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


@router.get("/v1/prompts", responses=documented(list[PromptOut]), tags=["prompts"])
def public_prompts(
    category: Slug = None,
    model: Slug = None,
    tag: Slug = None,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """Public, published prompts, newest first."""
    items, meta = list_public(category, model, tag, cursor, limit)
    return ok([prompt_out(p) for p in items], meta=meta)
