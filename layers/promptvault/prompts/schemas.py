"""Request and response bodies of the prompt endpoints (pydantic v2)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from slugify import slugify

from promptvault.core.schema import (
    ApiModel,
    Line,
    Paragraphs,
    no_control_chars,
    normalised,
    visible_count,
)
from promptvault.reference import category_slugs, model_slugs

Visibility = Literal["public", "private", "unlisted"]
Status = Literal["draft", "published", "archived"]

_VARIABLE_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"

MAX_TAGS = 5
MAX_TAG_LENGTH = 30
# A title is 5-100 characters once NFC-normalised and trimmed, at least this many of them
# visible (not spaces, joiners or combining marks): "a   b" is no title (decision 25).
MIN_TITLE_VISIBLE = 3


def _known_category(value: str) -> str:
    if value not in category_slugs():
        raise ValueError("is not a known category (see GET /v1/categories)")
    return value


def _known_model(value: str) -> str:
    if value not in model_slugs():
        raise ValueError("is not a known model (see GET /v1/models)")
    return value


def _normalise_tags(tags: list[str]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        if len(tag) > MAX_TAG_LENGTH:
            raise ValueError(f"each tag must be at most {MAX_TAG_LENGTH} characters")
        slug = slugify(tag, max_length=MAX_TAG_LENGTH)
        if not slug:
            raise ValueError(f"tag {tag!r} has no letters or digits")
        if slug not in seen:
            seen.append(slug)
    return seen


def _visible_title(value: str) -> str:
    if visible_count(value) < MIN_TITLE_VISIBLE:
        raise ValueError(f"must have at least {MIN_TITLE_VISIBLE} visible characters")
    return value


Text = Annotated[str, AfterValidator(no_control_chars)]
# Single lines (core.schema.Line: NFC, trimmed, no line breaks, bidi controls or zero-width
# characters, visible); the lengths count the stored, trimmed text.
Title = Annotated[
    Line,
    Field(
        min_length=5,
        max_length=100,
        description="One line, stored NFC-normalised and trimmed: 5-100 characters, "
        f"at least {MIN_TITLE_VISIBLE} of them visible",
    ),
    AfterValidator(_visible_title),
]
# Several lines (core.schema.Paragraphs: NFC, trimmed, no control characters but tab and breaks)
Content = Annotated[Paragraphs, Field(min_length=20, max_length=10_000)]
Description = Annotated[Paragraphs, Field(max_length=500)]
LongText = Annotated[Paragraphs, Field(max_length=10_000)]
Category = Annotated[str, Field(max_length=64), AfterValidator(_known_category)]
ModelSlug = Annotated[str, Field(max_length=64), AfterValidator(_known_model)]
Tags = Annotated[
    list[Annotated[str, BeforeValidator(normalised), Field(max_length=MAX_TAG_LENGTH)]],
    Field(max_length=MAX_TAGS),
    AfterValidator(_normalise_tags),
]
ChangeMessage = Annotated[Line, Field(max_length=500)]


class VariableIn(ApiModel):
    name: Annotated[str, Field(pattern=_VARIABLE_NAME)]
    description: Annotated[Line, Field(max_length=200)] | None = None  # a label: one line
    default: Annotated[Paragraphs, Field(max_length=1000)] | None = None


Variables = Annotated[list[VariableIn], Field(max_length=20)]


def variables_problem(variables: list[VariableIn], content: str) -> str | None:
    """Why these variables do not fit this content, or None when they do."""
    names = [v.name for v in variables]
    if len(set(names)) != len(names):
        return "variable names must be unique"
    missing = [n for n in names if not re.search(r"\{\{\s*" + re.escape(n) + r"\s*\}\}", content)]
    if missing:
        return f"not used in content as {{{{name}}}}: {', '.join(missing)}"
    return None


class PromptCreate(ApiModel):
    title: Title
    content: Content
    description: Description | None = None
    instructions: LongText | None = None
    example_output: LongText | None = None
    variables: Variables = []
    category: Category | None = None
    model: ModelSlug | None = None
    tags: Tags = []
    visibility: Visibility = "public"
    status: Status = "published"

    @field_validator("variables")
    @classmethod
    def _variables_fit_content(
        cls, variables: list[VariableIn], info: ValidationInfo
    ) -> list[VariableIn]:
        # A field validator (not a model one) so the error names "variables", not "body".
        content = info.data.get("content")
        problem = variables_problem(variables, content) if content is not None else None
        if problem:
            raise ValueError(problem)
        return variables


class PromptUpdate(ApiModel):
    title: Title | None = None
    content: Content | None = None
    description: Description | None = None
    instructions: LongText | None = None
    example_output: LongText | None = None
    variables: Variables | None = None
    category: Category | None = None
    model: ModelSlug | None = None
    tags: Tags | None = None
    visibility: Visibility | None = None
    status: Status | None = None
    change_message: ChangeMessage | None = None
    publish_history: bool | None = Field(
        None,
        description="When this edit shows a prompt with earlier versions to others: true "
        "publishes every version, false only the current one (the rest stays yours). "
        "Without it such an edit is 409.",
    )

    @model_validator(mode="after")
    def _not_empty(self) -> PromptUpdate:
        if not (self.model_fields_set - {"change_message", "publish_history"}):
            raise ValueError("send at least one field to change")
        nulled = sorted(
            f for f in _REQUIRED_ON_EDIT & self.model_fields_set if getattr(self, f) is None
        )
        if nulled:
            raise ValueError(f"cannot be null: {', '.join(nulled)}")
        return self


_REQUIRED_ON_EDIT = frozenset({"title", "content", "variables", "tags", "visibility", "status"})


class RestoreRequest(ApiModel):
    change_message: ChangeMessage | None = None


class VariableOut(ApiModel):
    name: str
    description: str | None = None
    default: str | None = None


class StatsOut(ApiModel):
    """Engagement counters, derived from the table's stream (eventually consistent)."""

    views: int = 0
    copies: int = 0
    bookmarks: int = 0
    forks: int = 0
    rating_average: float | None = None
    rating_count: int = 0


class ForkedFromOut(ApiModel):
    id: str
    version: int


class PromptContentOut(ApiModel):
    """The content fields a prompt and each of its versions share."""

    title: str
    description: str | None
    content: str
    instructions: str | None
    example_output: str | None
    variables: list[VariableOut]
    category: str | None
    model: str | None
    tags: list[str]


# pydantic orders fields base class first along the MRO, so the keys that come before the
# content are a base of their own, listed after it: PromptOut = id, slug, ownerId, the
# content, then the rest (the order of the JSON and of the OpenAPI ``required`` lists).
class _PromptKeys(ApiModel):
    id: str
    slug: str
    owner_id: str


class ModerationNote(ApiModel):
    """Shown to the owner and moderators only: a moderator's action that stands."""

    action: Literal["archive"]
    reason: str
    at: str


class PromptOut(PromptContentOut, _PromptKeys):
    visibility: Visibility
    status: Status
    version: int
    created_at: str
    updated_at: str
    stats: StatsOut = StatsOut()
    forked_from: ForkedFromOut | None = None
    moderation: ModerationNote | None = None


class _VersionKeys(ApiModel):
    prompt_id: str
    version: int


class VersionOut(PromptContentOut, _VersionKeys):
    change_message: str | None
    restored_from: int | None
    author_id: str
    created_at: str


class VersionSummary(ApiModel):
    version: int
    title: str
    change_message: str | None
    restored_from: int | None
    author_id: str
    created_at: str


class FieldChange(ApiModel):
    field: str
    before: object
    after: object


class DiffOut(ApiModel):
    prompt_id: str
    from_version: int
    to_version: int
    content_diff: str
    changes: list[FieldChange]
