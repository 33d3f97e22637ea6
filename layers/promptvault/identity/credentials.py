"""The one authorisation path: ``Authorization: Bearer <credential>`` to a Caller.

``pv_…`` is a personal API key (one GetItem by key id, hash compared); anything else must be
a Cognito access token (signature, expiry, issuer, client; groups from ``cognito:groups``)
whose account still exists (one GetItem of the profile, which also names the user), so a
deleted user's unexpired token is refused at once. The same code runs behind the local
gateway and on AWS.
"""

from __future__ import annotations

from dataclasses import replace

from promptvault.catalogue import Route
from promptvault.core.caller import Caller
from promptvault.core.errors import Forbidden, Unauthorized
from promptvault.identity import apikeys
from promptvault.identity.directory import get_profile
from promptvault.identity.tokens import caller_from_token

_USAGE = "Use 'Authorization: Bearer <accessToken or API key>'"


def authenticate(header: str) -> Caller:
    scheme, _, credential = header.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        raise Unauthorized(_USAGE)
    if credential.startswith(apikeys.PREFIX):
        return apikeys.caller_from_key(credential)
    caller = caller_from_token(credential)
    profile = get_profile(caller.user_id)
    if profile is None:  # the account was deleted: its unexpired token is refused
        raise Unauthorized("The access token is not valid")
    return replace(caller, username=profile.username, profile=profile, access_token=credential)


def permit(route: Route, caller: Caller) -> None:
    """An API key may call a route only within its scopes; a person's token may call any."""
    if caller.key_id is None:
        return
    needed = route.key_scope
    if needed == "session":
        raise Forbidden("API keys cannot do this; sign in and use your access token")
    if needed not in caller.scopes:
        raise Forbidden(f"This API key lacks the '{needed}' scope")
