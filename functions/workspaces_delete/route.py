from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, no_content
from promptvault.workspaces import service


def delete_workspace(id: str) -> Response[str]:
    """Delete a team workspace and its memberships (owners); a personal workspace is 409
    ``PERSONAL_WORKSPACE``."""
    service.delete_workspace(require_caller(), id)
    return no_content()


endpoint = Endpoint(delete_workspace, None, 204, errors=(401, 403, 404, 409))
