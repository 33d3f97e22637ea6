"""Request and response bodies of the prompt endpoints (pydantic v2)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
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
from promptvault.prompts.templates import (
    NAME,
    VariableSpec,
    VariableType,
    as_text,
    placeholders_of,
    value_problem,
)
from promptvault.reference import category_slugs, model_slugs

Visibility = Literal["public", "private", "unlisted"]
Status = Literal["draft", "published", "archived"]

_VARIABLE_NAME = f"^{NAME}$"

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


MAX_DEFAULT_LENGTH = 1000
MAX_ENUM_VALUES = 50


class VariableIn(ApiModel):
    """A variable the content uses as ``{{name}}``: its type and how values are checked when
    the prompt is rendered (prompts/templates.py). Without ``type`` a variable is a string;
    without ``required``, required (a default satisfies it)."""

    name: Annotated[str, Field(pattern=_VARIABLE_NAME)]
    description: Annotated[Line, Field(max_length=200)] | None = None  # a label: one line
    type: VariableType = "string"
    required: bool = True
    default: Any = Field(
        None, description="A value of the variable's type (a string of at most 1000 characters)"
    )
    max_length: Annotated[int, Field(ge=1, le=100_000)] | None = Field(
        None, description="string and json variables: the longest value, in characters"
    )
    enum: (
        Annotated[
            list[Annotated[str, BeforeValidator(normalised), Field(min_length=1, max_length=100)]],
            Field(min_length=1, max_length=MAX_ENUM_VALUES),
        ]
        | None
    ) = Field(None, description="enum variables: the values allowed")

    @model_validator(mode="after")
    def _consistent(self) -> VariableIn:
        if self.type == "enum":
            if not self.enum:
                raise ValueError("an enum variable lists its values in enum")
            if len(set(self.enum)) != len(self.enum):
                raise ValueError("enum values must be unique")
        elif self.enum is not None:
            raise ValueError("enum is for enum variables only")
        if self.max_length is not None and self.type not in ("string", "json"):
            raise ValueError("maxLength is for string and json variables only")
        if self.default is not None:
            if self.type == "string" and isinstance(self.default, str):
                self.default = normalised(no_control_chars(self.default))
            problem = value_problem(self.spec(), self.default)
            if problem:
                raise ValueError(f"default {problem}")
            if len(as_text(self.type, self.default)) > MAX_DEFAULT_LENGTH:
                raise ValueError(f"default must be at most {MAX_DEFAULT_LENGTH} characters")
        return self

    def spec(self) -> VariableSpec:
        return VariableSpec(
            self.name,
            self.type,
            self.required,
            self.default is not None,
            self.default,
            self.max_length,
            tuple(self.enum or ()),
        )


Variables = Annotated[list[VariableIn], Field(max_length=20)]


def variables_problem(variables: list[Any], content: str | list[str]) -> str | None:
    """Why these variables (anything with a ``name``) do not fit the content (a text, or a
    chat prompt's messages' texts), or None when they do."""
    names = [v.name for v in variables]
    if len(set(names)) != len(names):
        return "variable names must be unique"
    used = set(placeholders_of([content] if isinstance(content, str) else content))
    missing = [n for n in names if n not in used]
    if missing:
        return f"not used in content as {{{{name}}}}: {', '.join(missing)}"
    return None


PromptType = Literal["text", "chat"]
Role = Literal["system", "user", "assistant"]
MAX_MESSAGES = 50
# a chat prompt's messages together hold at most what a text prompt's content holds
MAX_MESSAGES_CHARS = 10_000


class MessageIn(ApiModel):
    role: Role
    content: Annotated[Paragraphs, Field(min_length=1, max_length=MAX_MESSAGES_CHARS)]


def _messages_fit(messages: list[MessageIn]) -> list[MessageIn]:
    if sum(len(m.content) for m in messages) > MAX_MESSAGES_CHARS:
        raise ValueError(f"the messages hold at most {MAX_MESSAGES_CHARS} characters together")
    return messages


Messages = Annotated[
    list[MessageIn], Field(min_length=1, max_length=MAX_MESSAGES), AfterValidator(_messages_fit)
]


def chat_content(messages: list[Any]) -> str:
    """A chat prompt's ``content``: its messages as text, for search, diff and listings."""
    return "\n\n".join(f"{m.role}: {m.content}" for m in messages)


class PromptCreate(ApiModel):
    title: Title
    prompt_type: PromptType = Field(
        "text",
        alias="type",
        description="text: content is the template; chat: messages are (content is derived)",
    )
    content: Content | None = Field(
        None, validate_default=True, description="Required for a text prompt; none for chat"
    )
    messages: Messages | None = Field(
        None, validate_default=True, description="Required for a chat prompt; none for text"
    )
    description: Description | None = None
    instructions: LongText | None = None
    example_output: LongText | None = None
    variables: Variables = []
    category: Category | None = None
    model: ModelSlug | None = None
    tags: Tags = []
    visibility: Visibility = "public"
    status: Status = "published"

    # Field validators (not model ones) so each error names its field, not "body".
    @field_validator("content")
    @classmethod
    def _content_for_text(cls, content: str | None, info: ValidationInfo) -> str | None:
        chat = info.data.get("prompt_type") == "chat"
        if content is None and not chat:
            raise ValueError("Field required (a text prompt's template)")
        if content is not None and chat:
            raise ValueError("a chat prompt has messages, not content")
        return content

    @field_validator("messages")
    @classmethod
    def _messages_for_chat(
        cls, messages: list[MessageIn] | None, info: ValidationInfo
    ) -> list[MessageIn] | None:
        chat = info.data.get("prompt_type") == "chat"
        if messages is None and chat:
            raise ValueError("Field required (a chat prompt's messages)")
        if messages is not None and not chat:
            raise ValueError("only a chat prompt has messages (send type: chat)")
        return messages

    @field_validator("variables")
    @classmethod
    def _variables_fit_content(
        cls, variables: list[VariableIn], info: ValidationInfo
    ) -> list[VariableIn]:
        texts = template_texts(info.data.get("content"), info.data.get("messages"))
        problem = variables_problem(variables, texts) if texts else None
        if problem:
            raise ValueError(problem)
        return variables

    def template(self) -> str:
        """The content as stored: the text, or a chat prompt's messages joined."""
        if self.messages is not None:
            return chat_content(self.messages)
        return self.content or ""


def template_texts(content: str | None, messages: list[Any] | None) -> list[str]:
    """The texts a prompt substitutes variables in: its messages' contents, or its content."""
    if messages is not None:
        return [m.content for m in messages]
    return [content] if content is not None else []


class PromptUpdate(ApiModel):
    title: Title | None = None
    content: Content | None = None
    description: Description | None = None
    instructions: LongText | None = None
    example_output: LongText | None = None
    variables: Variables | None = None
    messages: Messages | None = Field(None, description="A chat prompt's messages")
    category: Category | None = None
    model: ModelSlug | None = None
    tags: Tags | None = None
    visibility: Visibility | None = None
    status: Status | None = None
    change_message: ChangeMessage | None = None
    comments_closed: Annotated[
        bool | None,
        Field(
            strict=True,
            description="true closes the prompt to new comments and replies (existing ones "
            "stay readable), false opens it again",
        ),
    ] = None
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


_REQUIRED_ON_EDIT = frozenset(
    {"title", "content", "messages", "variables", "tags", "visibility", "status", "comments_closed"}
)


class RestoreRequest(ApiModel):
    change_message: ChangeMessage | None = None


class VariableOut(ApiModel):
    name: str
    description: str | None = None
    type: VariableType = "string"
    required: bool = True
    default: Any = None
    max_length: int | None = None
    enum: list[str] | None = None


class MessageOut(ApiModel):
    role: str
    content: str


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
    type: PromptType
    description: str | None
    content: str
    messages: list[MessageOut] | None
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
    """Shown to the owner and moderators only: a moderator's action that stands. ``hide``:
    others cannot see the prompt (reported by enough people, pending review, or hidden by a
    moderator)."""

    action: Literal["archive", "hide"]
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
    comments_closed: bool = Field(False, description="The owner closed it to new comments")


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


# --- labels, fetch by label or version, rendering (issue 13) -----------------------------------

# a label: lowercase letters, digits, ".", "_" and "-", 1-36 characters, starting with a
# letter or digit (so never "", ".", ".." or a path)
LABEL_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,35}$"
LabelName = Annotated[str, Field(pattern=LABEL_PATTERN, max_length=36)]
VersionNumber = Annotated[int, Field(ge=1, le=999_999)]


class LabelMove(ApiModel):
    version: Annotated[
        int, Field(ge=1, le=999_999, strict=True, description="The version the label points at")
    ]


class LabelOut(ApiModel):
    """A label and where it points. ``latest`` is the newest version, always: it has no mover
    and no time (movedBy and movedAt are null) and cannot be set by hand."""

    name: str
    version: int
    moved_by: str | None
    moved_at: str | None


class LabelMoveOut(ApiModel):
    """One move in a label's history; ``toVersion`` null: the label was removed."""

    label: str
    from_version: int | None
    to_version: int | None
    moved_by: str
    moved_at: str


class PromptVersionOut(VersionOut):
    """One version fetched by label or number: its content, its number and every label that
    points at it now (``latest`` included when it is the newest)."""

    labels: list[str]


class RenderRequest(ApiModel):
    variables: Annotated[dict[str, Any], Field(max_length=100)] = {}
    label: LabelName | None = Field(
        None, description="The label to render (without label or version: production)"
    )
    version: VersionNumber | None = None
    strict: bool = Field(True, description="Refuse variables the version does not declare")

    @field_validator("version")
    @classmethod
    def _label_or_version(cls, version: int | None, info: ValidationInfo) -> int | None:
        if version is not None and info.data.get("label") is not None:
            raise ValueError("ask for a label or a version, not both")
        return version


class RenderOut(ApiModel):
    """A text prompt answers ``text``, a chat prompt ``messages`` (the other is null)."""

    prompt_id: str
    version: int
    label: str | None
    type: PromptType
    text: str | None
    messages: list[MessageOut] | None


# --- share links ----------------------------------------------------------------------------

ShareStatus = Literal["active", "expired", "exhausted", "revoked"]


class ShareCreate(ApiModel):
    expires_at: AwareDatetime | None = Field(
        default=None,
        description=(
            "When the link stops working: in the future and at most 365 days ahead, else 422. "
            "Omitted or null: 7 days from now. Stored to the millisecond."
        ),
    )
    max_views: Annotated[
        int | None,
        Field(
            ge=1,
            le=1_000_000,
            strict=True,
            description="How many times the link answers; omitted or null: no view budget",
        ),
    ] = None


class ShareOut(ApiModel):
    """A share link as its owner sees it. The token is never shown again after creation."""

    id: str
    expires_at: str
    max_views: int | None
    views: int
    created_at: str
    last_viewed_at: str | None
    revoked_at: str | None
    status: ShareStatus = Field(
        description="active: it answers; expired, exhausted (view budget spent) or revoked: 410"
    )


class ShareCreated(ShareOut):
    token: str = Field(description="The link's secret: shown this once, stored only hashed")
    url: str = Field(description="GET this URL (no sign-in) to read the prompt")
