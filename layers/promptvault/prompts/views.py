"""Item → response model conversions."""

from __future__ import annotations

from typing import Any

from promptvault.data.models import PromptItem, PromptStatsItem, VersionItem
from promptvault.prompts.schemas import (
    ForkedFromOut,
    PromptOut,
    StatsOut,
    VariableOut,
    VersionOut,
    VersionSummary,
)


def _variables(item: PromptItem | VersionItem) -> list[VariableOut]:
    return [
        VariableOut(name=v.name, description=v.description, default=v.default)
        for v in item.variables or []
    ]


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
        "description": item.description,
        "content": item.content,
        "instructions": item.instructions,
        "example_output": item.example_output,
        "variables": _variables(item),
        "category": item.category,
        "model": item.model,
        "tags": sorted(item.tags or ()),
    }


def prompt_out(head: PromptItem, stats: PromptStatsItem | None = None) -> PromptOut:
    forked = head.forked_from
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
        forked_from=ForkedFromOut(id=forked.id, version=forked.version) if forked else None,
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
