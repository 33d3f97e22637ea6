"""Moderation: moderators and admins archive any prompt, and every action is recorded.

The prompt leaves the feed at once (the archive is an ordinary edit: revision bump,
optimistic lock); the record (``MODERATION#`` in the prompt's partition) says who, when and
why, and stays after the prompt is deleted, as an audit trail.
"""

from __future__ import annotations

from promptvault.core.caller import Caller
from promptvault.core.errors import Forbidden
from promptvault.core.ids import new_id
from promptvault.data.models import ModerationItem, prompt_pk
from promptvault.prompts import service as prompts


def archive(caller: Caller, prompt_id: str, reason: str) -> ModerationItem:
    if not caller.is_moderator:
        raise Forbidden("Only moderators and admins can archive others' prompts")
    head = prompts.archive_as_moderator(prompt_id)
    now = head.updated_at
    action_id = new_id("m")
    record = ModerationItem(
        prompt_pk(head.prompt_id),
        f"MODERATION#{now}#{action_id}",
        action_id=action_id,
        prompt_id=head.prompt_id,
        action="archive",
        reason=reason,
        moderator_id=caller.user_id,
        created_at=now,
        gsi1pk=f"MODERATOR#{caller.user_id}",
        gsi1sk=f"{now}#{action_id}",
    )
    record.save()
    return record


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
