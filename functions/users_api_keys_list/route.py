from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.identity import apikeys
from promptvault.identity.schemas import ApiKeyOut
from promptvault.web.responses import Endpoint, ok


def list_api_keys() -> Response[str]:
    return ok([apikeys.key_out(k) for k in apikeys.list_keys(require_caller().user_id)])


endpoint = Endpoint(list_api_keys, list[ApiKeyOut], errors=(401, 403))
