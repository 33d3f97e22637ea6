"""Search documents and stats updates built from table items (stream images or reads).

Versions come from the table, so they only grow: a document's ``doc_version`` is the
head's ``revision`` (bumps on every accepted edit), its ``stats_version`` the stats item's
``updates`` (bumps on every counter update). A deleted prompt's tombstone carries the
last revision, and a delete wins a tie (search/backend.py), so nothing older comes back.
"""

from __future__ import annotations

from typing import Any

from promptvault.search.backend import PromptDocument, PromptStats, StatsUpdate


def _int(item: dict[str, Any] | None, name: str) -> int:
    return int((item or {}).get(name) or 0)


def prompt_stats(stats: dict[str, Any] | None) -> PromptStats:
    return PromptStats(
        views=_int(stats, "views"),
        copies=_int(stats, "copies"),
        bookmarks=_int(stats, "bookmarks"),
        forks=_int(stats, "forks"),
        rating_count=_int(stats, "ratingCount"),
        rating_sum=_int(stats, "ratingSum"),
    )


def _hidden(head: dict[str, Any]) -> bool:
    return ((head.get("moderation") or {}).get("action")) == "hide"


def build_document(head: dict[str, Any], stats: dict[str, Any] | None = None) -> PromptDocument:
    """A document from plain head attributes; without ``stats`` the engine keeps its own."""
    return PromptDocument(
        id=str(head["promptId"]),
        doc_version=_int(head, "revision"),
        owner_id=str(head["ownerId"]),
        slug=str(head["slug"]),
        title=str(head["title"]),
        description=str(head.get("description") or ""),
        content=str(head["content"]),
        category=head.get("category"),
        model=head.get("model"),
        tags=tuple(sorted(head.get("tags") or ())),
        # a hidden prompt (reports, a moderator) is searchable by its owner alone, as private
        visibility="private" if _hidden(head) else str(head["visibility"]),
        status=str(head["status"]),
        created_at=str(head["createdAt"]),
        stats=prompt_stats(stats),
        stats_version=_int(stats, "updates"),
    )


def stats_update(prompt_id: str, stats: dict[str, Any]) -> StatsUpdate:
    """Absolute values from a stats item image: re-applying or replaying is harmless."""
    return StatsUpdate(
        prompt_id=prompt_id, stats_version=_int(stats, "updates"), stats=prompt_stats(stats)
    )


def tombstone_version(last_head: dict[str, Any] | None) -> int:
    return _int(last_head, "revision")
