from aws_lambda_powertools.event_handler import Response

from promptvault.comments import service
from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, no_content


def unlike_comment(id: str) -> Response[str]:
    """Withdraw your like (idempotent: also of a comment since deleted or hidden)."""
    service.unlike(require_caller(), id)
    return no_content()


endpoint = Endpoint(unlike_comment, None, 204, errors=(401, 403, 404))
