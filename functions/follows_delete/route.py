from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.users import follows
from promptvault.web.responses import Endpoint, no_content


def unfollow(username: str) -> Response[str]:
    follows.unfollow(require_caller(), username)
    return no_content()


endpoint = Endpoint(unfollow, None, 204, errors=(401, 403, 404))
