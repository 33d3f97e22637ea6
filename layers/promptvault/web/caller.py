"""Who is calling: set once per request by the entry, read by routes. Standard library only."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

from promptvault.errors import Unauthorized


@dataclass(frozen=True, slots=True)
class Caller:
    user_id: str
    groups: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_moderator(self) -> bool:
        return bool(self.groups & {"moderator", "admin"})


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
