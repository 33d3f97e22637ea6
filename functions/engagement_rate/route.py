from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import current_caller
from promptvault.engagement import service
from promptvault.engagement.schemas import RatingIn, RatingOut
from promptvault.web.responses import Endpoint, ok


def rate_prompt(id: str, body: RatingIn) -> Response[str]:
    """Rate 1-5, signed in or as a guest (guestId); rating again replaces the rating."""
    return ok(service.rate(current_caller(), id, body))


endpoint = Endpoint(rate_prompt, RatingOut, errors=(401, 404, 413))
