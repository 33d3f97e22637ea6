from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.core.cursors import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.web.responses import Endpoint, ok
from promptvault.webhooks import service
from promptvault.webhooks.schemas import WebhookOut


def list_webhooks(
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """The signed-in user's webhooks, newest first (never their secrets)."""
    items, meta = service.list_webhooks(require_caller(), cursor, limit)
    return ok(items, meta=meta)


endpoint = Endpoint(list_webhooks, list[WebhookOut], errors=(401,))
