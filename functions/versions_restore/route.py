from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import require_caller
from promptvault.prompts import service
from promptvault.prompts.schemas import PromptOut, RestoreRequest
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import documented, ok

router = Router()


@router.post(
    "/v1/prompts/<id>/versions/<n>/restore",
    responses=documented(PromptOut, 201, errors=(401, 404, 412)),
    tags=["versions"],
)
def restore_version(id: str, n: str, body: RestoreRequest | None = None) -> Response[str]:
    """Writes version n+1 equal to version n; If-Match is optional here and checked when sent."""
    if_match = router.current_event.headers.get("if-match")
    message = body.change_message if body else None
    head, stats = service.restore_version(
        require_caller(), id, service.version_number(n), if_match, message
    )
    return ok(prompt_out(head, stats), status=201, headers={"ETag": service.etag(head)})
