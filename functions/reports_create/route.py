from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.reports import service
from promptvault.reports.schemas import ReportCreate, ReportOut
from promptvault.web.responses import Endpoint, ok


def file_report(body: ReportCreate) -> Response[str]:
    """Flag a prompt, a comment or a user for the moderators: one open report per person and
    target. When 3 people (the stage's threshold) have an open report of a prompt or a
    comment, it is hidden from everyone but its owner and moderators until a moderator
    reviews it. You learn the outcome
    in ``GET /v1/users/me/reports``."""
    report = service.file_report(require_caller(), body)
    return ok(service.report_out(report), status=201)


endpoint = Endpoint(file_report, ReportOut, 201, errors=(401, 403, 404, 409, 413))
