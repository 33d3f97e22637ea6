from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.reports import service
from promptvault.reports.schemas import QueuedReportOut
from promptvault.web.responses import Endpoint, ok


def report_queue(
    status: Annotated[
        Literal["open", "resolved"],
        Query(description="open: the queue, longest waiting first; resolved: newest first"),
    ] = "open",
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """The moderation queue (moderators and admins)."""
    reports, meta = service.queue(require_caller(), status, cursor, limit)
    return ok([service.queued_out(r) for r in reports], meta=meta)


endpoint = Endpoint(report_queue, list[QueuedReportOut], errors=(400, 401, 403))
