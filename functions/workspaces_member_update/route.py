from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok
from promptvault.workspaces import service
from promptvault.workspaces.roles import Role
from promptvault.workspaces.schemas import MemberIn, MemberOut
from promptvault.workspaces.views import member_out


def set_member_role(id: str, userId: str, body: MemberIn) -> Response[str]:
    """Change a member's role: admins manage roles below owner, only owners grant or revoke
    owner; the last owner cannot be demoted (409 ``LAST_OWNER``)."""
    member = service.set_role(require_caller(), id, userId, Role(body.role))
    return ok(member_out(member))


endpoint = Endpoint(set_member_role, MemberOut, errors=(401, 403, 404, 409))
