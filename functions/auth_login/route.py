from aws_lambda_powertools.event_handler import Response

from promptvault.identity import accounts
from promptvault.identity.schemas import LoginRequest, Tokens
from promptvault.web.responses import Endpoint, ok


def login(body: LoginRequest) -> Response[str]:
    return ok(Tokens(**accounts.login(body.email, body.password)))


endpoint = Endpoint(login, Tokens, errors=accounts.COGNITO_REFUSALS)
