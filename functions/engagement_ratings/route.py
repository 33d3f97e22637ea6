from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import current_caller
from promptvault.engagement import service
from promptvault.engagement.schemas import GuestId, RatingsOut
from promptvault.web.responses import documented, ok

router = Router()


@router.get(
    "/v1/prompts/<id>/ratings",
    responses=documented(RatingsOut, errors=(401, 404)),
    tags=["engagement"],
)
def prompt_ratings(
    id: str, guest_id: Annotated[GuestId | None, Query(alias="guestId")] = None
) -> Response[str]:
    """Average, count, breakdown by score, and the caller's own rating."""
    return ok(service.ratings(current_caller(), id, guest_id))
