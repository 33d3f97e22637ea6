from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.web.responses import Endpoint, ok
from promptvault.workspaces import service
from promptvault.workspaces.schemas import WorkspaceOut
from promptvault.workspaces.views import workspace_out


def my_workspaces(
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """Your workspaces with your role in each: your personal one first, then the team ones
    in the order you joined them."""
    found, meta = service.my_workspaces(require_caller(), cursor, limit)
    return ok([workspace_out(workspace) for workspace in found], meta=meta)


endpoint = Endpoint(my_workspaces, list[WorkspaceOut], errors=(400, 401))
