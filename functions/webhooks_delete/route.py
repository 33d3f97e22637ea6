from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, no_content
from promptvault.webhooks import service


def delete_webhook(id: str) -> Response[str]:
    """Nothing more is delivered to it; another person's webhook id is 404."""
    service.delete(require_caller(), id)
    return no_content()


endpoint = Endpoint(delete_webhook, None, 204, errors=(401, 404))
