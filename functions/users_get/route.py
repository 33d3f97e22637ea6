from aws_lambda_powertools.event_handler import Response

from promptvault.users import profiles
from promptvault.users.schemas import ProfileOut
from promptvault.web.responses import Endpoint, ok


def get_user(username: str) -> Response[str]:
    return ok(profiles.profile_out(profiles.profile_by_username(username)))


endpoint = Endpoint(get_user, ProfileOut, errors=(404,))
