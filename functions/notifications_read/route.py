from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.notifications import service
from promptvault.notifications.schemas import MarkedOut, MarkRead
from promptvault.web.responses import Endpoint, ok


def mark_read(body: MarkRead) -> Response[str]:
    """Mark notifications read: ``ids`` (up to 100 of yours; others' ids and unknown ones
    are ignored) or ``all``: true."""
    caller = require_caller()
    marked = service.mark_read(caller.user_id, body.ids, bool(body.all))
    return ok(MarkedOut(marked=marked))


endpoint = Endpoint(mark_read, MarkedOut, errors=(401,))
