from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from promptvault.core.caller import require_caller
from promptvault.users.deletion import delete_account
from promptvault.users.schemas import AccountDeletion
from promptvault.web.responses import documented, no_content

router = Router()


@router.delete(
    "/v1/users/me", responses=documented(None, 204, errors=(401, 403, 404, 429)), tags=["users"]
)
def delete_me(body: AccountDeletion) -> Response[str]:
    """Deletes the account and everything personal; the password confirms it is you."""
    delete_account(require_caller(), body.password)
    return no_content()
