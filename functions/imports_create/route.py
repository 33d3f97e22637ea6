from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.imports import service
from promptvault.imports.schemas import ImportCreate, ImportStarted
from promptvault.web.responses import Endpoint, ok


def start_import(body: ImportCreate) -> Response[str]:
    """201 at once; the rows are processed asynchronously once the file is in the bucket:
    inline ``content`` at once, a ``filename`` when its bytes are PUT to ``uploadUrl`` (valid
    15 minutes). Follow ``GET /v1/imports/{id}`` until ``done`` or ``failed``."""
    started = service.start_import(require_caller(), body)
    return ok(started, 201, headers={"Location": f"/v1/imports/{started.id}"})


endpoint = Endpoint(start_import, ImportStarted, 201, errors=(401,))
