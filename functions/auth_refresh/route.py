from aws_lambda_powertools.event_handler import Response

from promptvault.identity import accounts
from promptvault.identity.schemas import RefreshRequest, Tokens
from promptvault.web.responses import Endpoint, ok


def refresh(body: RefreshRequest) -> Response[str]:
    return ok(Tokens(**accounts.refresh(body.refresh_token)))


endpoint = Endpoint(refresh, Tokens, errors=accounts.COGNITO_REFUSALS)
