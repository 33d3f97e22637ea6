from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import require_caller
from promptvault.identity import apikeys
from promptvault.identity.schemas import ApiKeyOut
from promptvault.web.responses import documented, ok

router = Router()


@router.get(
    "/v1/users/me/api-keys",
    responses=documented(list[ApiKeyOut], errors=(401, 403)),
    tags=["users"],
)
def list_api_keys() -> Response[str]:
    return ok([apikeys.key_out(k) for k in apikeys.list_keys(require_caller().user_id)])
