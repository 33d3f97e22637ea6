from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.engagement import service
from promptvault.engagement.schemas import ForkIn
from promptvault.prompts.schemas import PromptOut
from promptvault.prompts.service import etag
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import Endpoint, ok


def fork_prompt(id: str, body: ForkIn | None = None) -> Response[str]:
    """Copy the prompt's current version into a new prompt of the caller's. A fork of a
    prompt you cannot list publicly (unlisted, archived, or not public) starts private,
    whatever you ask, unless the prompt is yours; forkedFrom is shown to others only when
    the original was public and published."""
    caller = require_caller()
    head = service.fork(caller, id, body or ForkIn())
    return ok(prompt_out(head, viewer=caller), status=201, headers={"ETag": etag(head)})


endpoint = Endpoint(fork_prompt, PromptOut, 201, errors=(401, 404, 410, 413))
