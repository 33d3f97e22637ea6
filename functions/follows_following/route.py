from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.users import follows
from promptvault.users.schemas import FollowOut
from promptvault.web.responses import Endpoint, ok


def following(
    username: str,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    items, meta = follows.following(username, cursor, limit)
    return ok([FollowOut(**item) for item in items], meta=meta)


endpoint = Endpoint(following, list[FollowOut], errors=(404,))
