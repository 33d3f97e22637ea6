from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import current_caller
from promptvault.prompts import service
from promptvault.prompts.schemas import VersionOut
from promptvault.prompts.views import version_out
from promptvault.web.responses import Endpoint, ok


def get_version(id: str, n: str) -> Response[str]:
    version = service.get_version(current_caller(), id, service.version_number(n))
    return ok(version_out(version))


endpoint = Endpoint(get_version, VersionOut, errors=(404, 410))
