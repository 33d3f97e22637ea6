from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.data.models import UserItem
from promptvault.errors import NotFound
from promptvault.identity.accounts import profile_view
from promptvault.identity.schemas import UserOut
from promptvault.users.repository import get_profile
from promptvault.web.caller import require_caller
from promptvault.web.responses import documented, ok

router = Router()


@router.get("/v1/users/me", responses=documented(UserOut, errors=(401, 404)), tags=["users"])
def me() -> Response[str]:
    caller = require_caller()
    # the credential check read it already for a Cognito token; an API key's caller has none
    found = caller.profile
    profile = found if isinstance(found, UserItem) else get_profile(caller.user_id)
    if profile is None:
        raise NotFound("No profile for this account")
    return ok(UserOut(**profile_view(profile)))
