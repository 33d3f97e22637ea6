from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.imports import service
from promptvault.imports.schemas import ImportOut
from promptvault.web.responses import Endpoint, ok


def get_import(id: str) -> Response[str]:
    """Its status (awaiting-upload, processing, done, failed) and counts; anyone but its
    importer gets 404."""
    return ok(service.get_import(require_caller(), id))


endpoint = Endpoint(get_import, ImportOut, errors=(401, 404))
