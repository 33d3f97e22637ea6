from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.engagement import service
from promptvault.web.responses import Endpoint, no_content


def unbookmark_prompt(id: str) -> Response[str]:
    """Remove a bookmark (idempotent; works even if the prompt is no longer visible)."""
    service.unbookmark(require_caller(), id)
    return no_content()


endpoint = Endpoint(unbookmark_prompt, None, 204, errors=(401, 404))
