from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok
from promptvault.workspaces import invitations
from promptvault.workspaces.invitation_schemas import InvitationCreate, InvitationOut
from promptvault.workspaces.invitation_views import invitation_out

invitations.prepare_email()  # at init (decision 2): the templates compiled, jinja2 loaded


def create_invitation(id: str, body: InvitationCreate) -> Response[str]:
    """Invite an address to the workspace with a role (admins and owners; the owner role only
    by an owner). The address gets one email whose link works once, for 7 days; the token is
    in that email only. 409: the address is a member already, has a pending invitation, or
    does not accept our email, or the workspace has 100 pending invitations."""
    invitation = invitations.create_invitation(require_caller(), id, body)
    return ok(invitation_out(invitation), status=201)


endpoint = Endpoint(create_invitation, InvitationOut, 201, errors=(401, 403, 404, 409))
