"""The notification preferences item (PK=USER#<uid>, SK=NOTIFYPREFS): read, written on the
revision read, deleted with the account. The only module that builds pynamodb calls for it.

Every write puts the whole item with ``revision`` one higher, on the condition that the
revision is still the one read (0: no item yet), so two writers never lose each other's
change and no write ever puts back an epoch that revoke_links moved on.
"""

from __future__ import annotations

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, TransactWriteError
from pynamodb.expressions.condition import Condition

from promptvault.data.models import NOTIFY_PREFS, NotificationPrefsItem, UserItem
from promptvault.data.transactions import failed_at, transaction

# identity/directory.py's profile sort key; not imported from there, as identity will call
# this domain (revoke_links when an account's email address changes)
_PROFILE = "PROFILE"


class Changed(Exception):
    """Another write got in since the item was read."""


class AccountGone(Exception):
    """The account's profile no longer exists."""


def _pk(user_id: str) -> str:
    return f"USER#{user_id}"


def get(user_id: str) -> NotificationPrefsItem | None:
    try:
        return NotificationPrefsItem.get(_pk(user_id), NOTIFY_PREFS)
    except DoesNotExist:
        return None


def new_item(
    user_id: str, by_type: dict[str, dict[str, object]], epoch: int, revision: int
) -> NotificationPrefsItem:
    return NotificationPrefsItem(
        _pk(user_id),
        NOTIFY_PREFS,
        user_id=user_id,
        by_type=by_type,
        token_epoch=epoch,
        revision=revision,
    )


def _unchanged(read_revision: int, epoch: int | None = None) -> Condition:
    if read_revision == 0:
        return NotificationPrefsItem.pk.does_not_exist()
    condition: Condition = NotificationPrefsItem.revision == read_revision
    if epoch is not None:
        condition &= NotificationPrefsItem.token_epoch == epoch
    return condition


def save(item: NotificationPrefsItem, read_revision: int) -> None:
    """One conditional PutItem; Changed when another write got in first."""
    try:
        item.save(condition=_unchanged(read_revision))
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise Changed(item.user_id) from error
        raise


def save_while_account_exists(item: NotificationPrefsItem, read_revision: int) -> None:
    """The item, conditioned on the revision and the epoch read, and on the account's profile
    still existing, in one transaction (an old link must never recreate the item of a deleted
    account). AccountGone, or Changed when another write got in first."""
    try:
        # pynamodb sends the condition check first: position 0, then the put: 1
        with transaction() as tx:
            tx.condition_check(
                UserItem, _pk(item.user_id), _PROFILE, condition=UserItem.pk.exists()
            )
            tx.save(item, condition=_unchanged(read_revision, item.token_epoch))
    except TransactWriteError as error:
        if failed_at(error, 0):
            raise AccountGone(item.user_id) from error
        if failed_at(error, 1):
            raise Changed(item.user_id) from error
        raise


def delete(user_id: str) -> int:
    """How many items went (0 or 1): one DeleteItem."""
    try:
        NotificationPrefsItem(_pk(user_id), NOTIFY_PREFS).delete(
            condition=NotificationPrefsItem.pk.exists()
        )
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return 0
        raise
    return 1
