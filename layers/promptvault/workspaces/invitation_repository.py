"""Invitations in the table (decisions 74 and 75): the invitation and its address's pending
mark, both in the workspace's partition.

AWS calls (asserted in bench/awscalls.py): creation 1 Query (Select=COUNT on GSI1: the
pending cap) + 1 TransactWriteItems (the invitation, the address's pending mark on the
condition that none is live); the pending list 1 Query; a revocation 1 GetItem (the
invitation: its address names the mark) + 1 TransactWriteItems; an acceptance 1 BatchGetItem (the
invitation and the workspace, consistent) + 1 TransactWriteItems (the invitation claimed on
its condition, the mark deleted, the member added with the workspace's counts).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action

from promptvault.data.models import META, InvitationItem, InviteeItem, Item, WorkspaceItem
from promptvault.data.transactions import failed_at, transaction
from promptvault.workspaces import repository as workspaces
from promptvault.workspaces.roles import Role

INVITATION_PREFIX = "INVITATION#"
INVITEE_PREFIX = "INVITEE#"


class Taken(Exception):
    """The address already has a live invitation to this workspace."""


class Claimed(Exception):
    """The invitation is no longer pending as read (accepted, revoked or ended meanwhile)."""


class AlreadyMember(Exception):
    """The accepting person is a member already."""


class WorkspaceRefused(Exception):
    """The workspace is gone or full."""


def invitation_sk(invitation_id: str) -> str:
    return f"{INVITATION_PREFIX}{invitation_id}"


def invitee_sk(email: str) -> str:
    return f"{INVITEE_PREFIX}{email}"


def pending_key(workspace_id: str) -> str:
    return f"INVITATIONS#{workspace_id}"


def new_invitation(
    workspace_id: str,
    invitation_id: str,
    email: str,
    role: str,
    invited_by: str,
    token_hash: str,
    created_at: str,
    ends_at: str,
    swept_at: datetime,
) -> InvitationItem:
    return InvitationItem(
        workspaces.workspace_pk(workspace_id),
        invitation_sk(invitation_id),
        workspace_id=workspace_id,
        invitation_id=invitation_id,
        email=email,
        role=role,
        invited_by=invited_by,
        token_hash=token_hash,
        status="pending",
        created_at=created_at,
        ends_at=ends_at,
        gsi1pk=pending_key(workspace_id),
        gsi1sk=f"{ends_at}#{invitation_id}",
        expires_at=swept_at,
    )


def count_pending(workspace_id: str, now: str) -> int:
    """Pending invitations that have not expired (GSI1, eventually consistent)."""
    return InvitationItem.by_owner.count(pending_key(workspace_id), InvitationItem.gsi1sk > now)


def put_invitation(invitation: InvitationItem, now: str) -> None:
    """The invitation and its address's pending mark, on the condition that the address has
    no live invitation to the workspace (Taken)."""
    mark = InviteeItem(
        invitation.pk,
        invitee_sk(invitation.email),
        invitation_id=invitation.invitation_id,
        ends_at=invitation.ends_at,
        expires_at=invitation.expires_at,
    )
    try:
        with transaction() as tx:
            tx.save(mark, condition=InviteeItem.pk.does_not_exist() | (InviteeItem.ends_at <= now))
            tx.save(invitation, condition=InvitationItem.pk.does_not_exist())
    except TransactWriteError as error:
        if failed_at(error, 0):
            raise Taken(invitation.email) from error
        raise


def query_pending(
    workspace_id: str, now: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[InvitationItem], dict[str, Any] | None]:
    """A page of the pending, unexpired invitations, newest first."""
    results = InvitationItem.by_owner.query(
        pending_key(workspace_id),
        InvitationItem.gsi1sk > now,
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
    )
    found = [item for item in results if isinstance(item, InvitationItem)]
    return found, results.last_evaluated_key


def get_invitation(workspace_id: str, invitation_id: str) -> InvitationItem | None:
    try:
        return InvitationItem.get(
            workspaces.workspace_pk(workspace_id),
            invitation_sk(invitation_id),
            consistent_read=True,
        )
    except DoesNotExist:
        return None


def invitation_and_workspace(
    workspace_id: str, invitation_id: str
) -> tuple[InvitationItem | None, WorkspaceItem | None]:
    """Both in one consistent BatchGetItem."""
    pk = workspaces.workspace_pk(workspace_id)
    invitation: InvitationItem | None = None
    workspace: WorkspaceItem | None = None
    for item in Item.batch_get(
        [(pk, invitation_sk(invitation_id)), (pk, META)], consistent_read=True
    ):
        if isinstance(item, InvitationItem):
            invitation = item
        elif isinstance(item, WorkspaceItem):
            workspace = item
    return invitation, workspace


def _closed(invitation: InvitationItem, now: str) -> Any:
    """The claim's condition: still pending, unexpired, with the secret read."""
    return (
        (InvitationItem.status == "pending")
        & (InvitationItem.ends_at > now)
        & (InvitationItem.token_hash == invitation.token_hash)
    )


def revoke(invitation: InvitationItem, now: str, swept_at: datetime) -> None:
    """Mark a pending, unexpired invitation revoked and free its address (Claimed when it is
    not, nothing written)."""
    try:
        with transaction() as tx:
            tx.update(
                InvitationItem(invitation.pk, invitation.sk),
                actions=[
                    InvitationItem.status.set("revoked"),
                    InvitationItem.revoked_at.set(now),
                    InvitationItem.gsi1pk.remove(),
                    InvitationItem.gsi1sk.remove(),
                    InvitationItem.expires_at.set(swept_at),
                ],
                condition=(InvitationItem.status == "pending") & (InvitationItem.ends_at > now),
            )
            tx.delete(
                InviteeItem(invitation.pk, invitee_sk(invitation.email)),
                condition=InviteeItem.invitation_id == invitation.invitation_id,
            )
    except TransactWriteError as error:
        if failed_at(error, 0) or failed_at(error, 1):
            raise Claimed(invitation.invitation_id) from error
        raise


def accept(
    invitation: InvitationItem, user_id: str, now: str, swept_at: datetime, cap: int
) -> None:
    """One transaction: the invitation claimed (pending, unexpired, the secret read), its
    address's mark deleted, and the member added with the workspace's counts, so the
    invitation is used exactly once and never without its member."""
    member = workspaces.new_member(invitation.workspace_id, user_id, Role(invitation.role), now)
    try:
        with transaction() as tx:
            tx.update(
                InvitationItem(invitation.pk, invitation.sk),
                actions=_accepted(user_id, now, swept_at),
                condition=_closed(invitation, now),
            )
            tx.delete(
                InviteeItem(invitation.pk, invitee_sk(invitation.email)),
                condition=InviteeItem.invitation_id == invitation.invitation_id,
            )
            workspaces.add_member_writes(tx, member, cap)  # positions 2 and 3
    except TransactWriteError as error:
        if failed_at(error, 0) or failed_at(error, 1):
            raise Claimed(invitation.invitation_id) from error
        if failed_at(error, 2):
            raise AlreadyMember(user_id) from error
        if failed_at(error, 3):
            raise WorkspaceRefused(invitation.workspace_id) from error
        raise


def _accepted(user_id: str, now: str, swept_at: datetime) -> list[Any]:
    return [
        InvitationItem.status.set("accepted"),
        InvitationItem.accepted_by.set(user_id),
        InvitationItem.accepted_at.set(now),
        InvitationItem.gsi1pk.remove(),
        InvitationItem.gsi1sk.remove(),
        InvitationItem.expires_at.set(swept_at),
    ]


DELETED_USER = "deleted-user"  # as reports and moderation records name a deleted account


def forget_person(workspace_id: str, user_id: str) -> int:
    """A deleted account's id out of one workspace's invitations, as the admin who sent one or
    the account that accepted one (the workspace keeps its record of who was invited, by
    address). One Query of the partition's invitations, one UpdateItem per invitation named."""
    changed = 0
    query = InvitationItem.query(
        workspaces.workspace_pk(workspace_id),
        InvitationItem.sk.startswith(INVITATION_PREFIX),
    )
    for invitation in query:
        actions: list[Action] = [
            attribute.set(DELETED_USER)
            for attribute, value in (
                (InvitationItem.invited_by, invitation.invited_by),
                (InvitationItem.accepted_by, invitation.accepted_by),
            )
            if value == user_id
        ]
        if actions:
            invitation.update(actions=actions)
            changed += 1
    return changed
