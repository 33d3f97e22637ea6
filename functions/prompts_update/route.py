from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import require_caller
from promptvault.prompts import service
from promptvault.prompts.schemas import PromptOut, PromptUpdate
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import documented, ok

router = Router()


@router.patch(
    "/v1/prompts/<id>",
    responses=documented(PromptOut, errors=(401, 404, 412, 428)),
    tags=["prompts"],
)
def update_prompt(id: str, body: PromptUpdate) -> Response[str]:
    """Send If-Match with the ETag you read; content edits write a new immutable version."""
    if_match = router.current_event.headers.get("if-match")
    head, stats = service.update_prompt(require_caller(), id, if_match, body)
    return ok(prompt_out(head, stats), headers={"ETag": service.etag(head)})
