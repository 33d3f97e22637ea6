from aws_lambda_powertools.event_handler import Response

from promptvault.identity import accounts
from promptvault.identity.schemas import SignUpRequest, UserOut
from promptvault.web.responses import Endpoint, ok


def sign_up(body: SignUpRequest) -> Response[str]:
    user = accounts.sign_up(body.email, body.password, body.username)
    return ok(user, status=201)


endpoint = Endpoint(sign_up, UserOut, 201, errors=accounts.COGNITO_REFUSALS)
