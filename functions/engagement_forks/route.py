from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import current_caller
from promptvault.engagement import service
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.prompts.schemas import PromptOut
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import Endpoint, ok


def prompt_forks(
    id: str,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """Forks of a prompt, newest first: public ones, and the caller's own."""
    caller = current_caller()
    forks, meta = service.forks(caller, id, cursor, limit)
    return ok([prompt_out(head, stats, caller) for head, stats in forks], meta=meta)


endpoint = Endpoint(prompt_forks, list[PromptOut], errors=(401, 404, 410))
