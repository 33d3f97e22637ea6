from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.reports import service
from promptvault.reports.schemas import ReportOut
from promptvault.web.responses import Endpoint, ok


def my_reports(
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """Your reports, newest first, with what the moderators did about each."""
    reports, meta = service.my_reports(require_caller(), cursor, limit)
    return ok([service.report_out(r) for r in reports], meta=meta)


endpoint = Endpoint(my_reports, list[ReportOut], errors=(400, 401, 403))
