from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.identity import apikeys
from promptvault.users.schemas import ApiKeyOut
from promptvault.users.views import api_key_out
from promptvault.web.caller import require_caller
from promptvault.web.responses import documented, ok

router = Router()


@router.get(
    "/v1/users/me/api-keys",
    responses=documented(list[ApiKeyOut], errors=(401, 403)),
    tags=["users"],
)
def list_api_keys() -> Response[str]:
    return ok([api_key_out(k) for k in apikeys.list_keys(require_caller().user_id)])
