"""Request and response bodies of the workspace endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from promptvault.core.schema import ApiModel, Line

MAX_OWNED = 50  # team workspaces one person owns (decision 73)
MAX_MEMBERS = 500  # members of one workspace (decision 73)
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$"

RoleName = Literal["owner", "admin", "editor", "viewer"]
Name = Annotated[
    Line, Field(min_length=1, max_length=100, description="One line, 1-100 characters")
]
Slug = Annotated[
    str,
    Field(
        pattern=SLUG_PATTERN,
        description="3-40 lowercase letters, digits and inner hyphens; unique across the product",
    ),
]


class WorkspaceCreate(ApiModel):
    name: Name
    slug: Slug


class WorkspaceUpdate(ApiModel):
    name: Name | None = None
    slug: Slug | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> WorkspaceUpdate:
        if not self.model_fields_set:
            raise ValueError("send at least one field to change")
        nulled = sorted(f for f in self.model_fields_set if getattr(self, f) is None)
        if nulled:
            raise ValueError(f"cannot be null: {', '.join(nulled)}")
        return self


class WorkspaceOut(ApiModel):
    id: str
    name: str
    slug: str | None = Field(description="null for a personal workspace")
    personal: bool
    role: RoleName = Field(description="The caller's role in this workspace")
    member_count: int
    created_at: str
    updated_at: str


class MemberIn(ApiModel):
    role: RoleName


class MemberOut(ApiModel):
    workspace_id: str
    user_id: str
    role: RoleName
    joined_at: str
