from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.tags import service
from promptvault.tags.schemas import PopularTagOut, Window
from promptvault.web.responses import Endpoint, ok


def popular_tags(
    window: Annotated[
        Window, Query(description="The last UTC day, 7 days or 30 days, today included")
    ] = "7d",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response[str]:
    """The tags public, published prompts took most in the window, most used first (ties by
    name), each with its count now."""
    ranked = service.popular_tags(window, limit)
    out = [PopularTagOut(tag=tag, uses=uses, count=count) for tag, uses, count in ranked]
    return ok(out, headers={"Cache-Control": "public, max-age=300"})


endpoint = Endpoint(popular_tags, list[PopularTagOut])
