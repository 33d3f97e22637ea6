from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import require_caller
from promptvault.users import follows
from promptvault.web.responses import documented, no_content

router = Router()


@router.delete(
    "/v1/users/<username>/follow",
    responses=documented(None, 204, errors=(401, 403, 404)),
    tags=["social"],
)
def unfollow(username: str) -> Response[str]:
    follows.unfollow(require_caller(), username)
    return no_content()
