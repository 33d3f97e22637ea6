from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import current_caller
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT, list_versions
from promptvault.prompts.schemas import VersionSummary
from promptvault.prompts.views import version_summary
from promptvault.web.responses import Endpoint, ok


def versions(
    id: str,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    items, meta = list_versions(current_caller(), id, cursor, limit)
    return ok([version_summary(v) for v in items], meta=meta)


endpoint = Endpoint(versions, list[VersionSummary], errors=(404, 410))
