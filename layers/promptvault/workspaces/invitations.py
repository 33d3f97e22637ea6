"""Invitations to a team workspace by email (issue 14, docs/workspaces.md, decisions 74, 75).

An admin or owner invites an address with a role; the address gets one email with a link
that works once, for 7 days. The token is ``pvi_`` + the workspace id's hex + the
invitation id's hex + 256 random bits: the ids say where to look, the secret opens, and only
its SHA-256 is stored. One live invitation per workspace and address (a second is 409: revoke
the first). Accepting needs a person signed in with the invited address; it claims the
invitation and adds the member in one transaction, so it happens exactly once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from promptvault.core.caller import Caller
from promptvault.core.clock import iso, utcnow
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.errors import (
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    PersonalWorkspace,
)
from promptvault.core.settings import get_settings
from promptvault.data.models import InvitationItem, UserItem
from promptvault.identity import directory
from promptvault.workspaces import invitation_repository as repo
from promptvault.workspaces import service
from promptvault.workspaces.invitation_schemas import MAX_PENDING, InvitationCreate
from promptvault.workspaces.roles import Action, Role, can
from promptvault.workspaces.schemas import MAX_MEMBERS

LIFETIME = timedelta(days=7)
KEPT_AFTER_END = timedelta(days=30)  # an ended invitation answers 410 this long, then 404
ACCEPT_PATH = "/v1/invitations/{token}/accept"
_PREFIX = "pvi_"
_TOKEN = re.compile(r"^pvi_([0-9a-f]{32})([0-9a-f]{32})([A-Za-z0-9_-]{43})$")
_INVITATION_ID = re.compile(r"^iv_[0-9a-f]{32}$")
_NO_WORKSPACE = "No workspace with that id"
_NO_INVITATION = "No invitation with that id"
_NO_TOKEN = "No invitation with that token"
_PERSONAL = "A personal workspace has exactly one member, its person: invite to a team workspace"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_invitation_id(moment: datetime) -> str:
    """``iv_`` + 12 hex digits of the creation time in ms + 80 random bits."""
    return f"iv_{int(moment.timestamp() * 1000):012x}{secrets.token_hex(10)}"


def status_of(invitation: InvitationItem, now: str) -> str:
    if invitation.status == "pending" and invitation.ends_at <= now:
        return "expired"
    return invitation.status


def link_of(token: str) -> str:
    return f"{get_settings().public_url}{ACCEPT_PATH.format(token=token)}"


def _managed(caller: Caller, workspace_id: str) -> Role:
    """The caller's role where they manage members (admins and owners): non-members 404,
    other members 403, one's personal workspace 409."""
    if workspace_id == service.personal_id(caller.user_id):
        raise PersonalWorkspace(_PERSONAL)
    role = service.membership(workspace_id, caller.user_id)
    if role is None:
        raise NotFound(_NO_WORKSPACE)
    if not can(role, Action.MANAGE_MEMBERS):
        raise Forbidden("Only the workspace's admins and owners manage its invitations")
    return role


def _profile(caller: Caller) -> UserItem:
    if isinstance(caller.profile, UserItem):
        return caller.profile
    profile = directory.get_profile(caller.user_id)
    if profile is None:
        raise NotFound("No profile for this account")
    return profile


def _check_invitee(workspace_id: str, email: str) -> None:
    """An address that is already a member's, or that SES reported (bounce, complaint), is
    not invited: nothing would arrive, or nothing is needed."""
    user_id = directory.user_id_by_email(email)
    if user_id is None:
        return
    if service.membership(workspace_id, user_id) is not None:
        raise Conflict("The account with this address is a member of the workspace already")
    profile = directory.get_profile(user_id)
    if profile is not None and profile.email_suppressed_at and profile.email == email:
        raise Conflict(
            "Email to this address bounced or was marked as spam, so none is sent to it; "
            "ask them to change their account's address first"
        )


def _expiry_words(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def create_invitation(caller: Caller, workspace_id: str, body: InvitationCreate) -> InvitationItem:
    """A pending invitation, and its one email (decision 74)."""
    workspace = service.get_workspace(caller, workspace_id)  # 404 for non-members
    if workspace.personal:
        raise PersonalWorkspace(_PERSONAL)
    if not can(workspace.role, Action.MANAGE_MEMBERS):
        raise Forbidden("Only the workspace's admins and owners invite people")
    role = Role(body.role)
    if role == Role.OWNER and not can(workspace.role, Action.MANAGE_OWNERS):
        raise Forbidden("Only an owner invites someone as an owner")
    email = str(body.email).strip().lower()
    _check_invitee(workspace_id, email)
    moment = utcnow()
    now, ends = iso(moment), moment + LIFETIME
    if repo.count_pending(workspace_id, now) >= MAX_PENDING:
        raise Conflict(f"At most {MAX_PENDING} pending invitations per workspace; revoke one")
    invitation_id, secret = _new_invitation_id(moment), secrets.token_urlsafe(32)
    invitation = repo.new_invitation(
        workspace_id,
        invitation_id,
        email,
        role.value,
        caller.user_id,
        _digest(secret),
        now,
        iso(ends),
        ends + KEPT_AFTER_END,
    )
    try:
        repo.put_invitation(invitation, now)
    except repo.Taken as taken:
        raise Conflict(
            "This address has a pending invitation to the workspace already; revoke it to "
            "send a new one"
        ) from taken
    token = f"{_PREFIX}{workspace_id.removeprefix('ws_')}{invitation_id.removeprefix('iv_')}"
    _send(caller, workspace.name, invitation, link_of(f"{token}{secret}"), ends)
    return invitation


def prepare_email() -> None:
    """The invitation's templates compiled and jinja2 loaded now: the inviting function's
    init (decision 2), so its first request renders at once."""
    from promptvault.email import compose

    compose.prepare(f"{compose.INVITATION}.txt", f"{compose.INVITATION}.html")


def _send(
    caller: Caller, workspace: str, invitation: InvitationItem, link: str, ends: datetime
) -> None:
    from promptvault.email import compose, sender  # jinja2 only where an email is composed

    profile = caller.profile if isinstance(caller.profile, UserItem) else None
    inviter = (profile.display_name if profile else None) or caller.username or "A member"
    email = compose.invitation_email(
        inviter, workspace, invitation.role, invitation.email, link, _expiry_words(ends)
    )
    # a failed send raises (500) and leaves the invitation pending: listed, to be revoked
    # and made again (decision 74)
    sender.send(invitation.email, email)


def list_invitations(
    caller: Caller, workspace_id: str, cursor: str | None, limit: int
) -> tuple[list[InvitationItem], dict[str, Any]]:
    """The pending invitations that have not expired, newest first (admins and owners)."""
    _managed(caller, workspace_id)
    scope = f"invitations:{workspace_id}"
    start = decode_cursor(cursor, scope)
    found, last = repo.query_pending(workspace_id, iso(utcnow()), limit, start)
    return found, page_meta(last, scope)


def revoke_invitation(caller: Caller, workspace_id: str, invitation_id: str) -> None:
    """The link answers 410 from now on. Revoking a revoked or expired invitation changes
    nothing; an accepted one is 409 (remove the member instead)."""
    _managed(caller, workspace_id)
    invitation = (
        repo.get_invitation(workspace_id, invitation_id)
        if _INVITATION_ID.match(invitation_id)
        else None
    )
    if invitation is None:
        raise NotFound(_NO_INVITATION)
    moment = utcnow()
    if status_of(invitation, iso(moment)) == "pending":
        try:
            repo.revoke(invitation, iso(moment), moment + KEPT_AFTER_END)
            return
        except repo.Claimed:
            invitation = repo.get_invitation(workspace_id, invitation_id) or invitation
    if invitation.status == "accepted":
        raise Conflict("This invitation was accepted: remove the member instead")


@dataclass(frozen=True, slots=True)
class Accepted:
    workspace: service.Workspace
    invitation: InvitationItem


def _ended(invitation: InvitationItem, now: str) -> Gone:
    words = {"accepted": "was used already", "revoked": "was revoked", "expired": "has expired"}
    return Gone(f"This invitation {words.get(status_of(invitation, now), 'has ended')}")


def accept_invitation(caller: Caller, token: str) -> Accepted:
    """Join the workspace with the invited role (decision 75): 404 for a token that names no
    invitation, 410 for one used, revoked or expired (or whose workspace is gone), 403 when
    the signed-in account's address is not the invited one. Nothing changes on a refusal."""
    found = _TOKEN.match(token)
    if found is None:
        raise NotFound(_NO_TOKEN)
    workspace_id, invitation_id = f"ws_{found[1]}", f"iv_{found[2]}"
    invitation, workspace = repo.invitation_and_workspace(workspace_id, invitation_id)
    if invitation is None or not secrets.compare_digest(invitation.token_hash, _digest(found[3])):
        raise NotFound(_NO_TOKEN)
    moment = utcnow()
    now = iso(moment)
    if status_of(invitation, now) != "pending":
        raise _ended(invitation, now)
    if _profile(caller).email.lower() != invitation.email:
        raise Forbidden(
            "This invitation was sent to another address: sign in with the account that has it"
        )
    if workspace is None:
        raise Gone("The workspace of this invitation no longer exists")
    try:
        repo.accept(invitation, caller.user_id, now, moment + KEPT_AFTER_END, MAX_MEMBERS)
    except repo.Claimed as claimed:  # a racing accept or revocation got there first
        raise Gone("This invitation was used, revoked or has expired meanwhile") from claimed
    except repo.AlreadyMember as member:
        raise Conflict(
            "You are a member of this workspace already; the invitation stays unused"
        ) from member
    except repo.WorkspaceRefused as refused:
        if workspace.member_count >= MAX_MEMBERS:
            raise Conflict(f"The workspace has {MAX_MEMBERS} members, its most") from refused
        raise Gone("The workspace of this invitation no longer exists") from refused
    joined = service.Workspace(
        workspace.workspace_id,
        workspace.name,
        workspace.slug,
        False,
        Role(invitation.role),
        workspace.member_count + 1,
        workspace.created_at,
        workspace.updated_at,
    )
    return Accepted(joined, invitation)
