from aws_lambda_powertools.event_handler import Response

from promptvault.identity import accounts
from promptvault.identity.schemas import Accepted, ResetPasswordRequest
from promptvault.web.responses import Endpoint, ok


def reset_password(body: ResetPasswordRequest) -> Response[str]:
    accounts.reset_password(body.email, body.code, body.password)
    return ok(Accepted(message="Password changed; log in with the new one"))


endpoint = Endpoint(reset_password, Accepted, errors=accounts.COGNITO_REFUSALS)
