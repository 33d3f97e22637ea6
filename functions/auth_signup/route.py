from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.identity import accounts
from promptvault.identity.schemas import SignUpRequest, UserOut
from promptvault.web.responses import documented, ok

router = Router()


@router.post("/v1/auth/signup", responses=documented(UserOut, 201, errors=(409,)), tags=["auth"])
def sign_up(body: SignUpRequest) -> Response[str]:
    user = accounts.sign_up(body.email, body.password, body.username)
    return ok(user, status=201)
