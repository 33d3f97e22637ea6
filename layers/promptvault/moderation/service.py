"""Moderation: moderators and admins archive any prompt, restore what a moderator archived,
and every action is recorded.

The prompt leaves the feed at once (the archive is an ordinary edit: revision bump,
optimistic lock) and carries the reason, which its owner sees; only a moderator restores it.
The record (``MODERATION#`` in the prompt's partition) says who, when and why, and stays after
the prompt is deleted, as an audit trail.
"""

from __future__ import annotations

from typing import Any

from promptvault.core.caller import Caller
from promptvault.core.cursors import decode_cursor, page_meta
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
    return record(caller, "prompt", head.prompt_id, action, reason, head.updated_at)


ACTIONS_KEY = "MODACTIONS"  # GSI2: every moderator action, newest first


def _target_pk(target_type: str, target_id: str) -> str:
    return (
        prompt_pk(target_id) if target_type == "prompt" else f"MODERATED#{target_type}#{target_id}"
    )


def record(
    caller: Caller, target_type: str, target_id: str, action: str, reason: str, at: str
) -> ModerationItem:
    """What a moderator did to a target and why, kept (an audit trail): in a prompt's
    partition for a prompt, else in the target's own (``MODERATED#<type>#<id>``)."""
    action_id = new_id("m")
    item = ModerationItem(
        _target_pk(target_type, target_id),
        f"MODERATION#{at}#{action_id}",
        action_id=action_id,
        prompt_id=target_id if target_type == "prompt" else None,
        target_type=None if target_type == "prompt" else target_type,
        target_id=None if target_type == "prompt" else target_id,
        action=action,
        reason=reason,
        moderator_id=caller.user_id,
        created_at=at,
        gsi1pk=f"MODERATOR#{caller.user_id}",
        gsi1sk=f"{at}#{action_id}",
        gsi2pk=ACTIONS_KEY,
        gsi2sk=f"{at}#{action_id}",
    )
    item.save()
    return item


def list_actions(
    caller: Caller, cursor: str | None, limit: int
) -> tuple[list[ModerationItem], dict[str, Any]]:
    """Every moderator action, newest first (moderators and admins)."""
    _require_moderator(caller)
    scope = "moderation-actions"
    results = ModerationItem.feed.query(
        ACTIONS_KEY,
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=decode_cursor(cursor, scope),
    )
    items = [item for item in results if isinstance(item, ModerationItem)]
    return items, page_meta(results.last_evaluated_key, scope)


def action_out(item: ModerationItem) -> ModerationOut:
    target_type = item.target_type or "prompt"
    return ModerationOut(
        action_id=item.action_id,
        target_type=target_type,
        target_id=item.target_id or item.prompt_id or "",
        prompt_id=item.prompt_id,
        action=item.action,
        reason=item.reason,
        moderator_id=item.moderator_id,
        created_at=item.created_at,
    )


def forget_target(target_type: str, target_id: str, replacement: str) -> int:
    """A deleted account as a moderation target: its records stay, under ``replacement``
    instead of its id. The number moved."""
    moved = 0
    for item in ModerationItem.query(_target_pk(target_type, target_id)):
        if not isinstance(item, ModerationItem):
            continue
        kept = ModerationItem(
            _target_pk(target_type, replacement), item.sk, **_fields(item, target_id=replacement)
        )
        kept.save()
        item.delete()
        moved += 1
    return moved


def _fields(item: ModerationItem, **changes: Any) -> dict[str, Any]:
    names = (
        "action_id", "prompt_id", "target_type", "target_id", "action", "reason",
        "moderator_id", "created_at", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk",
    )  # fmt: skip
    return {**{name: getattr(item, name) for name in names}, **changes}


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
