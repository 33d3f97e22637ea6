from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.users import profiles
from promptvault.users.schemas import ProfileOut
from promptvault.web.responses import documented, ok

router = Router()


@router.get("/v1/users/<username>", responses=documented(ProfileOut, errors=(404,)), tags=["users"])
def get_user(username: str) -> Response[str]:
    return ok(profiles.profile_out(profiles.profile_by_username(username)))
