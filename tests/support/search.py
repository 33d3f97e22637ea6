"""Search test helpers: documents with sensible defaults, the real prompts from the CSV."""

from __future__ import annotations

import csv
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from promptvault.search.backend import PromptDocument, PromptStats

PROMPTS_CSV = Path(__file__).resolve().parents[3] / "shared" / "data" / "prompts-chat.csv"
if not PROMPTS_CSV.exists():  # a checkout beside ../shared
    PROMPTS_CSV = Path("/work/shared/data/prompts-chat.csv")


def document(**overrides: Any) -> PromptDocument:
    base = PromptDocument(
        id=f"p_{uuid.uuid4().hex}",
        doc_version=1,
        owner_id="owner-1",
        slug="a-prompt",
        title="Summarise a meeting",
        description="Short notes from long meetings",
        content="Summarise the meeting notes in five bullet points.",
        category="productivity",
        model="claude-sonnet",
        tags=("meetings",),
        visibility="public",
        status="published",
        created_at="2026-01-01T00:00:00.000Z",
    )
    stats = overrides.pop("stats", None)
    doc = replace(base, **overrides)
    return replace(doc, stats=stats) if isinstance(stats, PromptStats) else doc


def csv_rows() -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with PROMPTS_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


CATEGORIES = ("coding", "writing", "productivity", "education", "fun")


def csv_documents() -> list[PromptDocument]:
    """Every real prompt as a public document (ids p_csv_<row>); long ones are kept whole."""
    return [
        document(
            id=f"p_csv_{i:05d}",
            slug=f"csv-{i}",
            title=row["act"],
            description="",
            content=row["prompt"],
            category="coding" if row["for_devs"] == "TRUE" else CATEGORIES[i % len(CATEGORIES)],
            model=None,
            tags=(row["type"].lower(),),
            owner_id=row["contributor"] or "anonymous",
        )
        for i, row in enumerate(csv_rows())
    ]
