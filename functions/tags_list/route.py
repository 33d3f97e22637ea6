from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.tags import service
from promptvault.tags.schemas import TagOut
from promptvault.web.responses import Endpoint, ok


def list_tags(
    prefix: Annotated[
        str, Query(max_length=30, description="Only tags that start with this (a-z, 0-9, -)")
    ] = "",
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """Tags of public, published prompts in alphabetical order, each with how many carry it.
    A page may hold fewer than ``limit`` tags with more to come: follow ``nextCursor``."""
    tags, meta = service.list_tags(prefix, cursor, limit)
    out = [TagOut(tag=tag, count=count) for tag, count in tags]
    return ok(out, meta=meta, headers={"Cache-Control": "public, max-age=60"})


endpoint = Endpoint(list_tags, list[TagOut], errors=(400,))
