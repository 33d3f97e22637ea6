from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.identity.roles import set_role
from promptvault.identity.schemas import RoleOut, RoleUpdate
from promptvault.web.responses import Endpoint, ok


def put_role(username: str, body: RoleUpdate) -> Response[str]:
    """Admins only; the user's next token carries the new group."""
    role = set_role(require_caller(), username, body.role)
    return ok(RoleOut(username=username, role=role))  # type: ignore[arg-type]


endpoint = Endpoint(put_role, RoleOut, errors=(401, 403, 404))
