from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.notifications import service
from promptvault.notifications.schemas import UnreadCountOut
from promptvault.web.responses import Endpoint, ok


def unread_count() -> Response[str]:
    """How many notifications are unread (counted up to 1,000)."""
    return ok(UnreadCountOut(unread=service.unread_count(require_caller().user_id)))


endpoint = Endpoint(unread_count, UnreadCountOut, errors=(401,))
