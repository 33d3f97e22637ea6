from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import require_caller
from promptvault.engagement import service
from promptvault.web.responses import documented, no_content

router = Router()


@router.delete(
    "/v1/prompts/<id>/bookmark",
    responses=documented(None, 204, errors=(401, 404)),
    tags=["engagement"],
)
def unbookmark_prompt(id: str) -> Response[str]:
    """Remove a bookmark (idempotent; works even if the prompt is no longer visible)."""
    service.unbookmark(require_caller(), id)
    return no_content()
