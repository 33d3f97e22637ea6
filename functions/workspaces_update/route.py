from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok
from promptvault.workspaces import service
from promptvault.workspaces.schemas import WorkspaceOut, WorkspaceUpdate
from promptvault.workspaces.views import workspace_out


def update_workspace(id: str, body: WorkspaceUpdate) -> Response[str]:
    """Rename a team workspace or change its slug (admins and owners); a personal workspace
    is 409 ``PERSONAL_WORKSPACE``."""
    return ok(workspace_out(service.update_workspace(require_caller(), id, body)))


endpoint = Endpoint(update_workspace, WorkspaceOut, errors=(401, 403, 404, 409))
