from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok
from promptvault.workspaces import service
from promptvault.workspaces.schemas import WorkspaceOut
from promptvault.workspaces.views import workspace_out


def get_workspace(id: str) -> Response[str]:
    """A workspace you are a member of, with your role (404 for anyone else's)."""
    return ok(workspace_out(service.get_workspace(require_caller(), id)))


endpoint = Endpoint(get_workspace, WorkspaceOut, errors=(401, 404))
