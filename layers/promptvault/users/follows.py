"""Follows: one item per pair; the counts are the stream counters consumer's.

A follow item's INSERT adds one to the followee's ``followers`` and the follower's
``following``, its REMOVE takes them away (``streams/counter_rules.py``, exactly once per record,
in any order), so the counts are exact and a repeated PUT or DELETE, which writes nothing,
changes nothing. Following needs both profiles to exist (a condition check in the follow's
transaction); a late count on a deleted account's profile is dropped by the consumer, never
recreating it (docs/identity.md).
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DeleteError, TransactWriteError
from pynamodb.transactions import TransactWrite

from promptvault.core.caller import Caller
from promptvault.core.clock import now_iso
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.errors import NotFound, field_error
from promptvault.data.models import FollowItem, UserItem
from promptvault.data.transactions import failed_at, transaction
from promptvault.identity import directory
from promptvault.identity.directory import user_id_of


def follow_key(follower_id: str, followee_id: str) -> tuple[str, str]:
    return f"USER#{follower_id}", f"FOLLOWS#{followee_id}"


def follow(caller: Caller, username: str) -> None:
    followee_id = user_id_of(username)  # a deleted followee cancels at its check below
    if followee_id == caller.user_id:
        raise field_error("username", "You cannot follow yourself")
    me = caller.user_id
    if caller.username is None:  # the credential check names every caller; this is a guard
        raise NotFound("No profile for this account")
    now = now_iso()
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
        with transaction() as tx:  # pynamodb sends the condition checks first: indexes 0, 1, then 2
            _exists(tx, followee_id)
            _exists(tx, me)
            tx.save(item, condition=FollowItem.pk.does_not_exist())
    except TransactWriteError as error:
        if failed_at(error, 2):
            return  # already following: PUT is idempotent (no record, no count)
        if failed_at(error, 0) or failed_at(error, 1):
            raise NotFound("No user with that username") from error
        raise


def _exists(tx: TransactWrite, user_id: str) -> None:
    tx.condition_check(
        UserItem, f"USER#{user_id}", directory.PROFILE, condition=UserItem.pk.exists()
    )


def unfollow_ids(follower_id: str, followee_id: str) -> bool:
    """True when a follow was removed; the counts follow from its REMOVE record."""
    pk, sk = follow_key(follower_id, followee_id)
    try:
        FollowItem(pk, sk).delete(condition=FollowItem.pk.exists())
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def unfollow(caller: Caller, username: str) -> None:
    followee_id = user_id_of(username)
    if followee_id != caller.user_id:  # one never follows oneself: nothing to undo
        unfollow_ids(caller.user_id, followee_id)


def followers(
    username: str, cursor: str | None, limit: int
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    return _page("followers", username, cursor, limit)


def following(
    username: str, cursor: str | None, limit: int
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    return _page("following", username, cursor, limit)


# direction -> the index listing it, and the attribute naming the other person
_DIRECTIONS: dict[str, tuple[Any, str]] = {
    "followers": (FollowItem.by_owner, "follower_name"),
    "following": (FollowItem.feed, "followee_name"),
}


def _page(
    direction: str, username: str, cursor: str | None, limit: int
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """One page of a user's followers (GSI1) or of whom they follow (GSI2), newest first."""
    index, name = _DIRECTIONS[direction]
    user_id = user_id_of(username)
    scope = f"{direction}:{user_id}"
    results = index.query(
        f"{direction.upper()}#{user_id}",
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=decode_cursor(cursor, scope),
    )
    items = [
        {"username": getattr(f, name), "followed_at": f.created_at}
        for f in results
        if isinstance(f, FollowItem)
    ]
    return items, page_meta(results.last_evaluated_key, scope)
