from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.notifications import service
from promptvault.notifications.schemas import NotificationOut
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.web.responses import Endpoint, ok


def my_notifications(
    unread: Annotated[bool, Query(description="Only the unread ones")] = False,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """The signed-in user's notifications, newest first, grouped ("ada and 4 others rated
    X"). A notification whose prompt was deleted, or whose every actor deleted their account,
    is left out, so a page may hold fewer than ``limit``."""
    caller = require_caller()
    items, meta = service.page(caller.user_id, unread, cursor, limit)
    return ok(items, meta=meta)


endpoint = Endpoint(my_notifications, list[NotificationOut], errors=(401,))
