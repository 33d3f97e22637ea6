from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.identity import accounts
from promptvault.identity.schemas import UserOut
from promptvault.web.responses import Endpoint, ok


def me() -> Response[str]:
    return ok(accounts.my_account(require_caller()))


endpoint = Endpoint(me, UserOut, errors=(401, 404))
