from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.prompts import service
from promptvault.web.responses import Endpoint, no_content


def delete_prompt(id: str) -> Response[str]:
    service.delete_prompt(require_caller(), id)
    return no_content()


endpoint = Endpoint(delete_prompt, None, 204, errors=(401, 404))
