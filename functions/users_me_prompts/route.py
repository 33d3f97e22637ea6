from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT, list_my_prompts, with_stats
from promptvault.prompts.schemas import PromptOut, Status, Visibility
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import Endpoint, ok


def my_prompts(
    status: Annotated[Status | None, Query()] = None,
    visibility: Annotated[Visibility | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    caller = require_caller()
    items, meta = list_my_prompts(caller, status, visibility, cursor, limit)
    return ok([prompt_out(p, s, caller) for p, s in with_stats(items)], meta=meta)


endpoint = Endpoint(my_prompts, list[PromptOut], errors=(401,))
