"""Moderation: moderators and admins archive any prompt, restore what a moderator archived,
and every action is recorded.

The prompt leaves the feed at once (the archive is an ordinary edit: revision bump,
optimistic lock) and carries the reason, which its owner sees; only a moderator restores it.
The record (``MODERATION#`` in the prompt's partition) says who, when and why, and stays after
the prompt is deleted, as an audit trail.
"""

from __future__ import annotations

from promptvault.core.caller import Caller
from promptvault.core.errors import Forbidden
from promptvault.core.ids import new_id
from promptvault.data.models import ModerationItem, PromptItem, prompt_pk
from promptvault.moderation.schemas import ModerationOut
from promptvault.prompts import service as prompts


def _require_moderator(caller: Caller) -> None:
    if not caller.is_moderator:
        raise Forbidden("Only moderators and admins can do this")


def archive(caller: Caller, prompt_id: str, reason: str) -> ModerationItem:
    _require_moderator(caller)
    return _record(caller, prompts.archive_as_moderator(prompt_id, reason), "archive", reason)


def restore(caller: Caller, prompt_id: str, reason: str) -> ModerationItem:
    """Undo a moderator's archive (409 when no moderator archived it)."""
    _require_moderator(caller)
    return _record(caller, prompts.restore_as_moderator(prompt_id), "restore", reason)


def _record(caller: Caller, head: PromptItem, action: str, reason: str) -> ModerationItem:
    now = head.updated_at
    action_id = new_id("m")
    record = ModerationItem(
        prompt_pk(head.prompt_id),
        f"MODERATION#{now}#{action_id}",
        action_id=action_id,
        prompt_id=head.prompt_id,
        action=action,
        reason=reason,
        moderator_id=caller.user_id,
        created_at=now,
        gsi1pk=f"MODERATOR#{caller.user_id}",
        gsi1sk=f"{now}#{action_id}",
    )
    record.save()
    return record


def action_out(record: ModerationItem) -> ModerationOut:
    return ModerationOut(
        action_id=record.action_id,
        prompt_id=record.prompt_id,
        action=record.action,
        reason=record.reason,
        moderator_id=record.moderator_id,
        created_at=record.created_at,
    )


def anonymise_moderator(user_id: str) -> int:
    """Account deletion: the records stay, without the moderator's id."""
    count = 0
    for record in ModerationItem.by_owner.query(f"MODERATOR#{user_id}"):
        record.update(
            actions=[
                ModerationItem.moderator_id.set("deleted-user"),
                ModerationItem.gsi1pk.remove(),
                ModerationItem.gsi1sk.remove(),
            ]
        )
        count += 1
    return count
