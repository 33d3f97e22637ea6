from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.email import unsubscribe
from promptvault.email.tokens import MAX_TOKEN_LENGTH
from promptvault.web.envelope import HTML
from promptvault.web.responses import Endpoint, page


def unsubscribe_page(
    token: Annotated[str, Query(min_length=1, max_length=MAX_TOKEN_LENGTH)],
) -> Response[str]:
    """An HTML page: what the link stops, and a button posting the one-click form back to
    it. Opening it changes nothing. A token that is not ours is a 400 page."""
    return page(unsubscribe.confirmation_page(token), headers={"Cache-Control": "no-store"})


endpoint = Endpoint(unsubscribe_page, None, errors=(400,), media_type=HTML)
unsubscribe.prepare_page()  # at init (decision 2): the template compiled, jinja2 loaded
