"""Workspaces and members into response models."""

from __future__ import annotations

from promptvault.data.models import WorkspaceMemberItem
from promptvault.workspaces.schemas import MemberOut, WorkspaceOut
from promptvault.workspaces.service import Workspace


def workspace_out(workspace: Workspace) -> WorkspaceOut:
    return WorkspaceOut(
        id=workspace.id,
        name=workspace.name,
        slug=workspace.slug,
        personal=workspace.personal,
        role=workspace.role.value,  # type: ignore[arg-type]
        member_count=workspace.member_count,
        created_at=workspace.created_at,
        updated_at=workspace.updated_at,
    )


def member_out(member: WorkspaceMemberItem) -> MemberOut:
    return MemberOut(
        workspace_id=member.workspace_id,
        user_id=member.user_id,
        role=member.role,  # type: ignore[arg-type]
        joined_at=member.joined_at,
    )
