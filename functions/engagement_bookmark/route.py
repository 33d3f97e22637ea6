from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.engagement import service
from promptvault.engagement.schemas import BookmarkOut
from promptvault.web.responses import Endpoint, ok


def bookmark_prompt(id: str) -> Response[str]:
    """Bookmark a prompt (idempotent)."""
    prompt_id = service.bookmark(require_caller(), id)
    return ok(BookmarkOut(prompt_id=prompt_id, bookmarked=True))


endpoint = Endpoint(bookmark_prompt, BookmarkOut, errors=(401, 404, 410))
