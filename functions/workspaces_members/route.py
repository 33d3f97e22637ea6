from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.web.responses import Endpoint, ok
from promptvault.workspaces import service
from promptvault.workspaces.schemas import MemberOut
from promptvault.workspaces.views import member_out


def list_members(
    id: str,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """A page of a workspace's members and their roles, by user id (members only)."""
    found, meta = service.members(require_caller(), id, cursor, limit)
    return ok([member_out(member) for member in found], meta=meta)


endpoint = Endpoint(list_members, list[MemberOut], errors=(400, 401, 404))
