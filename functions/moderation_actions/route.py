from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.moderation import service
from promptvault.moderation.schemas import ModerationOut
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.web.responses import Endpoint, ok


def moderation_log(
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """What moderators did, newest first: who, what, to which target, when and why
    (moderators and admins)."""
    actions, meta = service.list_actions(require_caller(), cursor, limit)
    return ok([service.action_out(a) for a in actions], meta=meta)


endpoint = Endpoint(moderation_log, list[ModerationOut], errors=(400, 401, 403))
