from aws_lambda_powertools.event_handler import Request, Response

from promptvault.core.caller import require_caller
from promptvault.prompts import service
from promptvault.prompts.schemas import PromptOut, PromptUpdate
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import Endpoint, ok


def update_prompt(id: str, body: PromptUpdate, request: Request) -> Response[str]:
    """Send If-Match with the ETag you read; content edits write a new immutable version."""
    if_match = request.headers.get("if-match")
    caller = require_caller()
    head, stats = service.update_prompt(caller, id, if_match, body)
    return ok(prompt_out(head, stats, caller), headers={"ETag": service.etag(head)})


endpoint = Endpoint(update_prompt, PromptOut, errors=(401, 404, 409, 412, 428))
