from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok
from promptvault.workspaces import invitations
from promptvault.workspaces.schemas import WorkspaceOut
from promptvault.workspaces.views import workspace_out

# the token is in the path: no cache keeps the answer, no page passes it on as a referrer
_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def accept_invitation(token: str) -> Response[str]:
    """Join the workspace with the invited role; the answer is the workspace. The signed-in
    account's address must be the invited one (403). 404: no invitation has this token; 410:
    it was used, revoked or has expired, or its workspace is gone; 409: already a member.
    Nothing changes on a refusal."""
    accepted = invitations.accept_invitation(require_caller(), token)
    return ok(workspace_out(accepted.workspace), headers=_HEADERS)


endpoint = Endpoint(accept_invitation, WorkspaceOut, errors=(401, 403, 404, 409, 410))
