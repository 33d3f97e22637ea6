from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok
from promptvault.workspaces import service
from promptvault.workspaces.schemas import WorkspaceCreate, WorkspaceOut
from promptvault.workspaces.views import workspace_out


def create_workspace(body: WorkspaceCreate) -> Response[str]:
    """A team workspace of which you are the owner; its slug is unique across the product
    (409 ``SLUG_TAKEN``). At most 50 owned per person."""
    return ok(workspace_out(service.create_workspace(require_caller(), body)), status=201)


endpoint = Endpoint(create_workspace, WorkspaceOut, 201, errors=(401, 409))
