from aws_lambda_powertools.event_handler import Response

from promptvault.identity import accounts
from promptvault.identity.schemas import Accepted, ConfirmRequest
from promptvault.web.responses import Endpoint, ok


def confirm(body: ConfirmRequest) -> Response[str]:
    accounts.confirm(body.email, body.code)
    return ok(Accepted(message="Account confirmed; you can log in"))


endpoint = Endpoint(confirm, Accepted, errors=accounts.COGNITO_REFUSALS)
