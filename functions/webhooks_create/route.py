from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok
from promptvault.webhooks import service
from promptvault.webhooks.schemas import WebhookCreate, WebhookCreated


def create_webhook(body: WebhookCreate) -> Response[str]:
    """The URL is checked now (https, a public address after DNS resolution) and before
    every delivery. The secret is in this answer only: store it now."""
    created = service.create(require_caller(), body)
    return ok(created, status=201, headers={"Cache-Control": "no-store"})


endpoint = Endpoint(create_webhook, WebhookCreated, 201, errors=(401, 403, 409))
