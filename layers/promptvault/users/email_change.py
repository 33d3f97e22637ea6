"""A change of the account's email address: asked for with the password, done with the code
Cognito emails to the new address (docs/identity.md, decision 56).

``request_change``: the password re-checked (Cognito InitiateAuth, as account deletion does),
the current address (422) and an address another account uses (409, the EMAIL# guard)
refused; then Cognito's UpdateUserAttributes with the person's own access token. The pool keeps
the old address (and sign-in with it) until the new one is verified, and Cognito sends its code
to the new one. The profile notes only the pending address and until when its code works
(``pendingEmail``, ``pendingEmailUntil``); ``email`` and the guards are unchanged.

``verify_change``: the pending address checked again (taken meanwhile: 409 and nothing
changes, the code unspent), Cognito's VerifyUserAttribute (a wrong or expired code: 400,
nothing changes), then one transaction: the profile's ``email`` becomes the new address (its
suppression, about the old address, cleared), the old guard goes and the new one is written
on the condition that no one has it; last, the unsubscribe links sent to the old address are
revoked (``email.preferences.revoke_links``). Notifications then go to the new address: the
notifier and the digest sender read the profile's ``email``.
"""

from __future__ import annotations

from datetime import timedelta

from promptvault.core.caller import Caller
from promptvault.core.clock import iso, now_iso, utcnow
from promptvault.core.errors import Conflict, Forbidden, InvalidCode, NotFound, field_error
from promptvault.data.models import UserItem
from promptvault.email import preferences as email_preferences
from promptvault.identity import accounts, directory
from promptvault.identity.pool import ATTRIBUTE_CODE_HOURS
from promptvault.identity.schemas import UserOut
from promptvault.users.schemas import EmailChangePending

_TAKEN = "That email is already in use"


def _taken() -> Conflict:
    return Conflict(_TAKEN, [{"field": "email", "message": "taken"}])


def _profile_of(caller: Caller) -> UserItem:
    # the credential check read it for a person's token (the only caller these routes take)
    found = caller.profile
    profile = found if isinstance(found, UserItem) else directory.get_profile(caller.user_id)
    if profile is None:
        raise NotFound("No profile for this account")
    return profile


def _access_token(caller: Caller) -> str:
    if not caller.access_token:  # an API key: the route's "session" scope refuses it first
        raise Forbidden("Sign in and use your access token to change your email address")
    return caller.access_token


def request_change(caller: Caller, email: str, password: str) -> EmailChangePending:
    token = _access_token(caller)
    profile = _profile_of(caller)
    new = email.strip().lower()
    if new == profile.email:
        raise field_error("email", "This is already the account's address")
    accounts.login(profile.email, password)  # re-authentication: a wrong password is 401
    if directory.email_in_use(new):
        raise _taken()
    accounts.change_email(token, new)  # Cognito sends its code to the new address
    until = iso(utcnow() + timedelta(hours=ATTRIBUTE_CODE_HOURS))
    directory.hold_pending_email(caller.user_id, new, until)
    return EmailChangePending(email=new)


def verify_change(caller: Caller, code: str) -> UserOut:
    token = _access_token(caller)
    profile = _profile_of(caller)
    new = profile.pending_email
    if not new or not profile.pending_email_until or profile.pending_email_until < now_iso():
        raise InvalidCode(
            "No change of address is waiting for a code: ask for a new one",
            [{"field": "code", "message": "nothing to verify"}],
        )
    if directory.email_in_use(new):  # someone signed up with it meanwhile
        raise _taken()
    accounts.verify_email(token, code)
    try:
        changed = directory.move_email(profile, new)
    except directory.Taken as taken:
        raise _taken() from taken
    except directory.Changed as changed_meanwhile:
        raise Conflict("The account changed meanwhile; try again") from changed_meanwhile
    email_preferences.revoke_links(caller.user_id)  # links in mail to the old address stop
    return accounts.account_out(changed)
