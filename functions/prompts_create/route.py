from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.prompts import service
from promptvault.prompts.schemas import PromptCreate, PromptOut
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import Endpoint, ok


def create_prompt(body: PromptCreate) -> Response[str]:
    caller = require_caller()
    head = service.create_prompt(caller, body)
    return ok(prompt_out(head, viewer=caller), status=201, headers={"ETag": service.etag(head)})


endpoint = Endpoint(create_prompt, PromptOut, 201, errors=(401, 413))
