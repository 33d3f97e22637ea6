from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.identity import accounts
from promptvault.identity.schemas import Accepted, ConfirmRequest
from promptvault.web.responses import documented, ok

router = Router()


@router.post("/v1/auth/confirm", responses=documented(Accepted), tags=["auth"])
def confirm(body: ConfirmRequest) -> Response[str]:
    accounts.confirm(body.email, body.code)
    return ok(Accepted(message="Account confirmed; you can log in"))
