"""Comment bodies: what a client sends and what it is answered (issue 12)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from promptvault.core.schema import ApiModel, Paragraphs, has_visible

MAX_BODY = 5_000
# markdown, stored as sent (normalised), never rendered to HTML by the API
CommentText = Annotated[
    Paragraphs,
    Field(min_length=1, max_length=MAX_BODY),
    AfterValidator(has_visible),
]
CommentId = Annotated[str, Field(max_length=80)]
CommentSort = Literal["oldest", "top"]


class CommentCreate(ApiModel):
    body: CommentText = Field(
        description="Markdown as text (1-5,000 characters); @username mentions are resolved"
    )
    parent_id: CommentId | None = Field(
        None,
        description="Reply to this comment of the same prompt; a reply to a reply joins the "
        "same thread (replies are one level deep)",
    )


class CommentEdit(ApiModel):
    body: CommentText


class AuthorOut(ApiModel):
    id: str
    username: str | None


class CommentOut(ApiModel):
    id: str
    prompt_id: str
    body: str | None = Field(description="Markdown as text; null on a deleted comment")
    author: AuthorOut | None = Field(description="null on a deleted comment (a tombstone)")
    parent_id: str | None = Field(description="The thread's top-level comment; null for one")
    created_at: str
    edited_at: str | None
    deleted: bool = Field(description="A deleted comment kept for its replies: no author, no body")
    likes: int
    reply_count: int
    mentions: list[str] = Field(description="The usernames of existing users it mentions")
    hidden: bool = Field(
        default=False,
        description="Hidden from others (reported, or by a moderator): only its author and "
        "moderators see it",
    )


class CommentLikeOut(ApiModel):
    comment_id: str
    liked: bool
