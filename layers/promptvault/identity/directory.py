"""The account directory: profile items and the guard items that keep usernames and emails
unique (one transaction keeps them in step).

A guard is ``USERNAME#<name>`` or ``EMAIL#<email>`` / ``GUARD``: without ``userId`` while a
sign-up is under way, with it once the profile exists. A deleted account's username guard
stays as a **hold**: no ``userId``, nothing but the name and ``expiresAt`` (the table's TTL
attribute), ``USERNAME_HOLD_DAYS`` after the deletion (30 by default). Until then a sign-up
with that name is refused as if it were taken, so no one else can pose as the departed
person at once; its email guard goes at once. Only holds carry ``expiresAt``; sign-up
compares it with now (TTL removal lags by up to days, and moto never removes anything).
"""

from __future__ import annotations

import re
from datetime import timedelta

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from promptvault.core.clock import utcnow
from promptvault.core.errors import NotFound
from promptvault.core.settings import get_settings
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
    """Both guards or neither; Taken names the field already in use (a username still held
    after an account's deletion counts as in use; one whose hold has ended is free)."""
    by_name, by_email = guards(username, email)
    free_name = GuardItem.pk.does_not_exist() | (GuardItem.expires_at < utcnow())
    try:
        with transaction() as tx:
            tx.save(by_name, condition=free_name)
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


def profiles_by_id(user_ids: list[str]) -> dict[str, UserItem]:
    """The profiles of these users that still exist, by id (one BatchGetItem per 100)."""
    keys = [(f"USER#{uid}", PROFILE) for uid in dict.fromkeys(user_ids)]
    return {
        item.user_id: item
        for item in (UserItem.batch_get(keys) if keys else ())
        if isinstance(item, UserItem)
    }


def user_id_by_email(email: str) -> str | None:
    """Whose account uses this address (its email guard, one GetItem); None for nobody."""
    try:
        guard = GuardItem.get(f"EMAIL#{email.strip().lower()}", GUARD)
    except DoesNotExist:
        return None
    return guard.user_id


def email_in_use(email: str) -> bool:
    """Whether an account, or a sign-up under way, has this address (its guard, one GetItem)."""
    try:
        GuardItem.get(f"EMAIL#{email.strip().lower()}", GUARD)
    except DoesNotExist:
        return False
    return True


def suppress_email(user_id: str, email: str, reason: str, at: str) -> bool:
    """Mark the profile's address suppressed, if the profile still has that address (one
    UpdateItem); False when there is no such profile or its address changed since."""
    try:
        UserItem(f"USER#{user_id}", PROFILE).update(
            actions=[
                UserItem.email_suppressed_at.set(at),
                UserItem.email_suppressed_reason.set(reason),
            ],
            condition=UserItem.pk.exists() & (UserItem.email == email),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def hold_pending_email(user_id: str, email: str, until: str) -> None:
    """Note the address a change waits to verify, and until when (one UpdateItem); NotFound
    when the profile is gone. ``email`` and the guards stay as they are."""
    try:
        UserItem(f"USER#{user_id}", PROFILE).update(
            actions=[UserItem.pending_email.set(email), UserItem.pending_email_until.set(until)],
            condition=UserItem.pk.exists(),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise NotFound("No profile for this account") from error
        raise


class Changed(Exception):
    """The profile is not as it was read (its address or pending change moved meanwhile)."""


def move_email(profile: UserItem, email: str) -> UserItem:
    """The account's address becomes ``email``, in one transaction: the profile (on the
    condition that its address and pending change are those read; the pending change and the
    old address's suppression go), the new address's guard (on the condition that no one has
    it: Taken) and the old one's deletion. The profile as now stored."""
    old_guard = GuardItem(f"EMAIL#{profile.email}", GUARD)
    new_guard = GuardItem(f"EMAIL#{email}", GUARD, user_id=profile.user_id)
    try:
        with transaction() as tx:
            tx.update(
                UserItem(f"USER#{profile.user_id}", PROFILE),
                actions=[
                    UserItem.email.set(email),
                    UserItem.pending_email.remove(),
                    UserItem.pending_email_until.remove(),
                    UserItem.email_suppressed_at.remove(),
                    UserItem.email_suppressed_reason.remove(),
                ],
                condition=(UserItem.email == profile.email) & (UserItem.pending_email == email),
            )
            tx.save(new_guard, condition=GuardItem.pk.does_not_exist())
            tx.delete(old_guard)
    except TransactWriteError as error:
        failed = failed_conditions(error)
        if 1 in failed:
            raise Taken("email") from error
        if failed:
            raise Changed() from error
        raise
    profile.email = email
    profile.pending_email = profile.pending_email_until = None
    profile.email_suppressed_at = profile.email_suppressed_reason = None
    return profile


def hold_period() -> timedelta:
    return timedelta(days=get_settings().username_hold_days)


def delete_profile(profile: UserItem) -> None:
    """The profile and the email guard go (the email is free at once); the username guard is
    replaced by its hold, in the same transaction."""
    by_name, by_email = guards(profile.username, profile.email)
    hold = GuardItem(by_name.pk, GUARD, expires_at=utcnow() + hold_period())
    with transaction() as tx:
        tx.delete(profile)
        tx.delete(by_email)
        tx.save(hold)


def user_id_of(username: str) -> str:
    """The user id behind a username; 404 for malformed, unknown or unclaimed names."""
    if not _USERNAME.match(username):
        raise NotFound(_NO_USER)
    try:
        guard = GuardItem.get(f"USERNAME#{username}", GUARD)
    except DoesNotExist as missing:
        raise NotFound(_NO_USER) from missing
    if not guard.user_id:
        raise NotFound(_NO_USER)  # reserved by an unfinished sign-up, or held after a deletion
    return guard.user_id


def user_ids_of(usernames: list[str]) -> dict[str, str]:
    """The user ids behind these usernames, by name: one BatchGetItem of their guards (per
    100); malformed, unknown, unclaimed and held names are left out."""
    names = [name for name in dict.fromkeys(usernames) if _USERNAME.match(name)]
    keys = [(f"USERNAME#{name}", GUARD) for name in names]
    found: dict[str, str] = {}
    for guard in GuardItem.batch_get(keys) if keys else ():
        if isinstance(guard, GuardItem) and guard.user_id:
            found[guard.pk.removeprefix("USERNAME#")] = guard.user_id
    return found


def profile_by_username(username: str) -> UserItem:
    profile = get_profile(user_id_of(username))
    if profile is None:
        raise NotFound(_NO_USER)
    return profile
