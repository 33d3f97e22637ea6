from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.identity import apikeys
from promptvault.web.responses import Endpoint, no_content


def revoke_api_key(id: str) -> Response[str]:
    """The key stops working at once."""
    apikeys.revoke_key(require_caller(), id)
    return no_content()


endpoint = Endpoint(revoke_api_key, None, 204, errors=(401, 403, 404))
