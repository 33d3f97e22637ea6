from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from promptvault.email import unsubscribe
from promptvault.email.schemas import OneClickUnsubscribe, UnsubscribedOut
from promptvault.email.tokens import MAX_TOKEN_LENGTH
from promptvault.web.envelope import FORM
from promptvault.web.responses import Endpoint, ok


def unsubscribe_now(
    token: Annotated[str, Query(min_length=1, max_length=MAX_TOKEN_LENGTH)],
    body: Annotated[OneClickUnsubscribe, Body(media_type=FORM)],
) -> Response[str]:
    """RFC 8058 one-click: ``List-Unsubscribe=One-Click`` posted as a form to the link of an
    email's List-Unsubscribe header. The link's token is the only credential."""
    done = unsubscribe.one_click(token)
    return ok(done, headers={"Cache-Control": "no-store"})


endpoint = Endpoint(unsubscribe_now, UnsubscribedOut, errors=(400, 409, 410))
