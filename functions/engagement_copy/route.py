from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import current_caller
from promptvault.engagement import service
from promptvault.engagement.schemas import UsageOut
from promptvault.web.responses import Endpoint, ok


def record_copy(id: str) -> Response[str]:
    """Count one copy (anonymous allowed); the counter follows from the table's stream."""
    prompt_id = service.record_usage(current_caller(), id, "copy")
    return ok(UsageOut(prompt_id=prompt_id, kind="copy"), status=202)


endpoint = Endpoint(record_copy, UsageOut, 202, errors=(401, 404, 410))
