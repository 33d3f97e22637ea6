from aws_lambda_powertools.event_handler import Request, Response

from promptvault.core.caller import require_caller
from promptvault.prompts import service
from promptvault.prompts.schemas import PromptOut, RestoreRequest
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import Endpoint, ok


def restore_version(
    id: str, n: str, request: Request, body: RestoreRequest | None = None
) -> Response[str]:
    """Writes version n+1 equal to version n; If-Match is optional here and checked when sent."""
    if_match = request.headers.get("if-match")
    message = body.change_message if body else None
    caller = require_caller()
    head, stats = service.restore_version(caller, id, service.version_number(n), if_match, message)
    return ok(prompt_out(head, stats, caller), status=201, headers={"ETag": service.etag(head)})


endpoint = Endpoint(restore_version, PromptOut, 201, errors=(401, 404, 412))
