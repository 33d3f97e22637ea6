from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.identity import accounts
from promptvault.identity.schemas import Accepted, ForgotPasswordRequest
from promptvault.web.responses import documented, ok

router = Router()


@router.post("/v1/auth/forgot-password", responses=documented(Accepted, 202), tags=["auth"])
def forgot_password(body: ForgotPasswordRequest) -> Response[str]:
    accounts.forgot_password(body.email)
    return ok(Accepted(message="If an account exists, a reset code was sent"), status=202)
