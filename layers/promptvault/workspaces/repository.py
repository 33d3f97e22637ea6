"""Workspaces in the table (decision 72): the workspace item, its members in its partition,
a slug guard, and GSI1 WORKSPACES#<uid> for a person's workspaces.

Every member change is one TransactWriteItems with an update of the workspace's
``memberCount`` / ``ownerCount``, conditioned on the cap and on an owner staying, so two
racing requests can never leave a workspace over its cap or without an owner.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from promptvault.data.models import META, GuardItem, Item, WorkspaceItem, WorkspaceMemberItem
from promptvault.data.pages import page
from promptvault.data.transactions import failed_at, transaction
from promptvault.workspaces.roles import Role

GUARD = "GUARD"
MEMBER_PREFIX = "MEMBER#"


class SlugTaken(Exception):
    """Another workspace holds the slug."""


class Refused(Exception):
    """The workspace's condition failed: it is gone, full, or would lose its last owner;
    or the member is not as read."""


def workspace_pk(workspace_id: str) -> str:
    return f"WORKSPACE#{workspace_id}"


def member_sk(user_id: str) -> str:
    return f"{MEMBER_PREFIX}{user_id}"


def mine_key(user_id: str) -> str:
    return f"WORKSPACES#{user_id}"


def slug_pk(slug: str) -> str:
    return f"WORKSPACESLUG#{slug}"


def new_member(workspace_id: str, user_id: str, role: Role, now: str) -> WorkspaceMemberItem:
    return WorkspaceMemberItem(
        workspace_pk(workspace_id),
        member_sk(user_id),
        workspace_id=workspace_id,
        user_id=user_id,
        role=role.value,
        joined_at=now,
        gsi1pk=mine_key(user_id),
        gsi1sk=f"{now}#{workspace_id}",
    )


def create_workspace(workspace: WorkspaceItem, owner: WorkspaceMemberItem) -> None:
    """The workspace, its first owner and its slug's guard, all or nothing (SlugTaken)."""
    guard = GuardItem(slug_pk(workspace.slug), GUARD, workspace_id=workspace.workspace_id)
    try:
        with transaction() as tx:
            tx.save(guard, condition=GuardItem.pk.does_not_exist())
            tx.save(workspace, condition=WorkspaceItem.pk.does_not_exist())
            tx.save(owner, condition=WorkspaceMemberItem.pk.does_not_exist())
    except TransactWriteError as error:
        if failed_at(error, 0):
            raise SlugTaken(workspace.slug) from error
        raise


def get_workspace(workspace_id: str) -> WorkspaceItem | None:
    try:
        return WorkspaceItem.get(workspace_pk(workspace_id), META)
    except DoesNotExist:
        return None


def get_member(workspace_id: str, user_id: str) -> WorkspaceMemberItem | None:
    try:
        return WorkspaceMemberItem.get(workspace_pk(workspace_id), member_sk(user_id))
    except DoesNotExist:
        return None


def workspaces_by_id(workspace_ids: list[str]) -> dict[str, WorkspaceItem]:
    keys = [(workspace_pk(wid), META) for wid in dict.fromkeys(workspace_ids)]
    return {ws.workspace_id: ws for ws in WorkspaceItem.batch_get(keys)} if keys else {}


def _counts(delta_members: int, delta_owners: int) -> list[Action]:
    actions: list[Action] = []
    if delta_members:
        actions.append(WorkspaceItem.member_count.add(delta_members))
    if delta_owners:
        actions.append(WorkspaceItem.owner_count.add(delta_owners))
    return actions


def _workspace_condition(*, cap: int | None = None, losing_owner: bool = False) -> Condition:
    condition = WorkspaceItem.pk.exists()
    if cap is not None:
        condition &= WorkspaceItem.member_count < cap
    if losing_owner:
        condition &= WorkspaceItem.owner_count > 1
    return condition


def add_member(member: WorkspaceMemberItem, cap: int) -> bool:
    """The member and the workspace's counts; False when already a member (nothing written),
    Refused when the workspace is gone or full."""
    try:
        with transaction() as tx:
            add_member_writes(tx, member, cap)
    except TransactWriteError as error:
        if failed_at(error, 0):
            return False
        if failed_at(error, 1):
            raise Refused(member.workspace_id) from error
        raise
    return True


def add_member_writes(tx: TransactWrite, member: WorkspaceMemberItem, cap: int) -> None:
    """``add_member``'s two writes inside a caller's transaction, in its order (the member,
    then the workspace's counts): an invitation's acceptance claims the invitation with them
    (decision 75)."""
    tx.save(member, condition=WorkspaceMemberItem.pk.does_not_exist())
    tx.update(
        WorkspaceItem(member.pk, META),
        actions=_counts(1, int(member.role == Role.OWNER)),
        condition=_workspace_condition(cap=cap),
    )


def change_role(member: WorkspaceMemberItem, role: Role) -> None:
    """The member's new role, on the condition that it is still the one read; the owner count
    follows, and an owner demoted needs another owner to stay (Refused)."""
    was_owner = member.role == Role.OWNER
    delta = int(role == Role.OWNER) - int(was_owner)
    try:
        with transaction() as tx:
            tx.update(
                WorkspaceMemberItem(member.pk, member.sk),
                actions=[WorkspaceMemberItem.role.set(role.value)],
                condition=WorkspaceMemberItem.role == member.role,
            )
            if delta:
                tx.update(
                    WorkspaceItem(member.pk, META),
                    actions=_counts(0, delta),
                    condition=_workspace_condition(losing_owner=delta < 0),
                )
    except TransactWriteError as error:
        if failed_at(error, 0) or failed_at(error, 1):
            raise Refused(member.workspace_id) from error
        raise
    member.role = role.value


def remove_member(member: WorkspaceMemberItem) -> None:
    """The member goes with the workspace's counts; an owner only while another stays."""
    was_owner = member.role == Role.OWNER
    try:
        with transaction() as tx:
            tx.delete(member, condition=WorkspaceMemberItem.role == member.role)
            tx.update(
                WorkspaceItem(member.pk, META),
                actions=_counts(-1, -int(was_owner)),
                condition=_workspace_condition(losing_owner=was_owner),
            )
    except TransactWriteError as error:
        if failed_at(error, 0) or failed_at(error, 1):
            raise Refused(member.workspace_id) from error
        raise


def update_workspace(
    workspace: WorkspaceItem, name: str | None, slug: str | None, now: str
) -> None:
    """A new name and/or slug; a new slug moves its guard in the same transaction, on the
    condition that the slug is still the one read (SlugTaken, Refused)."""
    actions: list[Action] = [WorkspaceItem.updated_at.set(now)]
    if name is not None:
        actions.append(WorkspaceItem.name.set(name))
    moving = slug is not None and slug != workspace.slug
    if slug is not None and moving:
        actions.append(WorkspaceItem.slug.set(slug))
    try:
        with transaction() as tx:
            tx.update(
                WorkspaceItem(workspace.pk, META),
                actions=actions,
                condition=WorkspaceItem.slug == workspace.slug,
            )
            if slug is not None and moving:
                new_guard = GuardItem(slug_pk(slug), GUARD, workspace_id=workspace.workspace_id)
                tx.save(new_guard, condition=GuardItem.pk.does_not_exist())
                tx.delete(GuardItem(slug_pk(workspace.slug), GUARD))
    except TransactWriteError as error:
        if failed_at(error, 1):
            raise SlugTaken(slug) from error
        if failed_at(error, 0):
            raise Refused(workspace.workspace_id) from error
        raise
    workspace.updated_at = now
    if name is not None:
        workspace.name = name
    if slug is not None:
        workspace.slug = slug


def delete_workspace(workspace: WorkspaceItem) -> bool:
    """The workspace and its slug's guard (False: already gone), then everything left in its
    partition (members, and whatever else a workspace keeps there: invitations)."""
    try:
        with transaction() as tx:
            tx.delete(workspace, condition=WorkspaceItem.pk.exists())
            tx.delete(GuardItem(slug_pk(workspace.slug), GUARD))
    except TransactWriteError as error:
        if failed_at(error, 0):
            return False
        raise
    found = Item.query(workspace.pk, attributes_to_get=["PK", "SK", "type"])
    with Item.batch_write() as batch:
        for item in found:
            batch.delete(item)
    return True


def query_members(
    workspace_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[WorkspaceMemberItem], dict[str, Any] | None]:
    """A page of a workspace's members, by user id."""
    return page(
        WorkspaceMemberItem.query(
            workspace_pk(workspace_id),
            WorkspaceMemberItem.sk.startswith(MEMBER_PREFIX),
            limit=limit,
            last_evaluated_key=start,
        )
    )


def query_mine(
    user_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[WorkspaceMemberItem], dict[str, Any] | None]:
    """A page of a person's memberships, oldest first."""
    return page(
        WorkspaceMemberItem.by_owner.query(mine_key(user_id), limit=limit, last_evaluated_key=start)
    )


def all_memberships(user_id: str) -> list[WorkspaceMemberItem]:
    return [
        member
        for member in WorkspaceMemberItem.by_owner.query(mine_key(user_id))
        if isinstance(member, WorkspaceMemberItem)
    ]


def count_owned(user_id: str) -> int:
    return WorkspaceMemberItem.by_owner.count(
        mine_key(user_id), filter_condition=WorkspaceMemberItem.role == Role.OWNER.value
    )
