from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import require_caller
from promptvault.identity import accounts
from promptvault.identity.schemas import UserOut
from promptvault.web.responses import documented, ok

router = Router()


@router.get("/v1/users/me", responses=documented(UserOut, errors=(401, 404)), tags=["users"])
def me() -> Response[str]:
    return ok(accounts.my_account(require_caller()))
