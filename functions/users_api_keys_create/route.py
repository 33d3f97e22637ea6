from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.identity import apikeys
from promptvault.identity.schemas import ApiKeyCreate, ApiKeyCreated
from promptvault.web.responses import Endpoint, ok


def create_api_key(body: ApiKeyCreate) -> Response[str]:
    """The key is in this answer only: store it now."""
    item, key = apikeys.create_key(require_caller(), body.name, list(body.scopes), body.expires_at)
    created = ApiKeyCreated(**apikeys.key_out(item).model_dump(), key=key)
    return ok(created, status=201, headers={"Cache-Control": "no-store"})


endpoint = Endpoint(create_api_key, ApiKeyCreated, 201, errors=(401, 403, 409, 413))
