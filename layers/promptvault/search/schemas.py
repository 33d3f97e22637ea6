"""Search response bodies: prompt summaries straight from the index (no table read), and the
query text a person types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from promptvault.core.schema import ApiModel, normalised
from promptvault.search.backend import Hit, PromptDocument

# What someone typed into a search box: NFC-normalised and trimmed, so "Cafe\u0301" finds the
# stored (NFC) "Café", but never refused for odd characters (the tokenizer drops what is not a
# letter or a digit); only its length is limited, by the route.
SearchText = Annotated[str, BeforeValidator(normalised)]


class PromptStatsOut(ApiModel):
    views: int
    copies: int
    bookmarks: int
    forks: int
    rating_average: float | None
    rating_count: int


class PromptSummary(ApiModel):
    id: str
    slug: str
    title: str
    description: str | None
    category: str | None
    model: str | None
    tags: list[str]
    owner_id: str
    visibility: str
    status: str
    created_at: str
    stats: PromptStatsOut


class SearchHitOut(PromptSummary):
    score: float
    highlights: dict[str, list[str]]  # field -> HTML fragments, matches wrapped in <mark>


def summary_fields(doc: PromptDocument) -> dict[str, object]:
    stats = doc.stats
    average = stats.rating_average
    return {
        "id": doc.id,
        "slug": doc.slug,
        "title": doc.title,
        "description": doc.description or None,
        "category": doc.category,
        "model": doc.model,
        "tags": sorted(doc.tags),
        "owner_id": doc.owner_id,
        "visibility": doc.visibility,
        "status": doc.status,
        "created_at": doc.created_at,
        "stats": PromptStatsOut(
            views=stats.views,
            copies=stats.copies,
            bookmarks=stats.bookmarks,
            forks=stats.forks,
            rating_average=None if average is None else round(average, 2),
            rating_count=stats.rating_count,
        ),
    }


def prompt_summary(doc: PromptDocument) -> PromptSummary:
    return PromptSummary.model_validate(summary_fields(doc))


def search_hit(hit: Hit) -> SearchHitOut:
    return SearchHitOut.model_validate(
        {**summary_fields(hit.document), "score": round(hit.score, 4), "highlights": hit.highlights}
    )
