"""The account directory: profile items and the guard items that keep usernames and emails
unique (one transaction keeps them in step)."""

from __future__ import annotations

import re

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from promptvault.core.errors import NotFound
from promptvault.data.models import GuardItem, UserItem
from promptvault.data.transactions import failed_conditions, transaction

PROFILE = "PROFILE"
_USERNAME = re.compile(r"^[a-z0-9_-]{3,30}$")
_NO_USER = "No user with that username"
GUARD = "GUARD"


class Taken(Exception):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def guards(username: str, email: str) -> tuple[GuardItem, GuardItem]:
    return GuardItem(f"USERNAME#{username}", GUARD), GuardItem(f"EMAIL#{email}", GUARD)


def reserve(username: str, email: str) -> None:
    """Both guards or neither; Taken names the field already in use."""
    by_name, by_email = guards(username, email)
    try:
        with transaction() as tx:
            tx.save(by_name, condition=GuardItem.pk.does_not_exist())
            tx.save(by_email, condition=GuardItem.pk.does_not_exist())
    except TransactWriteError as error:
        failed = failed_conditions(error)
        if failed:
            raise Taken("username" if failed[0] == 0 else "email") from error
        raise


def release(username: str, email: str) -> None:
    with transaction() as tx:
        for guard in guards(username, email):
            tx.delete(guard)


def create_profile(profile: UserItem, username: str, email: str) -> None:
    """The profile, and the guards now pointing at the user, in one transaction."""
    with transaction() as tx:
        tx.save(profile, condition=UserItem.pk.does_not_exist())
        for guard in guards(username, email):
            guard.user_id = profile.user_id
            tx.save(guard)


def get_profile(user_id: str) -> UserItem | None:
    try:
        return UserItem.get(f"USER#{user_id}", PROFILE)
    except DoesNotExist:
        return None


def delete_profile(profile: UserItem) -> None:
    """The profile and both its guards, together (the username and email are free at once)."""
    with transaction() as tx:
        tx.delete(profile)
        for guard in guards(profile.username, profile.email):
            tx.delete(guard)


def user_id_of(username: str) -> str:
    """The user id behind a username; 404 for malformed, unknown or unclaimed names."""
    if not _USERNAME.match(username):
        raise NotFound(_NO_USER)
    try:
        guard = GuardItem.get(f"USERNAME#{username}", GUARD)
    except DoesNotExist as missing:
        raise NotFound(_NO_USER) from missing
    if not guard.user_id:
        raise NotFound(_NO_USER)  # reserved by a sign-up that has not finished
    return guard.user_id


def profile_by_username(username: str) -> UserItem:
    profile = get_profile(user_id_of(username))
    if profile is None:
        raise NotFound(_NO_USER)
    return profile
