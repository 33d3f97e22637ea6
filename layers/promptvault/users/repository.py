"""User profiles and the guard items that keep usernames and emails unique."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from promptvault.data.models import GuardItem, Item, UserItem

PROFILE = "PROFILE"
GUARD = "GUARD"


class Taken(Exception):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _tx() -> TransactWrite:
    return TransactWrite(connection=Item._get_connection().connection)


def _guards(username: str, email: str) -> tuple[GuardItem, GuardItem]:
    return GuardItem(f"USERNAME#{username}", GUARD), GuardItem(f"EMAIL#{email}", GUARD)


def reserve(username: str, email: str) -> None:
    """Both guards or neither; Taken names the field already in use."""
    by_name, by_email = _guards(username, email)
    try:
        with _tx() as tx:
            tx.save(by_name, condition=GuardItem.pk.does_not_exist())
            tx.save(by_email, condition=GuardItem.pk.does_not_exist())
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        failed = [
            i for i, r in enumerate(reasons) if r is not None and r.code == "ConditionalCheckFailed"
        ]
        if failed:
            raise Taken("username" if failed[0] == 0 else "email") from error
        raise


def release(username: str, email: str) -> None:
    with _tx() as tx:
        for guard in _guards(username, email):
            tx.delete(guard)


def create_profile(profile: UserItem, username: str, email: str) -> None:
    """The profile, and the guards now pointing at the user, in one transaction."""
    with _tx() as tx:
        tx.save(profile, condition=UserItem.pk.does_not_exist())
        for guard in _guards(username, email):
            guard.user_id = profile.user_id
            tx.save(guard)


def get_profile(user_id: str) -> UserItem | None:
    try:
        return UserItem.get(f"USER#{user_id}", PROFILE)
    except DoesNotExist:
        return None


def add_reputation(user_id: str, delta: int) -> None:
    """The counters consumer's reputation update, alone: ADD on an existing profile only
    (the consumer makes it through its exactly-once protocol; tests and operators use this)."""
    UserItem(f"USER#{user_id}", PROFILE).update(
        actions=[UserItem.reputation.add(delta)], condition=UserItem.pk.exists()
    )
