from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import current_caller
from promptvault.engagement import service
from promptvault.engagement.schemas import GuestId
from promptvault.web.responses import Endpoint, no_content


def unrate_prompt(
    id: str, guest_id: Annotated[GuestId | None, Query(alias="guestId")] = None
) -> Response[str]:
    """Remove one's own rating (a guest names theirs with guestId)."""
    service.unrate(current_caller(), id, guest_id)
    return no_content()


endpoint = Endpoint(unrate_prompt, None, 204, errors=(401, 404, 410))
