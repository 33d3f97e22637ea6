from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import current_caller
from promptvault.engagement import service
from promptvault.engagement.schemas import GuestId, RatingsOut
from promptvault.web.responses import Endpoint, ok


def prompt_ratings(
    id: str, guest_id: Annotated[GuestId | None, Query(alias="guestId")] = None
) -> Response[str]:
    """Average, count, breakdown by score, signed-in and guest ratings apart, and the
    caller's own rating (an owner's rating of their own prompt is not counted)."""
    return ok(service.ratings(current_caller(), id, guest_id))


endpoint = Endpoint(prompt_ratings, RatingsOut, errors=(401, 404, 410))
