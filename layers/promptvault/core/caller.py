"""Who is calling: set once per request by the entry, read by routes. Standard library only."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

from promptvault.core.errors import Unauthorized


@dataclass(frozen=True, slots=True)
class Caller:
    """A person (Cognito token: groups from ``cognito:groups``) or their API key (``key_id``
    and ``scopes`` set; a key never carries its owner's moderator or admin role)."""

    user_id: str
    groups: frozenset[str] = field(default_factory=frozenset)
    key_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    username: str | None = None  # set by the credential check (profile or key item)
    # the profile item the token check read (a Cognito token only), so a route that answers
    # with it reads it once; not part of the caller's identity
    profile: object | None = field(default=None, compare=False, repr=False)
    # the verified Cognito access token itself (a person's token only; None for an API key),
    # for the few routes that act on the person's Cognito user with it (changing the email
    # address: UpdateUserAttributes, VerifyUserAttribute); never logged, not part of identity
    access_token: str | None = field(default=None, compare=False, repr=False)

    @property
    def is_moderator(self) -> bool:
        return bool(self.groups & {"moderator", "admin"})

    @property
    def is_admin(self) -> bool:
        return "admin" in self.groups


_current: ContextVar[Caller | None] = ContextVar("caller", default=None)


def current_caller() -> Caller | None:
    return _current.get()


def require_caller() -> Caller:
    caller = _current.get()
    if caller is None:
        raise Unauthorized("Sign in to do this")
    return caller


def bind_caller(caller: Caller | None) -> object:
    return _current.set(caller)


def unbind_caller(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
