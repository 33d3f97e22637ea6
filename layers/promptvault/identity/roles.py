"""Roles are Cognito groups (user, moderator, admin): tokens carry them as ``cognito:groups``.

Only admins change roles. A role is exclusive here: setting one removes the others, so the
token's groups say exactly one thing. The change shows in the user's next token (at most an
access-token lifetime later; they can refresh at once).
"""

from __future__ import annotations

from typing import Any

from promptvault.core import aws
from promptvault.core.caller import Caller
from promptvault.core.errors import Forbidden, NotFound
from promptvault.core.settings import get_settings
from promptvault.identity.directory import profile_by_username
from promptvault.identity.pool import GROUPS

ROLE_GROUPS = ("moderator", "admin")  # "user" is everyone; its group is kept for completeness


def _cognito() -> Any:
    return aws.client("cognito-idp")


def set_role(caller: Caller, username: str, role: str) -> str:
    if not caller.is_admin:
        raise Forbidden("Only admins can change roles")
    profile = profile_by_username(username)
    pool = get_settings().user_pool_id
    cognito = _cognito()
    try:
        listed = cognito.admin_list_groups_for_user(UserPoolId=pool, Username=profile.email)
    except cognito.exceptions.UserNotFoundException as missing:
        raise NotFound("No user with that username") from missing
    current = {group["GroupName"] for group in listed.get("Groups", [])}
    for group in sorted(current & set(GROUPS) - {role}):
        cognito.admin_remove_user_from_group(
            UserPoolId=pool, Username=profile.email, GroupName=group
        )
    if role not in current:
        cognito.admin_add_user_to_group(UserPoolId=pool, Username=profile.email, GroupName=role)
    return role
