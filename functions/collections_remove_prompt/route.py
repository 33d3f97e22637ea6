from aws_lambda_powertools.event_handler import Response

from promptvault.collections import service
from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, no_content


def remove_prompt(id: str, promptId: str) -> Response[str]:
    """Take a prompt out of your collection (404 when it is not in it)."""
    service.remove_prompt(require_caller(), id, promptId)
    return no_content()


endpoint = Endpoint(remove_prompt, None, 204, errors=(401, 404))
