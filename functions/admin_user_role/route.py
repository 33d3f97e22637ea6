from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import require_caller
from promptvault.identity.roles import set_role
from promptvault.identity.schemas import RoleOut, RoleUpdate
from promptvault.web.responses import documented, ok

router = Router()


@router.put(
    "/v1/admin/users/<username>/role",
    responses=documented(RoleOut, errors=(401, 403, 404)),
    tags=["admin"],
)
def put_role(username: str, body: RoleUpdate) -> Response[str]:
    """Admins only; the user's next token carries the new group."""
    role = set_role(require_caller(), username, body.role)
    return ok(RoleOut(username=username, role=role))  # type: ignore[arg-type]
