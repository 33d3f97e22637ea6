"""Comments on prompts (issue 12, docs/community.md).

Rules: one may comment on, read and like the comments of the prompts one can see (others'
private prompts and drafts are 404, as the prompt itself is); the owner can close a prompt to
new comments (``commentsClosed`` on the head, set with PATCH /v1/prompts/{id}): then new
comments and replies are 409 and the thread stays readable. Replies are one level deep: a
reply to a reply joins the thread of the comment it answers. The author edits; the author,
the prompt's owner or a moderator deletes: a comment with replies stays as a tombstone (no
author, no body, no mentions), one without is removed with its likes. Counts (``likes``,
``replyCount``) come from the counters consumer only (docs/streams.md).

A comment id is ``cm_`` + the prompt id's 32 hex digits + the comment's local id (12 hex
digits of its creation time in ms + 80 random bits): the id alone says where it is.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from promptvault.comments import mentions as mention_rules
from promptvault.comments import repository as repo
from promptvault.core.caller import Caller
from promptvault.core.clock import iso, utcnow
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.errors import Conflict, Forbidden, NotFound, field_error
from promptvault.data.models import (
    CommentItem,
    CommentLikeItem,
    MentionItem,
    PromptItem,
    ReplyItem,
    prompt_pk,
)
from promptvault.identity import directory
from promptvault.prompts import service as prompts

_ID = re.compile(r"^cm_([0-9a-f]{32})([0-9a-f]{32})$")
_NOT_FOUND = "No comment with that id"


@dataclass(frozen=True, slots=True)
class Where:
    prompt_id: str
    local: str


def locate(comment_id: str) -> Where | None:
    found = _ID.match(comment_id)
    return Where(f"p_{found[1]}", found[2]) if found else None


def _new_local() -> str:
    return f"{int(utcnow().timestamp() * 1000):012x}{secrets.token_hex(10)}"


def _comment_id(prompt_id: str, local: str) -> str:
    return f"cm_{prompt_id.removeprefix('p_')}{local}"


def _visible_pair(comment_id: str, caller: Caller | None) -> tuple[Where, PromptItem, CommentItem]:
    """The comment and its prompt's head (one BatchGetItem); 404 when either is missing or
    the prompt is hidden from the caller."""
    where = locate(comment_id)
    head, comment = repo.head_and_comment(where.prompt_id, where.local) if where else (None, None)
    if where is None or head is None or comment is None or not prompts.is_visible(head, caller):
        raise NotFound(_NOT_FOUND)
    if not may_see(comment, caller):
        raise NotFound(_NOT_FOUND)
    return where, head, comment


def may_see(comment: CommentItem, caller: Caller | None) -> bool:
    """A hidden comment (reports, a moderator) is its author's and the moderators' alone."""
    if comment.hidden_at is None:
        return True
    return caller is not None and (caller.user_id == comment.author_id or caller.is_moderator)


def _mentioned(body: str, author: Caller) -> tuple[list[str], dict[str, str]]:
    """The existing users the text names (one BatchGetItem of their username guards; none
    when the text names no one): their usernames, and the ids to tell (never the author)."""
    names = mention_rules.names_in(body)
    ids = directory.user_ids_of(names) if names else {}
    kept = [name for name in names if name in ids]
    return kept, {name: uid for name, uid in ids.items() if uid != author.user_id}


def _mention_items(
    told: dict[str, str], prompt_id: str, comment_id: str, actor: str, now: str
) -> list[MentionItem]:
    return [
        MentionItem(
            f"USER#{uid}",
            f"MENTION#{comment_id}",
            user_id=uid,
            prompt_id=prompt_id,
            comment_id=comment_id,
            actor_id=actor,
            created_at=now,
            gsi1pk=f"MENTIONEDBY#{actor}",
            gsi1sk=f"{now}#{comment_id}",
        )
        for uid in told.values()
    ]


def _thread_of(head: PromptItem, parent_id: str) -> str:
    """The top-level comment a reply to ``parent_id`` belongs to (one GetItem)."""
    where = locate(parent_id)
    if where is None or where.prompt_id != head.prompt_id:
        raise field_error("parentId", "is not a comment of this prompt")
    parent = repo.get_comment(where.prompt_id, where.local)
    if parent is None:
        raise field_error("parentId", "is not a comment of this prompt")
    return parent.parent_id or parent.comment_id


def create_comment(
    caller: Caller, id_or_slug: str, body: str, parent_id: str | None
) -> CommentItem:
    head = prompts.find_prompt(id_or_slug, caller)
    if head.comments_closed:
        raise Conflict("Comments are closed on this prompt")
    thread = _thread_of(head, parent_id) if parent_id else None
    local = _new_local()
    comment_id = _comment_id(head.prompt_id, local)
    now = iso(utcnow())
    names, told = _mentioned(body, caller)
    fields: dict[str, Any] = {
        "prompt_id": head.prompt_id,
        "comment_id": comment_id,
        "author_id": caller.user_id,
        "author_name": caller.username,
        "body": body,
        "mentions": names,
        "created_at": now,
        "likes": 0,
        "reply_count": 0,
        "gsi2pk": f"COMMENTER#{caller.user_id}",
        "gsi2sk": f"{now}#{comment_id}",
        "gsi1sk": local,
    }
    pk, sk = prompt_pk(head.prompt_id), repo.comment_sk(local)
    comment: CommentItem
    if thread is None:
        comment = CommentItem(
            pk,
            sk,
            gsi1pk=f"COMMENTS#{head.prompt_id}",
            gsi4pk=f"COMMENTS#{head.prompt_id}",
            **fields,
        )
    else:
        comment = ReplyItem(pk, sk, gsi1pk=f"REPLIES#{thread}", parent_id=thread, **fields)
    repo.insert(comment, _mention_items(told, head.prompt_id, comment_id, caller.user_id, now))
    return comment


def _shown(comment: CommentItem) -> bool:
    """A tombstone is shown while it still has replies (as counted)."""
    return comment.deleted_at is None or (comment.reply_count or 0) > 0


def list_comments(
    caller: Caller | None, id_or_slug: str, sort: str, cursor: str | None, limit: int
) -> tuple[list[CommentItem], dict[str, Any]]:
    """A prompt's top-level comments: oldest first, or most liked first (``top``)."""
    head = prompts.find_prompt(id_or_slug, caller)
    scope = f"comments:{head.prompt_id}:{sort}"
    query = repo.query_top if sort == "top" else repo.query_thread_starts
    items, last = query(head.prompt_id, limit, decode_cursor(cursor, scope))
    shown = [item for item in items if _shown(item) and may_see(item, caller)]
    return shown, page_meta(last, scope)


def list_replies(
    caller: Caller | None, comment_id: str, cursor: str | None, limit: int
) -> tuple[list[CommentItem], dict[str, Any]]:
    """A thread's replies, oldest first (the thread's comment by its id)."""
    _, _, comment = _visible_pair(comment_id, caller)
    if comment.parent_id is not None:
        raise NotFound("That comment is a reply: replies are one level deep")
    scope = f"replies:{comment.comment_id}"
    items, last = repo.query_replies(comment.comment_id, limit, decode_cursor(cursor, scope))
    return [item for item in items if may_see(item, caller)], page_meta(last, scope)


def edit_comment(caller: Caller, comment_id: str, body: str) -> CommentItem:
    """The author's new text; ``editedAt`` marks it. New mentions are told, old ones not
    again."""
    where, _, comment = _visible_pair(comment_id, caller)
    if comment.deleted_at is not None:
        raise NotFound(_NOT_FOUND)
    if comment.author_id != caller.user_id:
        raise Forbidden("Only its author can edit a comment")
    names, told = _mentioned(body, caller)
    before = set(comment.mentions or [])
    fresh = {name: uid for name, uid in told.items() if name not in before}
    now = iso(utcnow())
    new = _mention_items(fresh, where.prompt_id, comment.comment_id, caller.user_id, now)
    try:
        repo.edit(comment, body, names, now, new)
    except repo.Gone as gone:
        raise NotFound(_NOT_FOUND) from gone
    return comment


def delete_comment(caller: Caller, comment_id: str) -> None:
    """By its author, the prompt's owner or a moderator. Deleting a deleted comment again
    changes nothing."""
    where, head, comment = _visible_pair(comment_id, caller)
    if comment.deleted_at is not None:
        return
    allowed = caller.user_id in {comment.author_id, head.owner_id} or caller.is_moderator
    if not allowed:
        raise Forbidden("Only its author, the prompt's owner or a moderator can delete it")
    _retire(comment, where)


def _replied(comment: CommentItem) -> bool:
    """Whether replies hang on it: as counted, or (a top-level comment counted at none) as
    its replies' index shows, so a reply written a moment ago, not yet counted by the stream,
    keeps its thread (one Query, Limit 1)."""
    if (comment.reply_count or 0) > 0:
        return True
    return comment.parent_id is None and repo.has_replies(comment.comment_id)


def _retire(comment: CommentItem, where: Where) -> None:
    """Remove a comment (with its likes) or, when replies hang on it, keep it as a tombstone;
    either way its mentions go."""
    named = list(comment.mentions or [])  # the tombstone's update empties them on the item
    if not _replied(comment) and repo.remove_unless_replied(comment):
        repo.remove_likes_of(where.prompt_id, where.local)
    else:
        repo.tombstone(comment, iso(utcnow()))
    if named:
        told = directory.user_ids_of(named)
        repo.delete_mentions(comment.comment_id, list(told.values()))


def like(caller: Caller, comment_id: str) -> str:
    """Like a comment one can see (idempotent); one's own like is kept but counted nowhere."""
    where, _, comment = _visible_pair(comment_id, caller)
    if comment.deleted_at is not None:
        raise NotFound(_NOT_FOUND)
    now = iso(utcnow())
    repo.put_like(
        CommentLikeItem(
            prompt_pk(where.prompt_id),
            repo.like_sk(where.local, caller.user_id),
            prompt_id=where.prompt_id,
            comment_id=comment.comment_id,
            user_id=caller.user_id,
            created_at=now,
            own=True if comment.author_id == caller.user_id else None,
            on_reply=True if comment.parent_id else None,
            gsi1pk=f"LIKES#{caller.user_id}",
            gsi1sk=f"{now}#{comment.comment_id}",
        )
    )
    return comment.comment_id


def unlike(caller: Caller, comment_id: str) -> None:
    """Withdraw one's like: always allowed, even once the comment or prompt is hidden
    (idempotent; a well-formed id that names nothing removes nothing)."""
    where = locate(comment_id)
    if where is None:
        raise NotFound(_NOT_FOUND)
    repo.delete_like(where.prompt_id, where.local, caller.user_id)


# --- moderation (reports/service.py: a comment as a report's target) -------------------------


def reportable(comment_id: str, caller: Caller) -> tuple[str, str]:
    """A standing comment the caller can see: its id and its author's (404 otherwise)."""
    _, _, comment = _visible_pair(comment_id, caller)
    if comment.deleted_at is not None or comment.author_id is None:
        raise NotFound(_NOT_FOUND)
    return comment.comment_id, comment.author_id


def _moderated(comment_id: str) -> tuple[Where, CommentItem] | None:
    where = locate(comment_id)
    comment = repo.get_comment(where.prompt_id, where.local) if where else None
    if where is None or comment is None or comment.deleted_at is not None:
        return None  # gone since it was reported: nothing to act on
    return where, comment


def hide(comment_id: str, *, pending: bool) -> None:
    """Hide a comment from everyone but its author and moderators; ``pending``: by reports,
    awaiting review. Hiding what is hidden writes nothing, except that a moderator's hide
    makes a pending one stand."""
    found = _moderated(comment_id)
    if found is None:
        return
    _, comment = found
    if comment.hidden_at is not None and (pending or not comment.hidden_pending):
        return
    repo.set_hidden(comment, iso(utcnow()), pending)


def show(comment_id: str, *, only_pending: bool) -> None:
    """Show a hidden comment again: a moderator's restore, or (``only_pending``) a dismissal,
    which leaves a moderator's own hide standing."""
    found = _moderated(comment_id)
    if found is None:
        return
    _, comment = found
    if comment.hidden_at is None or (only_pending and not comment.hidden_pending):
        return
    repo.set_hidden(comment, None, False)


def remove_as_moderator(comment_id: str) -> None:
    """Removed by a moderator, as a deletion (a tombstone while replies hang on it)."""
    found = _moderated(comment_id)
    if found is not None:
        _retire(found[1], found[0])


def author_of(comment_id: str) -> str | None:
    """Who wrote a comment that still stands (one GetItem); None when it is gone or deleted
    (the notifier tells a comment's author of replies to it)."""
    where = locate(comment_id)
    comment = repo.get_comment(where.prompt_id, where.local) if where else None
    if comment is None or comment.deleted_at is not None:
        return None
    return comment.author_id


# --- account deletion (users/deletion.py) ----------------------------------------------------


def forget_author(user_id: str) -> int:
    """A deleted account's comments: each as its author would delete it (a tombstone where
    replies hang on it, removed otherwise), and every mention they made (also those left by
    comments that went with their prompts)."""
    count = 0
    for comment in list(repo.comments_of(user_id)):
        where = locate(comment.comment_id) if isinstance(comment, CommentItem) else None
        if where is None or comment.deleted_at is not None:
            continue
        _retire(comment, where)
        count += 1
    return count + repo.delete_items(repo.mentions_by(user_id))


def forget_mentioned(user_id: str, username: str) -> int:
    """A deleted account's name leaves the comments that mention it (their text is their
    authors'), and the mention items go."""
    mentions = [m for m in repo.mentions_of(user_id) if isinstance(m, MentionItem)]
    for mention in mentions:
        where = locate(mention.comment_id)
        if where is not None:
            repo.unmention(where.prompt_id, where.local, username)
    return repo.delete_items(mentions)


def forget_likes(user_id: str) -> int:
    """Every like the person gave."""
    return repo.delete_items(
        like for like in repo.likes_of(user_id) if isinstance(like, CommentLikeItem)
    )
