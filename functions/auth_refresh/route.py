from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.identity import accounts
from promptvault.identity.schemas import RefreshRequest, Tokens
from promptvault.web.responses import documented, ok

router = Router()


@router.post("/v1/auth/refresh", responses=documented(Tokens, errors=(401,)), tags=["auth"])
def refresh(body: RefreshRequest) -> Response[str]:
    return ok(Tokens(**accounts.refresh(body.refresh_token)))
