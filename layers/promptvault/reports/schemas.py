"""Bodies of the report and moderation-queue endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from promptvault.core.schema import ApiModel, Line, Paragraphs

TargetType = Literal["prompt", "comment", "user"]
Reason = Literal["spam", "abuse", "copyright", "nsfw", "other"]
Action = Literal["dismiss", "hide", "remove", "restore"]
ReportStatus = Literal["open", "resolved"]


class ReportCreate(ApiModel):
    target_type: TargetType
    target_id: Annotated[
        str,
        Field(
            min_length=1,
            max_length=80,
            pattern=r"^[A-Za-z0-9_-]+$",
            description="A prompt's id, a comment's id, or a user's id (their profile's `id`)",
        ),
    ]
    reason: Reason
    details: Annotated[Paragraphs, Field(max_length=2000)] | None = None


class ReportOut(ApiModel):
    id: str
    target_type: str
    target_id: str
    reason: str
    details: str | None
    status: ReportStatus
    created_at: str
    resolved_at: str | None = None
    action: Action | None = Field(default=None, description="What the moderator did")


class QueuedReportOut(ReportOut):
    """A report as a moderator sees it: who filed it, and what came of it."""

    reporter_id: str
    note: str | None = None
    moderator_id: str | None = None


class ResolveRequest(ApiModel):
    action: Action
    note: Annotated[Line, Field(min_length=3, max_length=500)]


class Resolution(ApiModel):
    target_type: str
    target_id: str
    action: Action
    resolved: int = Field(description="How many open reports of the target this resolved")
    note: str
