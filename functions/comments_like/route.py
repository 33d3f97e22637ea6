from aws_lambda_powertools.event_handler import Response

from promptvault.comments import service
from promptvault.comments.schemas import CommentLikeOut
from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok


def like_comment(id: str) -> Response[str]:
    """Like a comment (idempotent). Its ``likes`` follow from the table's stream."""
    comment_id = service.like(require_caller(), id)
    return ok(CommentLikeOut(comment_id=comment_id, liked=True))


endpoint = Endpoint(like_comment, CommentLikeOut, errors=(401, 403, 404))
