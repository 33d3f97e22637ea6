from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.users.leaderboard import top
from promptvault.users.schemas import LeaderboardEntry
from promptvault.web.responses import Endpoint, ok


def leaderboard(
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """Creators by reputation, highest first (docs/identity.md has the formula)."""
    entries, meta = top(cursor, limit)
    return ok([LeaderboardEntry(**entry) for entry in entries], meta=meta)


endpoint = Endpoint(leaderboard, list[LeaderboardEntry])
