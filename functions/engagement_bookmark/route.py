from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import require_caller
from promptvault.engagement import service
from promptvault.engagement.schemas import BookmarkOut
from promptvault.web.responses import documented, ok

router = Router()


@router.put(
    "/v1/prompts/<id>/bookmark",
    responses=documented(BookmarkOut, errors=(401, 404)),
    tags=["engagement"],
)
def bookmark_prompt(id: str) -> Response[str]:
    """Bookmark a prompt (idempotent)."""
    prompt_id = service.bookmark(require_caller(), id)
    return ok(BookmarkOut(prompt_id=prompt_id, bookmarked=True))
