from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.users import follows
from promptvault.users.schemas import FollowState
from promptvault.web.responses import Endpoint, ok


def follow(username: str) -> Response[str]:
    """Idempotent: following someone you follow changes nothing."""
    follows.follow(require_caller(), username)
    return ok(FollowState(username=username, following=True))


endpoint = Endpoint(follow, FollowState, errors=(401, 403, 404))
