from aws_lambda_powertools.event_handler import Response

from promptvault.comments import service
from promptvault.comments.schemas import CommentEdit, CommentOut
from promptvault.comments.views import comment_out
from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok


def edit_comment(id: str, body: CommentEdit) -> Response[str]:
    """Your comment's new text; ``editedAt`` says it was edited. Only its author edits it
    (403 for others who can see it)."""
    comment = service.edit_comment(require_caller(), id, body.body)
    return ok(comment_out(comment))


endpoint = Endpoint(edit_comment, CommentOut, errors=(401, 403, 404, 413))
