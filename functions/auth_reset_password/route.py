from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.identity import accounts
from promptvault.identity.schemas import Accepted, ResetPasswordRequest
from promptvault.web.responses import documented, ok

router = Router()


@router.post("/v1/auth/reset-password", responses=documented(Accepted), tags=["auth"])
def reset_password(body: ResetPasswordRequest) -> Response[str]:
    accounts.reset_password(body.email, body.code, body.password)
    return ok(Accepted(message="Password changed; log in with the new one"))
