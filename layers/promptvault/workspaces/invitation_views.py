"""Invitation items into response models (never with the token: it is in the email only)."""

from __future__ import annotations

from promptvault.core.clock import now_iso
from promptvault.data.models import InvitationItem
from promptvault.workspaces.invitation_schemas import InvitationOut
from promptvault.workspaces.invitations import status_of


def invitation_out(invitation: InvitationItem, now: str | None = None) -> InvitationOut:
    return InvitationOut(
        id=invitation.invitation_id,
        email=invitation.email,
        role=invitation.role,  # type: ignore[arg-type]
        invited_by=invitation.invited_by,
        created_at=invitation.created_at,
        expires_at=invitation.ends_at,
        status=status_of(invitation, now or now_iso()),  # type: ignore[arg-type]
    )
