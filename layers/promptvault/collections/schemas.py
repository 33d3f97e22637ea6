"""Request and response bodies of the collection endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from promptvault.core.schema import ApiModel, Line, Paragraphs
from promptvault.prompts.schemas import PromptOut

MAX_PROMPTS = 500  # per collection (decision 68)
MAX_COLLECTIONS = 100  # per person (decision 68)

CollectionVisibility = Literal["public", "private"]
Name = Annotated[
    Line, Field(min_length=1, max_length=100, description="One line, 1-100 characters")
]
Description = Annotated[Paragraphs, Field(max_length=1000)]


class CollectionCreate(ApiModel):
    name: Name
    description: Description | None = None
    visibility: CollectionVisibility = Field(
        "private", description="public: anyone may read it; private (the default): only you"
    )


class CollectionUpdate(ApiModel):
    name: Name | None = None
    description: Description | None = Field(None, description="null or empty: no description")
    visibility: CollectionVisibility | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> CollectionUpdate:
        if not self.model_fields_set:
            raise ValueError("send at least one field to change")
        nulled = sorted(
            f
            for f in ("name", "visibility")
            if f in self.model_fields_set and getattr(self, f) is None
        )
        if nulled:
            raise ValueError(f"cannot be null: {', '.join(nulled)}")
        return self


class CollectionOut(ApiModel):
    id: str
    owner_id: str
    name: str
    description: str | None
    visibility: CollectionVisibility
    created_at: str
    updated_at: str


class CollectedPrompt(ApiModel):
    added_at: str
    prompt: PromptOut


class CollectionDetail(CollectionOut):
    prompts: list[CollectedPrompt] = Field(
        description="A page of the collection's prompts in its order (``meta.nextCursor`` "
        "continues it). Only the prompts the caller may see: a page may be shorter than "
        "``limit`` while ``meta.hasMore`` is true."
    )


class EntryIn(ApiModel):
    position: Annotated[
        int | None,
        Field(
            ge=1,
            le=MAX_PROMPTS,
            strict=True,
            description="Where the prompt goes, 1 = first; past the end: last. Omitted or "
            "null: a new prompt goes last, one already in the collection stays where it is.",
        ),
    ] = None


class EntryOut(ApiModel):
    collection_id: str
    prompt_id: str
    position: int = Field(description="Its place in the collection now, 1 = first")
    added_at: str
