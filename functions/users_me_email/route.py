from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.identity.accounts import COGNITO_REFUSALS
from promptvault.users.email_change import request_change
from promptvault.users.schemas import EmailChange, EmailChangePending
from promptvault.web.responses import Endpoint, ok


def change_email(body: EmailChange) -> Response[str]:
    """Cognito emails a code to the new address; the account keeps the old one until then."""
    return ok(request_change(require_caller(), body.email, body.password), 202)


endpoint = Endpoint(change_email, EmailChangePending, 202, errors=(*COGNITO_REFUSALS, 404))
