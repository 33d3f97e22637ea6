from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.prompts import shares
from promptvault.web.responses import Endpoint, no_content


def revoke_share(id: str, shareId: str) -> Response[str]:
    """The link answers 410 from now on. Revoking it again changes nothing."""
    shares.revoke_share(require_caller(), id, shareId)
    return no_content()


endpoint = Endpoint(revoke_share, None, 204, errors=(401, 403, 404))
