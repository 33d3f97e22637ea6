from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import require_caller
from promptvault.users import profiles
from promptvault.users.schemas import ProfileOut, ProfileUpdate
from promptvault.web.responses import documented, ok

router = Router()


@router.patch(
    "/v1/users/me", responses=documented(ProfileOut, errors=(401, 403, 404, 413)), tags=["users"]
)
def update_me(body: ProfileUpdate) -> Response[str]:
    profile = profiles.update_profile(require_caller(), body)  # the item as updated (ALL_NEW)
    return ok(profiles.profile_out(profile))
