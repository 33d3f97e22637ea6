"""Follows: one item per pair, with both users' counts changed in the same transaction.

The counts live on the profiles and change only with a follow item that really appeared or
disappeared (the item's condition cancels the transaction otherwise), so they are exact and
a repeated PUT or DELETE changes nothing. Both profiles must exist: a count is never added
to a deleted account (see docs/identity.md for why this is not the stream counters' job).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from promptvault.data.models import FollowItem, Item, UserItem
from promptvault.errors import NotFound, field_error
from promptvault.users import repository as users
from promptvault.users.profiles import user_id_of
from promptvault.web.caller import Caller
from promptvault.web.cursor import decode_cursor, page_meta


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def follow_key(follower_id: str, followee_id: str) -> tuple[str, str]:
    return f"USER#{follower_id}", f"FOLLOWS#{followee_id}"


def _tx() -> TransactWrite:
    return TransactWrite(connection=Item._get_connection().connection)


def _profile(user_id: str) -> UserItem:
    return UserItem(f"USER#{user_id}", users.PROFILE)


def _cancelled_at(error: TransactWriteError, index: int) -> bool:
    reasons = error.cancellation_reasons or []
    reason = reasons[index] if index < len(reasons) else None
    return reason is not None and reason.code == "ConditionalCheckFailed"


def follow(caller: Caller, username: str) -> None:
    followee_id = user_id_of(username)  # a deleted followee cancels at its count below
    if followee_id == caller.user_id:
        raise field_error("username", "You cannot follow yourself")
    me = caller.user_id
    if caller.username is None:  # the credential check names every caller; this is a guard
        raise NotFound("No profile for this account")
    now = _now()
    pk, sk = follow_key(me, followee_id)
    item = FollowItem(
        pk,
        sk,
        follower_id=me,
        follower_name=caller.username,
        followee_id=followee_id,
        followee_name=username,
        created_at=now,
        gsi1pk=f"FOLLOWERS#{followee_id}",
        gsi1sk=f"{now}#{me}",
        gsi2pk=f"FOLLOWING#{me}",
        gsi2sk=f"{now}#{followee_id}",
    )
    try:
        with _tx() as tx:
            tx.save(item, condition=FollowItem.pk.does_not_exist())
            _count(tx, followee_id, UserItem.followers, 1)
            _count(tx, me, UserItem.following, 1)
    except TransactWriteError as error:
        if _cancelled_at(error, 0):
            return  # already following: PUT is idempotent
        if _cancelled_at(error, 1) or _cancelled_at(error, 2):
            raise NotFound("No user with that username") from error
        raise


def _count(tx: TransactWrite, user_id: str, attribute: Any, delta: int) -> None:
    tx.update(_profile(user_id), actions=[attribute.add(delta)], condition=UserItem.pk.exists())


def unfollow_ids(
    follower_id: str, followee_id: str, *, count_followee: bool = True, count_follower: bool = True
) -> bool:
    """True when a follow was removed. A count whose profile is gone is skipped."""
    pk, sk = follow_key(follower_id, followee_id)
    counts = [(followee_id, UserItem.followers)] if count_followee else []
    counts += [(follower_id, UserItem.following)] if count_follower else []
    try:
        with _tx() as tx:
            tx.delete(FollowItem(pk, sk), condition=FollowItem.pk.exists())
            for user_id, attribute in counts:
                _count(tx, user_id, attribute, -1)
    except TransactWriteError as error:
        if _cancelled_at(error, 0):
            return False
        if counts and any(_cancelled_at(error, i + 1) for i in range(len(counts))):
            return unfollow_ids(
                follower_id, followee_id, count_followee=False, count_follower=False
            )
        raise
    return True


def unfollow(caller: Caller, username: str) -> None:
    followee_id = user_id_of(username)
    if followee_id != caller.user_id:  # one never follows oneself: nothing to undo
        unfollow_ids(caller.user_id, followee_id)


def followers(
    username: str, cursor: str | None, limit: int
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    user_id = user_id_of(username)
    scope = f"followers:{user_id}"
    results = FollowItem.by_owner.query(
        f"FOLLOWERS#{user_id}",
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=decode_cursor(cursor, scope),
    )
    items = [
        {"username": f.follower_name, "followed_at": f.created_at}
        for f in results
        if isinstance(f, FollowItem)
    ]
    return items, page_meta(results.last_evaluated_key, scope)


def following(
    username: str, cursor: str | None, limit: int
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    user_id = user_id_of(username)
    scope = f"following:{user_id}"
    results = FollowItem.feed.query(
        f"FOLLOWING#{user_id}",
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=decode_cursor(cursor, scope),
    )
    items = [
        {"username": f.followee_name, "followed_at": f.created_at}
        for f in results
        if isinstance(f, FollowItem)
    ]
    return items, page_meta(results.last_evaluated_key, scope)
