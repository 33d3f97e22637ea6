from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, no_content
from promptvault.workspaces import service


def remove_member(id: str, userId: str) -> Response[str]:
    """Remove a member (admins: below owner; owners: anyone), or leave (your own id); the
    last owner cannot leave (409 ``LAST_OWNER``)."""
    service.remove_member(require_caller(), id, userId)
    return no_content()


endpoint = Endpoint(remove_member, None, 204, errors=(401, 403, 404, 409))
