from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import require_caller
from promptvault.identity import apikeys
from promptvault.web.responses import documented, no_content

router = Router()


@router.delete(
    "/v1/users/me/api-keys/<id>",
    responses=documented(None, 204, errors=(401, 403, 404)),
    tags=["users"],
)
def revoke_api_key(id: str) -> Response[str]:
    """The key stops working at once."""
    apikeys.revoke_key(require_caller(), id)
    return no_content()
