"""Request and response bodies of the invitation endpoints (decisions 74 and 75)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from promptvault.core.schema import ApiModel
from promptvault.identity.schemas import Email

MAX_PENDING = 100  # pending invitations per workspace (decision 74)

InvitedRole = Literal["owner", "admin", "editor", "viewer"]
InvitationStatus = Literal["pending", "accepted", "revoked", "expired"]


class InvitationCreate(ApiModel):
    email: Email = Field(description="Who is invited; the account that accepts must have it")
    role: InvitedRole = Field(
        description="The role the invited person joins with; owner only when an owner invites"
    )


class InvitationOut(ApiModel):
    """An invitation as the workspace's admins see it. Its token is in the email only."""

    id: str
    email: str
    role: InvitedRole
    invited_by: str = Field(description="The user id of the admin or owner who invited")
    created_at: str
    expires_at: str = Field(description="7 days after it was made; then the link answers 410")
    status: InvitationStatus
