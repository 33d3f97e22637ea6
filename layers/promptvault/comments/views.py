"""Comment items as the API shows them: a tombstone has no author, body or mentions."""

from __future__ import annotations

from promptvault.comments.schemas import AuthorOut, CommentOut
from promptvault.data.models import CommentItem


def comment_out(comment: CommentItem) -> CommentOut:
    deleted = comment.deleted_at is not None
    author = None
    if not deleted and comment.author_id:
        author = AuthorOut(id=comment.author_id, username=comment.author_name)
    return CommentOut(
        id=comment.comment_id,
        prompt_id=comment.prompt_id,
        body=None if deleted else comment.body,
        author=author,
        parent_id=comment.parent_id,
        created_at=comment.created_at,
        edited_at=None if deleted else comment.edited_at,
        deleted=deleted,
        likes=comment.likes or 0,
        reply_count=comment.reply_count or 0,
        mentions=[] if deleted else list(comment.mentions or []),
        hidden=comment.hidden_at is not None,
    )
