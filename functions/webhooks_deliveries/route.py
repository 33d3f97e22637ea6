from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.core.cursors import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.web.responses import Endpoint, ok
from promptvault.webhooks import service
from promptvault.webhooks.schemas import DeliveryOut


def webhook_deliveries(
    id: str,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """Newest first: each event's delivery with its status (pending, delivered, failed),
    attempts, the last answer and, while pending, when the next attempt is due."""
    items, meta = service.deliveries(require_caller(), id, cursor, limit)
    return ok(items, meta=meta)


endpoint = Endpoint(webhook_deliveries, list[DeliveryOut], errors=(401, 404))
