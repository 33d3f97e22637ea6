from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import current_caller
from promptvault.prompts import service
from promptvault.prompts.schemas import DiffOut
from promptvault.web.responses import Endpoint, ok


def diff(
    id: str,
    from_: Annotated[int, Query(alias="from", ge=1, le=999_999)],
    to: Annotated[int, Query(ge=1, le=999_999)],
) -> Response[str]:
    """Unified diff of the content, and the other fields that changed, between two versions."""
    service.bad_range(from_, to)
    return ok(DiffOut(**service.diff_versions(current_caller(), id, from_, to)))


endpoint = Endpoint(diff, DiffOut, errors=(404, 410))
