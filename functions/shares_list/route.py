from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.prompts import shares
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.prompts.schemas import ShareOut
from promptvault.prompts.views import share_out
from promptvault.web.responses import Endpoint, ok


def list_shares(
    id: str,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """Your prompt's share links, newest first, live and ended (an ended link is listed for
    30 days after it ended). Tokens are never shown again."""
    found, meta = shares.list_shares(require_caller(), id, cursor, limit)
    return ok([share_out(share, status) for share, status in found], meta=meta)


endpoint = Endpoint(list_shares, list[ShareOut], errors=(400, 401, 403, 404))
