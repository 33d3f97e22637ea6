from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import current_caller
from promptvault.engagement import service
from promptvault.engagement.schemas import UsageOut
from promptvault.web.responses import Endpoint, ok


def record_view(id: str) -> Response[str]:
    """Count one view (anonymous allowed); the counter follows from the table's stream."""
    prompt_id = service.record_usage(current_caller(), id, "view")
    return ok(UsageOut(prompt_id=prompt_id, kind="view"), status=202)


endpoint = Endpoint(record_view, UsageOut, 202, errors=(401, 404, 410))
