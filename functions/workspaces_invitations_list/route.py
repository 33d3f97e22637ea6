from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.web.responses import Endpoint, ok
from promptvault.workspaces import invitations
from promptvault.workspaces.invitation_schemas import InvitationOut
from promptvault.workspaces.invitation_views import invitation_out


def list_invitations(
    id: str,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """The workspace's pending invitations that have not expired, newest first (admins and
    owners). Tokens are never shown."""
    found, meta = invitations.list_invitations(require_caller(), id, cursor, limit)
    return ok([invitation_out(invitation) for invitation in found], meta=meta)


endpoint = Endpoint(list_invitations, list[InvitationOut], errors=(400, 401, 403, 404, 409))
