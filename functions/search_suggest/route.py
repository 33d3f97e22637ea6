from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import current_caller
from promptvault.search.schemas import SearchText
from promptvault.search.service import suggest_titles
from promptvault.web.responses import Endpoint, ok


def suggest(
    q: Annotated[SearchText, Query(min_length=1, max_length=100)],
    include_own: Annotated[bool, Query(alias="includeOwn")] = False,
) -> Response[str]:
    """Up to 8 prompt titles for what has been typed so far."""
    return ok(suggest_titles(current_caller(), q, include_own))


endpoint = Endpoint(suggest, list[str], errors=(401,))
