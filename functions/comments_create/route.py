from aws_lambda_powertools.event_handler import Response

from promptvault.comments import service
from promptvault.comments.schemas import CommentCreate, CommentOut
from promptvault.comments.views import comment_out
from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok


def create_comment(id: str, body: CommentCreate) -> Response[str]:
    """A comment on a prompt you can see, or with ``parentId`` a reply (a reply to a reply
    joins the same thread). Markdown is stored as text and answered as text, never as HTML.
    ``@username`` mentions of existing users are kept and told. 409 when the owner closed
    the prompt's comments; 429 past the comment rate limit (20 per 10 minutes)."""
    comment = service.create_comment(require_caller(), id, body.body, body.parent_id)
    return ok(comment_out(comment), status=201)


endpoint = Endpoint(create_comment, CommentOut, 201, errors=(401, 403, 404, 409, 410, 413))
