from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.identity.accounts import COGNITO_REFUSALS
from promptvault.identity.schemas import UserOut
from promptvault.users.email_change import verify_change
from promptvault.users.schemas import EmailVerification
from promptvault.web.responses import Endpoint, ok


def verify_email(body: EmailVerification) -> Response[str]:
    """The new address becomes the account's: sign-in, notifications, a cleared suppression."""
    return ok(verify_change(require_caller(), body.code))


endpoint = Endpoint(verify_email, UserOut, errors=(*COGNITO_REFUSALS, 400, 404))
