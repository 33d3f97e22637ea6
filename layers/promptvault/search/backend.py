"""The search port. Engines implement it; callers never filter visibility themselves.

Every document carries the version it was built from (``doc_version``); an engine keeps
a document only if its version is newer than the stored one, so a replayed old stream
record never overwrites a newer document nor resurrects a deleted one (deletes are
kept as versioned tombstones, and a delete wins a tie with the document it removes).

Counters travel separately (``update_stats``) under their own ``stats_version``, so a
counter change never re-indexes content; see docs/search.md for the contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Literal, Protocol

Sort = Literal["relevance", "newest", "top", "popular", "trending"]

# Bayesian smoothing of the rating average for sort=top: PRIOR_COUNT votes of PRIOR_MEAN.
PRIOR_MEAN = 3.0
PRIOR_COUNT = 5
# Facets: exact counts over every filtered match, the top FACET_SIZE values of each field.
FACET_FIELDS = ("category", "model", "tags")
FACET_SIZE = 20


@dataclass(frozen=True, slots=True)
class PromptStats:
    views: int = 0
    copies: int = 0
    bookmarks: int = 0
    forks: int = 0
    rating_count: int = 0
    rating_sum: int = 0

    @property
    def engagement(self) -> int:
        """The numerator of trending: views + 3·copies + 5·ratings + 2·bookmarks."""
        return self.views + 3 * self.copies + 5 * self.rating_count + 2 * self.bookmarks

    @property
    def rating_average(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None

    @property
    def rating_score(self) -> float:
        """What sort=top orders by: the rating average pulled towards PRIOR_MEAN."""
        return (PRIOR_MEAN * PRIOR_COUNT + self.rating_sum) / (PRIOR_COUNT + self.rating_count)


# The counters as the engines store them, one numeric field each: views, copies, bookmarks,
# forks, rating_count, rating_sum.
COUNTER_FIELDS = tuple(counter.name for counter in fields(PromptStats))


@dataclass(frozen=True, slots=True)
class PromptDocument:
    id: str
    doc_version: int  # monotonic per prompt (the head's revision); see docs/search.md
    owner_id: str
    slug: str
    title: str
    description: str
    content: str
    category: str | None
    model: str | None
    tags: tuple[str, ...]
    visibility: str
    status: str
    created_at: str  # ISO-8601 UTC
    stats: PromptStats = field(default_factory=PromptStats)
    stats_version: int = 0  # version of ``stats``; the higher of stored/incoming wins

    @property
    def created_ms(self) -> int:
        """``created_at`` in epoch milliseconds: what the engines sort by and age with."""
        return int(
            datetime.fromisoformat(self.created_at.replace("Z", "+00:00")).timestamp() * 1000
        )


@dataclass(frozen=True, slots=True)
class StatsUpdate:
    """Absolute counter values for one prompt (not deltas), so re-applying is harmless."""

    prompt_id: str
    stats_version: int  # applied only when newer than the stored stats_version
    stats: PromptStats


def keep_newest[V: (PromptDocument, StatsUpdate)](
    newest: dict[str, V], prompt_id: str, item: V, version: Callable[[V], int]
) -> None:
    """A batch's rule before any index write: per prompt the highest version wins (the first
    of equal ones), so the engine sees each prompt once."""
    seen = newest.get(prompt_id)
    if seen is None or version(item) > version(seen):
        newest[prompt_id] = item


def by_doc_version(doc: PromptDocument) -> int:
    return doc.doc_version


def by_stats_version(update: StatsUpdate) -> int:
    return update.stats_version


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str = ""
    viewer_id: str | None = None  # None: anonymous
    include_own_private: bool = False  # the viewer also sees their own private/unlisted/drafts
    category: str | None = None
    model: str | None = None
    tags: tuple[str, ...] = ()
    owner_id: str | None = None
    sort: Sort = "relevance"
    offset: int = 0
    limit: int = 20
    facets: bool = True
    highlight: bool = True


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    score: float
    document: PromptDocument  # content may be "" (engines need not return it)
    highlights: dict[str, list[str]] = field(default_factory=dict)  # field -> <mark> fragments


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class SearchBackend(Protocol):
    def upsert(self, documents: list[PromptDocument]) -> None: ...

    def delete(self, prompt_id: str, doc_version: int) -> None: ...

    def update_stats(self, updates: list[StatsUpdate]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def suggest(
        self, prefix: str, viewer_id: str | None, limit: int = 8, include_own_private: bool = False
    ) -> list[str]: ...

    def versions(self) -> dict[str, int]:
        """Live document id -> doc_version (tombstones excluded): for rebuilds and checks."""
        ...

    def reset(self) -> None:
        """Drop every document and tombstone (a rebuild from the table follows)."""
        ...
