from aws_lambda_powertools.event_handler import Response

from promptvault.core.caller import require_caller
from promptvault.users.deletion import delete_account
from promptvault.users.schemas import AccountDeletion
from promptvault.web.responses import Endpoint, no_content


def delete_me(body: AccountDeletion) -> Response[str]:
    """Deletes the account and everything personal; the password confirms it is you. The
    last owner of a team workspace with other members is refused (409 ``LAST_OWNER``) until
    ownership moves."""
    delete_account(require_caller(), body.password)
    return no_content()


endpoint = Endpoint(delete_me, None, 204, errors=(401, 403, 404, 409, 429))
