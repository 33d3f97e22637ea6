from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.identity import accounts
from promptvault.identity.schemas import LoginRequest, Tokens
from promptvault.web.responses import documented, ok

router = Router()


@router.post("/v1/auth/login", responses=documented(Tokens, errors=(401, 403)), tags=["auth"])
def login(body: LoginRequest) -> Response[str]:
    return ok(Tokens(**accounts.login(body.email, body.password)))
