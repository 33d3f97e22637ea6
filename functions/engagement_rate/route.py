from aws_lambda_powertools.event_handler import Request, Response

from promptvault.core.caller import current_caller
from promptvault.engagement import service
from promptvault.engagement.schemas import RatingIn, RatingOut
from promptvault.ratelimit.gate import client_ip
from promptvault.web.responses import Endpoint, ok


def rate_prompt(id: str, body: RatingIn, request: Request) -> Response[str]:
    """Rate 1-5, signed in or as a guest (guestId); rating again replaces the rating. A guest
    rating is bounded per source: one guest id per prompt, client network and UTC day (409)."""
    source = client_ip(request.resolved_event.raw_event)
    return ok(service.rate(current_caller(), id, body, source))


endpoint = Endpoint(rate_prompt, RatingOut, errors=(401, 404, 409, 410, 413))
