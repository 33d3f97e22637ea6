from aws_lambda_powertools.event_handler import Response

from promptvault.prompts import shares
from promptvault.prompts.schemas import PromptOut
from promptvault.prompts.views import prompt_out
from promptvault.web.responses import Endpoint, ok

# the token is in the path: no cache keeps the answer, no page passes it on as a referrer
_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "none"}


def read_shared(token: str) -> Response[str]:
    """The prompt a share link names, without signing in; each answer spends one view. 404: no
    link has this token; 410: the link expired, was revoked or spent its views."""
    opened = shares.open_share(token)
    return ok(prompt_out(opened.head), headers=_HEADERS)


endpoint = Endpoint(read_shared, PromptOut, errors=(404, 410))
