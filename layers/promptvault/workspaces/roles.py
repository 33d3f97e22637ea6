"""Workspace roles and what each may do (issue 14, docs/workspaces.md, decision 73).

owner > admin > editor > viewer: each role may do what the ones below it may. Kernel-level:
no imports from the layer, so invitations, workspace prompts and the audit log can use it.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANKS = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3, Role.OWNER: 4}


class Action(StrEnum):
    """What a member may be allowed to do in a workspace."""

    READ = "read"  # the workspace, its members, its prompts
    EDIT_PROMPTS = "edit-prompts"  # create and edit prompts, move labels
    MANAGE_MEMBERS = "manage-members"  # invite, change roles below owner, remove members
    MANAGE_SETTINGS = "manage-settings"  # rename, change the slug; keys and webhooks
    READ_AUDIT = "read-audit"
    MANAGE_OWNERS = "manage-owners"  # grant or revoke the owner role
    DELETE_WORKSPACE = "delete-workspace"


# the least role allowed each action
_LEAST: dict[Action, Role] = {
    Action.READ: Role.VIEWER,
    Action.EDIT_PROMPTS: Role.EDITOR,
    Action.MANAGE_MEMBERS: Role.ADMIN,
    Action.MANAGE_SETTINGS: Role.ADMIN,
    Action.READ_AUDIT: Role.ADMIN,
    Action.MANAGE_OWNERS: Role.OWNER,
    Action.DELETE_WORKSPACE: Role.OWNER,
}


def can(role: Role | None, action: Action) -> bool:
    """Whether a member with ``role`` (None: not a member) may do ``action``."""
    return role is not None and role.at_least(_LEAST[action])
