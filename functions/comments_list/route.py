from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.comments import service
from promptvault.comments.schemas import CommentOut, CommentSort
from promptvault.comments.views import comment_out
from promptvault.core.caller import current_caller
from promptvault.core.cursors import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.web.responses import Endpoint, ok


def list_comments(
    id: str,
    sort: CommentSort = "oldest",
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """The prompt's top-level comments, oldest first, or most liked first (``sort=top``).
    A deleted comment that still has replies is shown without author or body."""
    comments, meta = service.list_comments(current_caller(), id, sort, cursor, limit)
    return ok([comment_out(c) for c in comments], meta=meta)


endpoint = Endpoint(list_comments, list[CommentOut], errors=(404, 410))
