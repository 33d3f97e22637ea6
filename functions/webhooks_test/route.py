from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok
from promptvault.webhooks import service
from promptvault.webhooks.schemas import PingOutcome


def send_test_ping(id: str) -> Response[str]:
    """A signed ``webhook.test`` delivery now (one attempt, 5 s at most, recorded in the
    deliveries); 200 with what the receiver did, whether or not it answered 2xx."""
    return ok(service.ping(require_caller(), id))


endpoint = Endpoint(send_test_ping, PingOutcome, errors=(401, 404))
