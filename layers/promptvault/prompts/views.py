"""Item → response model conversions."""

from __future__ import annotations

from typing import Any

from promptvault.core.caller import Caller
from promptvault.data.models import PromptItem, PromptStatsItem, ShareItem, Variable, VersionItem
from promptvault.prompts.schemas import (
    ForkedFromOut,
    MessageOut,
    ModerationNote,
    PromptOut,
    ShareOut,
    StatsOut,
    VariableOut,
    VersionOut,
    VersionSummary,
)
from promptvault.prompts.service import prompt_type, variable_spec


def _variables(item: PromptItem | VersionItem) -> list[VariableOut]:
    return [_variable(v) for v in item.variables or []]


def _variable(variable: Variable) -> VariableOut:
    spec = variable_spec(variable)
    return VariableOut(
        name=spec.name,
        description=variable.description,
        type=spec.kind,
        required=spec.required,
        default=spec.default,
        max_length=spec.max_length,
        enum=list(spec.values) if spec.kind == "enum" else None,
    )


def _messages(item: PromptItem | VersionItem) -> list[MessageOut] | None:
    if prompt_type(item) != "chat":
        return None
    return [MessageOut(role=m.role, content=m.content) for m in item.messages or []]


def stats_out(stats: PromptStatsItem | None) -> StatsOut:
    """No stats item yet means nothing has been counted: zeros, and no average."""
    if stats is None:
        return StatsOut()
    count = stats.rating_count or 0
    return StatsOut(
        views=stats.views or 0,
        copies=stats.copies or 0,
        bookmarks=stats.bookmarks or 0,
        forks=stats.forks or 0,
        rating_average=round((stats.rating_sum or 0) / count, 2) if count > 0 else None,
        rating_count=count,
    )


def _content(item: PromptItem | VersionItem) -> dict[str, Any]:
    """The content-bearing fields, which a head and each of its versions share."""
    return {
        "title": item.title,
        "type": prompt_type(item),
        "description": item.description,
        "content": item.content,
        "messages": _messages(item),
        "instructions": item.instructions,
        "example_output": item.example_output,
        "variables": _variables(item),
        "category": item.category,
        "model": item.model,
        "tags": sorted(item.tags or ()),
    }


def may_moderate_view(head: PromptItem, viewer: Caller | None) -> bool:
    """The owner and moderators see what moderation did to a prompt, and why."""
    return viewer is not None and (viewer.user_id == head.owner_id or viewer.is_moderator)


def _moderation(head: PromptItem, viewer: Caller | None) -> ModerationNote | None:
    note = head.moderation
    if note is None or not may_moderate_view(head, viewer):
        return None
    return ModerationNote(action=note.action, reason=note.reason, at=note.at)  # type: ignore[arg-type]


def _forked_from(head: PromptItem, viewer: Caller | None) -> ForkedFromOut | None:
    """Where a fork came from, for whoever may see the original: everyone when it was listed
    publicly when forked (its id was anyone's then), else the fork's owner only, who had the
    original's link (issue 16, finding 2: an unlisted original's id is its link)."""
    forked = head.forked_from
    if forked is None:
        return None
    if not forked.listed and (viewer is None or viewer.user_id != head.owner_id):
        return None
    return ForkedFromOut(id=forked.id, version=forked.version)


def prompt_out(
    head: PromptItem, stats: PromptStatsItem | None = None, viewer: Caller | None = None
) -> PromptOut:
    """``viewer``: who is asking (what they may see of the prompt differs)."""
    return PromptOut(
        id=head.prompt_id,
        slug=head.slug,
        owner_id=head.owner_id,
        **_content(head),
        visibility=head.visibility,  # type: ignore[arg-type]
        status=head.status,  # type: ignore[arg-type]
        version=head.version,
        created_at=head.created_at,
        updated_at=head.updated_at,
        stats=stats_out(stats),
        forked_from=_forked_from(head, viewer),
        moderation=_moderation(head, viewer),
        comments_closed=bool(head.comments_closed),
    )


def _history(version: VersionItem) -> dict[str, Any]:
    """What a version records besides its content: its number, who made it, when and why."""
    return {
        "version": version.number,
        "change_message": version.change_message,
        "restored_from": version.restored_from,
        "author_id": version.author_id,
        "created_at": version.created_at,
    }


def version_out(version: VersionItem) -> VersionOut:
    return VersionOut(prompt_id=version.prompt_id, **_content(version), **_history(version))


def version_summary(version: VersionItem) -> VersionSummary:
    return VersionSummary(title=version.title, **_history(version))


def share_out(share: ShareItem, status: str) -> ShareOut:
    return ShareOut(
        id=share.share_id,
        expires_at=share.ends_at,
        max_views=share.max_views,
        views=share.views,
        created_at=share.created_at,
        last_viewed_at=share.last_viewed_at,
        revoked_at=share.revoked_at,
        status=status,  # type: ignore[arg-type]
    )
