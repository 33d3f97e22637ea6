"""The import and export routes' bodies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from promptvault.core.schema import ApiModel, Line
from promptvault.imports.formats import ImportFormat

# What a body may carry inline: the route's body limit (catalogue) less the JSON around it.
MAX_INLINE_CHARS = 60_000
ImportStatus = Literal["awaiting-upload", "processing", "done", "failed"]
RowStatus = Literal["created", "skipped", "rejected"]
IMPORT_ID_PATTERN = r"^i_[0-9a-f]{32}$"


class ImportCreate(ApiModel):
    """Exactly one of ``content`` (the file itself, inline) or ``filename`` (upload it to the
    answer's ``uploadUrl``)."""

    format: ImportFormat
    content: Annotated[str, Field(min_length=1, max_length=MAX_INLINE_CHARS)] | None = Field(
        None, description="The file's text, for a small file"
    )
    filename: Annotated[Line, Field(min_length=1, max_length=200)] | None = Field(
        None, description="The file's name, for a file uploaded to the pre-signed URL"
    )

    @model_validator(mode="after")
    def _one_source(self) -> ImportCreate:
        if (self.content is None) == (self.filename is None):
            raise ValueError("send exactly one of content and filename")
        return self


class ImportCounts(ApiModel):
    created: int = 0
    skipped: int = Field(0, description="Rows this person had imported already")
    rejected: int = Field(0, description="Rows that are not valid prompts; see the rows")


class ImportOut(ApiModel):
    id: str
    status: ImportStatus
    format: ImportFormat
    counts: ImportCounts
    created_at: str
    filename: str | None = None
    finished_at: str | None = None
    error: str | None = Field(None, description="Why a failed import failed (the whole file)")


class ImportStarted(ImportOut):
    upload_url: str | None = Field(
        None, description="For a filename: PUT the file's bytes here before uploadExpiresAt"
    )
    upload_expires_at: str | None = None


class ImportRowOut(ApiModel):
    number: int = Field(description="The row's 1-based position in the file")
    status: RowStatus
    title: str | None = None
    prompt_id: str | None = Field(None, description="The prompt made (created) or found (skipped)")
    reason: str | None = Field(None, description="Why the row was rejected")
