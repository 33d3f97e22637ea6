from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.comments import service
from promptvault.comments.schemas import CommentOut
from promptvault.comments.views import comment_out
from promptvault.core.caller import current_caller
from promptvault.core.cursors import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.web.responses import Endpoint, ok


def list_replies(
    id: str,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """The replies to a top-level comment, oldest first."""
    replies, meta = service.list_replies(current_caller(), id, cursor, limit)
    return ok([comment_out(c) for c in replies], meta=meta)


endpoint = Endpoint(list_replies, list[CommentOut], errors=(404,))
