from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.engagement import service
from promptvault.engagement.schemas import BookmarkEntry
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import Endpoint, ok


def my_bookmarks(
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """The signed-in user's bookmarked prompts, most recently bookmarked first."""
    caller = require_caller()
    entries, meta = service.my_bookmarks(caller, cursor, limit)
    data = [
        BookmarkEntry(bookmarked_at=at, prompt=prompt_out(head, stats, caller))
        for at, head, stats in entries
    ]
    return ok(data, meta=meta)


endpoint = Endpoint(my_bookmarks, list[BookmarkEntry], errors=(401,))
