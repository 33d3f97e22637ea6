from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.users import profiles
from promptvault.users.schemas import ProfileOut, ProfileUpdate
from promptvault.web.responses import Endpoint, ok


def update_me(body: ProfileUpdate) -> Response[str]:
    profile = profiles.update_profile(require_caller(), body)  # the item as updated (ALL_NEW)
    return ok(profiles.profile_out(profile))


endpoint = Endpoint(update_me, ProfileOut, errors=(401, 403, 404, 413))
