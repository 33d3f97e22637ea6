from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, no_content
from promptvault.workspaces import invitations


def revoke_invitation(id: str, invitationId: str) -> Response[str]:
    """The invitation's link answers 410 from now on (admins and owners). Revoking a revoked
    or expired invitation changes nothing; an accepted one is 409."""
    invitations.revoke_invitation(require_caller(), id, invitationId)
    return no_content()


endpoint = Endpoint(revoke_invitation, None, 204, errors=(401, 403, 404, 409))
