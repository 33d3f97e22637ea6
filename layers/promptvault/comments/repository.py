"""Comments, replies, likes and mentions in the table: the only module that builds their
pynamodb calls. Every comment lives in its prompt's partition (docs/data-model.md)."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action

from promptvault.data.models import (
    COMMENT_PREFIX,
    LIKE_PREFIX,
    META,
    CommentItem,
    CommentLikeItem,
    Item,
    MentionItem,
    PromptItem,
    prompt_pk,
)
from promptvault.data.transactions import failed_at, transaction


def comment_sk(local: str) -> str:
    return f"{COMMENT_PREFIX}{local}"


def like_sk(local: str, user_id: str) -> str:
    return f"{LIKE_PREFIX}{local}#{user_id}"


def _conditional_failure(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


def head_and_comment(prompt_id: str, local: str) -> tuple[PromptItem | None, CommentItem | None]:
    """The prompt's head and one of its comments, in one BatchGetItem."""
    head: PromptItem | None = None
    comment: CommentItem | None = None
    keys = [(prompt_pk(prompt_id), META), (prompt_pk(prompt_id), comment_sk(local))]
    for item in Item.batch_get(keys):
        if isinstance(item, PromptItem):
            head = item
        elif isinstance(item, CommentItem):
            comment = item
    return head, comment


def get_comment(prompt_id: str, local: str) -> CommentItem | None:
    try:
        return CommentItem.get(prompt_pk(prompt_id), comment_sk(local))
    except CommentItem.DoesNotExist:
        return None


def insert(comment: CommentItem, mentions: list[MentionItem]) -> None:
    """The comment (must not exist) and its mention items: a PutItem, or one transaction
    when someone is mentioned (their ``user.mentioned`` comes with the comment or not at all)."""
    if not mentions:
        comment.save(condition=CommentItem.pk.does_not_exist())
        return
    with transaction() as tx:
        tx.save(comment, condition=CommentItem.pk.does_not_exist())
        for mention in mentions:
            tx.save(mention)


def _page(results: Any) -> tuple[list[CommentItem], dict[str, Any] | None]:
    items = [item for item in results if isinstance(item, CommentItem)]
    return items, results.last_evaluated_key


def query_thread_starts(
    prompt_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[CommentItem], dict[str, Any] | None]:
    """A prompt's top-level comments, oldest first (GSI1 COMMENTS#<pid>)."""
    return _page(
        CommentItem.by_owner.query(f"COMMENTS#{prompt_id}", limit=limit, last_evaluated_key=start)
    )


def query_top(
    prompt_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[CommentItem], dict[str, Any] | None]:
    """A prompt's top-level comments, most liked first (GSI4 COMMENTS#<pid> / likes)."""
    return _page(
        CommentItem.comment_rank.query(
            f"COMMENTS#{prompt_id}",
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start,
        )
    )


def query_replies(
    comment_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[CommentItem], dict[str, Any] | None]:
    """A thread's replies, oldest first (GSI1 REPLIES#<cid>)."""
    return _page(
        CommentItem.by_owner.query(f"REPLIES#{comment_id}", limit=limit, last_evaluated_key=start)
    )


def has_replies(comment_id: str) -> bool:
    found = CommentItem.by_owner.query(f"REPLIES#{comment_id}", limit=1)
    return any(True for _ in found)


class Gone(Exception):
    """The comment was deleted (or turned into a tombstone) meanwhile."""


def edit(
    comment: CommentItem, body: str, mentions: list[str], edited_at: str, new: list[MentionItem]
) -> None:
    """New body and mentions of a live comment by its author; the counts are left alone."""
    condition = (CommentItem.author_id == (comment.author_id or "")) & (
        CommentItem.deleted_at.does_not_exist()
    )
    actions: list[Action] = [
        CommentItem.body.set(body),
        CommentItem.mentions.set(mentions),
        CommentItem.edited_at.set(edited_at),
    ]
    try:
        if not new:
            comment.update(actions=actions, condition=condition)
            return
        with transaction() as tx:
            tx.update(comment, actions=actions, condition=condition)
            for mention in new:
                tx.save(mention)
    except UpdateError as error:
        if _conditional_failure(error):
            raise Gone(comment.comment_id) from error
        raise
    except TransactWriteError as error:
        if failed_at(error, 0):
            raise Gone(comment.comment_id) from error
        raise
    comment.body, comment.mentions, comment.edited_at = body, mentions, edited_at


def set_hidden(comment: CommentItem, hidden_at: str | None, pending: bool) -> None:
    """Hide (``hidden_at``) or show (None) a comment; the counts are left alone."""
    if hidden_at is None:
        actions: list[Action] = [
            CommentItem.hidden_at.remove(),
            CommentItem.hidden_pending.remove(),
        ]
    else:
        actions = [CommentItem.hidden_at.set(hidden_at)]
        actions.append(
            CommentItem.hidden_pending.set(True) if pending else CommentItem.hidden_pending.remove()
        )
    comment.update(actions=actions)


def tombstone(comment: CommentItem, deleted_at: str) -> None:
    """Keep the comment for its replies, without anything of its author's: the counts and
    the thread's place stay (UpdateItem, so the counters consumer's ``updates`` holds)."""
    comment.update(
        actions=[
            CommentItem.deleted_at.set(deleted_at),
            CommentItem.author_id.remove(),
            CommentItem.author_name.remove(),
            CommentItem.body.remove(),
            CommentItem.mentions.set([]),
            CommentItem.gsi2pk.remove(),
            CommentItem.gsi2sk.remove(),
            CommentItem.edited_at.remove(),
        ]
    )


def remove_unless_replied(comment: CommentItem) -> bool:
    """Delete a comment nobody has replied to (as counted); False when a reply was counted
    meanwhile (the caller keeps it as a tombstone instead)."""
    try:
        comment.delete(
            condition=CommentItem.reply_count.does_not_exist() | (CommentItem.reply_count == 0)
        )
    except DeleteError as error:
        if _conditional_failure(error):
            return False
        raise
    return True


def remove_likes_of(prompt_id: str, local: str) -> int:
    """The likes of a removed comment (one Query of their keys, one batch per 25)."""
    likes = CommentLikeItem.query(
        prompt_pk(prompt_id),
        CommentLikeItem.sk.startswith(f"{LIKE_PREFIX}{local}#"),
        attributes_to_get=["PK", "SK"],
    )
    count = 0
    with CommentLikeItem.batch_write() as batch:
        for like in likes:
            batch.delete(like)
            count += 1
    return count


def put_like(like: CommentLikeItem) -> None:
    """Idempotent: a like that exists is kept as it is (its first time stays)."""
    try:
        like.save(condition=CommentLikeItem.pk.does_not_exist())
    except PutError as error:
        if not _conditional_failure(error):
            raise


def delete_like(prompt_id: str, local: str, user_id: str) -> None:
    CommentLikeItem(prompt_pk(prompt_id), like_sk(local, user_id)).delete()


# --- account deletion ---------------------------------------------------------------------


def comments_of(user_id: str) -> Any:
    """Every live comment and reply a person wrote (GSI2 COMMENTER#<uid>)."""
    return CommentItem.feed.query(f"COMMENTER#{user_id}")


def mentions_by(user_id: str) -> Any:
    """Every mention a person's comments made (GSI1 MENTIONEDBY#<uid>)."""
    return MentionItem.by_owner.query(f"MENTIONEDBY#{user_id}")


def mentions_of(user_id: str) -> Any:
    """Every mention of a person (their partition, MENTION#)."""
    return MentionItem.query(f"USER#{user_id}", MentionItem.sk.startswith("MENTION#"))


def delete_mentions(comment_id: str, user_ids: list[str]) -> int:
    return delete_items(MentionItem(f"USER#{uid}", f"MENTION#{comment_id}") for uid in user_ids)


def unmention(prompt_id: str, local: str, username: str) -> None:
    """Take a name out of a comment's mentions (GetItem, then an UpdateItem that leaves the
    counts alone); nothing when the comment is gone or no longer names it."""
    comment = get_comment(prompt_id, local)
    if comment is None or username not in (comment.mentions or []):
        return
    kept = [name for name in comment.mentions if name != username]
    comment.update(actions=[CommentItem.mentions.set(kept)])


def likes_of(user_id: str) -> Any:
    """Every like a person gave (GSI1 LIKES#<uid>), keys only."""
    return CommentLikeItem.by_owner.query(f"LIKES#{user_id}")


def delete_items(items: Any) -> int:
    count = 0
    with Item.batch_write() as batch:
        for item in items:
            batch.delete(item)
            count += 1
    return count
