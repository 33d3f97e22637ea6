"""Workspace rules (issue 14, docs/workspaces.md, decisions 72 and 73).

Every person has a personal workspace, ``ws_<userId>``, derived rather than stored: its
person is its one member and owner, it has no slug, and it is never renamed, deleted or
shared. Team workspaces are stored; their members have roles (``roles.py``). A workspace the
caller is not a member of is 404, never 403, so ids do not leak; a member whose role is too
low is 403. The last owner of a team workspace can neither leave nor be demoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from promptvault.core.caller import Caller
from promptvault.core.clock import now_iso
from promptvault.core.cursors import decode_cursor, encode_cursor, page_meta
from promptvault.core.errors import (
    Conflict,
    Forbidden,
    LastOwner,
    NotFound,
    PersonalWorkspace,
    SlugTaken,
)
from promptvault.core.ids import new_id
from promptvault.data.models import UserItem, WorkspaceItem, WorkspaceMemberItem
from promptvault.identity import directory
from promptvault.workspaces import invitation_repository
from promptvault.workspaces import repository as repo
from promptvault.workspaces.roles import Action, Role, can
from promptvault.workspaces.schemas import (
    MAX_MEMBERS,
    MAX_OWNED,
    WorkspaceCreate,
    WorkspaceUpdate,
)

_TEAM_ID = re.compile(r"^ws_[0-9a-f]{32}$")
_USER_ID = re.compile(r"^[0-9A-Za-z-]{1,64}$")  # a Cognito sub; nothing else is read
PERSONAL_PREFIX = "ws_"
PERSONAL_NAME = "Personal"
_NOT_FOUND = "No workspace with that id"
_NO_MEMBER = "No member with that id in this workspace"
_PERSONAL = "A personal workspace has exactly one member, its person, and cannot be changed"
_START = {"from": "personal"}  # a cursor's payload: the team workspaces from the first


@dataclass(frozen=True, slots=True)
class Workspace:
    """A workspace as one member sees it."""

    id: str
    name: str
    slug: str | None
    personal: bool
    role: Role
    member_count: int
    created_at: str
    updated_at: str


def personal_id(user_id: str) -> str:
    return f"{PERSONAL_PREFIX}{user_id}"


def is_team_id(workspace_id: str) -> bool:
    return bool(_TEAM_ID.match(workspace_id))


def _personal_of(workspace_id: str) -> str | None:
    """The person whose personal workspace the id names (None: a team id, or malformed)."""
    if is_team_id(workspace_id) or not workspace_id.startswith(PERSONAL_PREFIX):
        return None
    user_id = workspace_id.removeprefix(PERSONAL_PREFIX)
    return user_id if _USER_ID.match(user_id) else None


# --- the functions other domains call (invitations, workspace prompts, audit) ---------------


def membership(workspace_id: str, user_id: str) -> Role | None:
    """The person's role in the workspace; None when not a member (or no such workspace)."""
    if workspace_id == personal_id(user_id):
        return Role.OWNER
    if not is_team_id(workspace_id) or not _USER_ID.match(user_id):
        return None
    member = repo.get_member(workspace_id, user_id)
    return Role(member.role) if member is not None else None


def add_member(workspace_id: str, user_id: str, role: Role, *, invited_by: str) -> None:
    """The person joins with ``role``; already a member (with any role): nothing changes.
    Conflict when the workspace is gone (or personal), or full. ``invited_by`` is for the
    audit record; the member item does not keep it (decision 72)."""
    if not is_team_id(workspace_id):
        raise (
            PersonalWorkspace(_PERSONAL)
            if _personal_of(workspace_id)
            else Conflict("The workspace is gone")
        )
    member = repo.new_member(workspace_id, user_id, role, now_iso())
    try:
        repo.add_member(member, MAX_MEMBERS)
    except repo.Refused as refused:
        if repo.get_workspace(workspace_id) is None:
            raise Conflict("The workspace is gone") from refused
        raise Conflict(f"At most {MAX_MEMBERS} members per workspace") from refused


# --- reading ---------------------------------------------------------------------------------


def _profile(caller: Caller) -> UserItem:
    if isinstance(caller.profile, UserItem):
        return caller.profile
    profile = directory.get_profile(caller.user_id)
    if profile is None:
        raise NotFound("No profile for this account")
    return profile


def _personal(caller: Caller) -> Workspace:
    since = _profile(caller).created_at
    return Workspace(
        personal_id(caller.user_id), PERSONAL_NAME, None, True, Role.OWNER, 1, since, since
    )


def _team(workspace: WorkspaceItem, role: Role) -> Workspace:
    return Workspace(
        workspace.workspace_id,
        workspace.name,
        workspace.slug,
        False,
        role,
        workspace.member_count,
        workspace.created_at,
        workspace.updated_at,
    )


def _member_of(workspace_id: str, caller: Caller) -> WorkspaceMemberItem:
    """The caller's own member item in a team workspace: 404 when not a member."""
    member = repo.get_member(workspace_id, caller.user_id) if is_team_id(workspace_id) else None
    if member is None:
        raise NotFound(_NOT_FOUND)
    return member


def _team_of(workspace_id: str, caller: Caller) -> tuple[WorkspaceMemberItem, WorkspaceItem]:
    member = _member_of(workspace_id, caller)
    workspace = repo.get_workspace(workspace_id)
    if workspace is None:
        raise NotFound(_NOT_FOUND)
    return member, workspace


def _refuse_personal(workspace_id: str, caller: Caller) -> None:
    """The caller's own personal workspace: 409; anyone else's: 404."""
    if workspace_id == personal_id(caller.user_id):
        raise PersonalWorkspace(_PERSONAL)
    if not is_team_id(workspace_id):
        raise NotFound(_NOT_FOUND)


def _require(role: Role, action: Action, message: str) -> None:
    if not can(role, action):
        raise Forbidden(message)


def get_workspace(caller: Caller, workspace_id: str) -> Workspace:
    if workspace_id == personal_id(caller.user_id):
        return _personal(caller)
    member, workspace = _team_of(workspace_id, caller)
    return _team(workspace, Role(member.role))


def my_workspaces(
    caller: Caller, cursor: str | None, limit: int
) -> tuple[list[Workspace], dict[str, Any]]:
    """The personal workspace first, then the team ones in the order joined."""
    scope = f"my-workspaces:{caller.user_id}"
    start = decode_cursor(cursor, scope)
    shown: list[Workspace] = []
    room = limit
    if cursor is None:
        shown.append(_personal(caller))
        room -= 1
        if room == 0:
            return shown, {"nextCursor": encode_cursor(_START, scope), "hasMore": True}
    members, last = repo.query_mine(caller.user_id, room, None if start == _START else start)
    found = repo.workspaces_by_id([member.workspace_id for member in members])
    shown += [
        _team(found[member.workspace_id], Role(member.role))
        for member in members
        if member.workspace_id in found
    ]
    return shown, page_meta(last, scope)


def members(
    caller: Caller, workspace_id: str, cursor: str | None, limit: int
) -> tuple[list[WorkspaceMemberItem], dict[str, Any]]:
    """A page of the members, by user id (members only)."""
    if workspace_id == personal_id(caller.user_id):
        since = _profile(caller).created_at
        return [repo.new_member(workspace_id, caller.user_id, Role.OWNER, since)], page_meta(
            None, ""
        )
    _member_of(workspace_id, caller)
    scope = f"workspace-members:{workspace_id}"
    found, last = repo.query_members(workspace_id, limit, decode_cursor(cursor, scope))
    return found, page_meta(last, scope)


# --- writing ---------------------------------------------------------------------------------


def create_workspace(caller: Caller, body: WorkspaceCreate) -> Workspace:
    """A team workspace whose owner is the caller; the slug unique across the product."""
    if repo.count_owned(caller.user_id) >= MAX_OWNED:
        raise Conflict(f"At most {MAX_OWNED} workspaces owned per person; delete one first")
    now = now_iso()
    workspace_id = new_id("ws")
    workspace = WorkspaceItem(
        repo.workspace_pk(workspace_id),
        "META",
        workspace_id=workspace_id,
        name=body.name,
        slug=body.slug,
        member_count=1,
        owner_count=1,
        created_at=now,
        updated_at=now,
    )
    owner = repo.new_member(workspace_id, caller.user_id, Role.OWNER, now)
    try:
        repo.create_workspace(workspace, owner)
    except repo.SlugTaken as taken:
        raise _slug_taken() from taken
    return _team(workspace, Role.OWNER)


def _slug_taken() -> SlugTaken:
    return SlugTaken(
        "Another workspace has that slug", [{"field": "slug", "message": "already taken"}]
    )


def update_workspace(caller: Caller, workspace_id: str, body: WorkspaceUpdate) -> Workspace:
    """A new name or slug (admins and owners)."""
    _refuse_personal(workspace_id, caller)
    member, workspace = _team_of(workspace_id, caller)
    role = Role(member.role)
    _require(role, Action.MANAGE_SETTINGS, "Only the workspace's admins and owners may edit it")
    try:
        repo.update_workspace(workspace, body.name, body.slug, now_iso())
    except repo.SlugTaken as taken:
        raise _slug_taken() from taken
    except repo.Refused as refused:
        raise Conflict("The workspace changed meanwhile; try again") from refused
    return _team(workspace, role)


def delete_workspace(caller: Caller, workspace_id: str) -> None:
    """Owners only; its members go with it."""
    _refuse_personal(workspace_id, caller)
    member, workspace = _team_of(workspace_id, caller)
    _require(Role(member.role), Action.DELETE_WORKSPACE, "Only an owner may delete a workspace")
    if not repo.delete_workspace(workspace):
        raise NotFound(_NOT_FOUND)


def _target(workspace_id: str, user_id: str, caller: WorkspaceMemberItem) -> WorkspaceMemberItem:
    if user_id == caller.user_id:
        return caller
    target = repo.get_member(workspace_id, user_id) if _USER_ID.match(user_id) else None
    if target is None:
        raise NotFound(_NO_MEMBER)
    return target


def _last_owner(target: WorkspaceMemberItem) -> Conflict:
    """Why a member change's transaction was refused: an owner leaving or demoted needs
    another owner to stay; anything else is a change made meanwhile."""
    if target.role == Role.OWNER:
        return LastOwner("A workspace keeps at least one owner: make another member owner first")
    return Conflict("The member changed meanwhile; try again")


def set_role(caller: Caller, workspace_id: str, user_id: str, role: Role) -> WorkspaceMemberItem:
    """Admins manage members below owner; only owners grant or revoke owner."""
    _refuse_personal(workspace_id, caller)
    me = _member_of(workspace_id, caller)
    mine = Role(me.role)
    _require(mine, Action.MANAGE_MEMBERS, "Only the workspace's admins and owners manage members")
    target = _target(workspace_id, user_id, me)
    if Role.OWNER in (Role(target.role), role):
        _require(mine, Action.MANAGE_OWNERS, "Only an owner grants or revokes the owner role")
    if target.role == role:
        return target
    try:
        repo.change_role(target, role)
    except repo.Refused as refused:
        raise _last_owner(target) from refused
    return target


def remove_member(caller: Caller, workspace_id: str, user_id: str) -> None:
    """Anyone may leave; admins remove others below owner, owners anyone."""
    _refuse_personal(workspace_id, caller)
    me = _member_of(workspace_id, caller)
    target = _target(workspace_id, user_id, me)
    if target is not me:
        mine = Role(me.role)
        _require(mine, Action.MANAGE_MEMBERS, "Only admins and owners remove other members")
        if target.role == Role.OWNER:
            _require(mine, Action.MANAGE_OWNERS, "Only an owner removes another owner")
    try:
        repo.remove_member(target)
    except repo.Refused as refused:
        raise _last_owner(target) from refused


# --- account deletion (decision 73) ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Departure:
    """A person's memberships, read once before their account is deleted, and the team
    workspaces they are the only member of (they go with the account)."""

    memberships: list[WorkspaceMemberItem]
    alone: dict[str, WorkspaceItem]


def prepare_departure(user_id: str) -> Departure:
    """409 ``LAST_OWNER`` while the person is the last owner of a team workspace that has
    other members: ownership must move first. One Query (GSI1), and one BatchGetItem of the
    workspaces they own, if any."""
    mine = repo.all_memberships(user_id)
    owned = [member.workspace_id for member in mine if member.role == Role.OWNER]
    found = repo.workspaces_by_id(owned)
    last = [found[wid] for wid in owned if wid in found and found[wid].owner_count <= 1]
    shared = sorted(workspace.slug for workspace in last if workspace.member_count > 1)
    if shared:
        raise LastOwner(
            f"You are the last owner of {', '.join(shared)}: make another member owner, or "
            "delete the workspace, before deleting your account"
        )
    return Departure(mine, {workspace.workspace_id: workspace for workspace in last})


def forget(departure: Departure) -> int:
    """Every membership goes; a team workspace the person was the only member of goes whole."""
    count = 0
    for member in departure.memberships:
        workspace = departure.alone.get(member.workspace_id)
        if workspace is not None:
            count += repo.delete_workspace(workspace)
            continue
        try:
            repo.remove_member(member)
        except repo.Refused as refused:  # made last owner meanwhile: the person may retry
            raise _last_owner(member) from refused
        count += 1 + invitation_repository.forget_person(member.workspace_id, member.user_id)
    return count
