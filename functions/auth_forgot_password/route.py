from aws_lambda_powertools.event_handler import Response

from promptvault.identity import accounts
from promptvault.identity.schemas import Accepted, ForgotPasswordRequest
from promptvault.web.responses import Endpoint, ok


def forgot_password(body: ForgotPasswordRequest) -> Response[str]:
    accounts.forgot_password(body.email)
    return ok(Accepted(message="If an account exists, a reset code was sent"), status=202)


endpoint = Endpoint(forgot_password, Accepted, 202, errors=accounts.COGNITO_REFUSALS)
