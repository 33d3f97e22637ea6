from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok
from promptvault.webhooks import service
from promptvault.webhooks.schemas import SecretRotated


def rotate_webhook_secret(id: str) -> Response[str]:
    """The new secret is in this answer only. For 24 hours deliveries are signed with both
    (two ``v1=``), so the receiver can switch; a second rotation ends the oldest at once."""
    rotated = service.rotate_secret(require_caller(), id)
    return ok(rotated, headers={"Cache-Control": "no-store"})


endpoint = Endpoint(rotate_webhook_secret, SecretRotated, errors=(401, 404, 409))
