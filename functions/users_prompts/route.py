from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import current_caller
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT, with_stats
from promptvault.prompts.schemas import PromptOut
from promptvault.prompts.views import prompt_out
from promptvault.users.profiles import list_public_prompts
from promptvault.web.responses import Endpoint, ok


def user_prompts(
    username: str,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    items, meta = list_public_prompts(username, cursor, limit)
    viewer = current_caller()
    return ok([prompt_out(p, s, viewer) for p, s in with_stats(items)], meta=meta)


endpoint = Endpoint(user_prompts, list[PromptOut], errors=(404,))
