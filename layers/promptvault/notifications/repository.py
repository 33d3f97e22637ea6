"""Notifications, digests and the daily email quota in the single table (pynamodb).

AWS calls: applying an event to a notification 1 GetItem + 1 PutItem (conditional on the
revision read; again on a lost race); a page 1 Query (GSI1, or GSI2 for the unread); the
unread count 1 Query (GSI2, COUNT); marking read 1 UpdateItem per notification (a Query of
the unread first for ``all``); the quota 1 UpdateItem.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError

from promptvault.core.clock import utcnow
from promptvault.data.models import ActorTraceItem, DigestItem, EmailQuotaItem, NotificationItem

NOTIF_PREFIX = "NOTIF#"
# The latest events a notification or digest holds, to skip a redelivered one: 20 and 40, by
# the first 16 hex digits of their ids (64 bits: no collision in practice), so a busy group's
# item stays near 1 KB and each event rewrites it for one or two write units.
LAST_EVENTS = 20
DIGEST_LAST_EVENTS = 40


def event_mark(event_id: str) -> str:
    return event_id[:16]


class Raced(Exception):
    """Another event moved the item since it was read: read again and retry."""


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def notification_id(kind: str, target_id: str) -> str:
    return hashlib.sha256(f"{kind}/{target_id}".encode()).hexdigest()[:20]


def get_notification(user_id: str, nid: str) -> NotificationItem | None:
    try:
        return NotificationItem.get(user_pk(user_id), NOTIF_PREFIX + nid, consistent_read=True)
    except DoesNotExist:
        return None


def save_notification(item: NotificationItem, expected_revision: int | None) -> None:
    """Put the item if its revision is still the one read (absent: not there yet)."""
    _save_at_revision(item, NotificationItem, expected_revision)


def _save_at_revision(
    item: NotificationItem | DigestItem,
    kind: type[NotificationItem] | type[DigestItem],
    expected_revision: int | None,
) -> None:
    condition = (
        kind.pk.does_not_exist()
        if expected_revision is None
        else kind.revision == expected_revision
    )
    try:
        item.save(condition=condition)
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise Raced(item.sk) from error
        raise


def index_keys(item: NotificationItem, retention_days: int) -> None:
    """GSI1 (all, newest first), GSI2 (unread only) and the TTL, from updatedAt."""
    order = f"{item.updated_at}#{item.notification_id}"
    item.gsi1pk, item.gsi1sk = f"NOTIFS#{item.pk.removeprefix('USER#')}", order
    if item.unread:
        item.gsi2pk, item.gsi2sk = f"UNREAD#{item.pk.removeprefix('USER#')}", order
    else:
        item.gsi2pk = item.gsi2sk = None
    item.expires_at = utcnow() + timedelta(days=retention_days)


def query_page(
    user_id: str, unread_only: bool, limit: int, start: dict[str, Any] | None
) -> tuple[list[NotificationItem], dict[str, Any] | None]:
    if unread_only:
        results = NotificationItem.feed.query(
            f"UNREAD#{user_id}", scan_index_forward=False, limit=limit, last_evaluated_key=start
        )
    else:
        results = NotificationItem.by_owner.query(
            f"NOTIFS#{user_id}", scan_index_forward=False, limit=limit, last_evaluated_key=start
        )
    items = [item for item in results if isinstance(item, NotificationItem)]
    return items, results.last_evaluated_key


def unread_count(user_id: str, cap: int) -> int:
    return int(NotificationItem.feed.count(f"UNREAD#{user_id}", limit=cap))


def unread_ids(user_id: str, cap: int) -> Iterator[str]:
    results = NotificationItem.feed.query(f"UNREAD#{user_id}", limit=cap, attributes_to_get=["SK"])
    for item in results:
        yield item.sk.removeprefix(NOTIF_PREFIX)


def mark_read(user_id: str, nid: str) -> bool:
    """Read: out of the unread index; False when there is no such unread notification."""
    item = NotificationItem(user_pk(user_id), NOTIF_PREFIX + nid)
    try:
        item.update(
            actions=[
                NotificationItem.unread.set(False),
                NotificationItem.gsi2pk.remove(),
                NotificationItem.gsi2sk.remove(),
                NotificationItem.revision.add(1),
            ],
            condition=NotificationItem.unread == True,  # noqa: E712  (a pynamodb condition)
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


# --- digests ---------------------------------------------------------------------------------


def get_digest(user_id: str, period: str) -> DigestItem | None:
    try:
        return DigestItem.get(user_pk(user_id), f"DIGEST#{period}", consistent_read=True)
    except DoesNotExist:
        return None


def save_digest(item: DigestItem, expected_revision: int | None) -> None:
    _save_at_revision(item, DigestItem, expected_revision)


def digest_owners(period: str) -> Iterator[str]:
    for item in DigestItem.by_owner.query(f"DIGESTS#{period}", attributes_to_get=["userId"]):
        if isinstance(item, DigestItem):
            yield item.user_id


def take_digest(user_id: str, period: str) -> DigestItem | None:
    """Read the digest and remove it on the condition that nothing was added since (one
    GetItem + one DeleteItem). Only the run whose delete wins sends it, so a digest goes out at
    most once even when the schedule fires twice; None when there is none or another event
    was added meanwhile (the next run takes it, with that event)."""
    item = get_digest(user_id, period)
    if item is None:
        return None
    try:
        item.delete(condition=DigestItem.revision == item.revision)
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return item


# --- the daily quota -------------------------------------------------------------------------


def take_quota(user_id: str, day: str, cap: int) -> bool:
    """Count one instant email for the day; False when the cap is reached (nothing counted)."""
    item = EmailQuotaItem(user_pk(user_id), f"EMAILDAY#{day}")
    try:
        item.update(
            actions=[
                EmailQuotaItem.entity.set(EmailQuotaItem),
                EmailQuotaItem.sent.add(1),
                EmailQuotaItem.expires_at.set(utcnow() + timedelta(days=2)),
            ],
            condition=EmailQuotaItem.sent.does_not_exist() | (EmailQuotaItem.sent < cap),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def delete_all_of(user_id: str) -> int:
    """The person's notifications, digests and quota counters (one Query of their partition,
    filtered to those types, and batched deletes): for account deletion."""
    from promptvault.data.models import Item

    found = Item.query(
        user_pk(user_id),
        filter_condition=Item.entity.is_in(
            NotificationItem, DigestItem, EmailQuotaItem, ActorTraceItem
        ),
        attributes_to_get=["PK", "SK", "type"],
    )
    count = 0
    with Item.batch_write() as batch:
        for item in found:
            batch.delete(item)
            count += 1
    return count


# --- an actor's traces in others' notifications and digests ----------------------------------


def trace_actor(actor_id: str, recipient_id: str, target_sk: str, retention_days: int) -> None:
    """Remember, beside the recipient's notification or digest, that the actor's id went
    into it (one PutItem, idempotent; GSI1 ACTED#<actor> finds them): deleting the actor's
    account takes the id out again, deleting the recipient's erases the trace with the rest
    of their partition."""
    ActorTraceItem(
        user_pk(recipient_id),
        f"ACTEDBY#{actor_id}#{target_sk}",
        actor_id=actor_id,
        target_sk=target_sk,
        gsi1pk=f"ACTED#{actor_id}",
        gsi1sk=f"{recipient_id}#{target_sk}",
        expires_at=utcnow() + timedelta(days=retention_days),
    ).save()


def actor_traces(actor_id: str) -> list[ActorTraceItem]:
    """Where the actor's id went (GSI1, one Query per page)."""
    return [
        item
        for item in ActorTraceItem.by_owner.query(f"ACTED#{actor_id}")
        if isinstance(item, ActorTraceItem)
    ]


def delete_trace(trace: ActorTraceItem) -> None:
    trace.delete()


def get_any(recipient_id: str, sk: str) -> NotificationItem | DigestItem | None:
    from promptvault.data.models import Item

    try:
        item = Item.get(user_pk(recipient_id), sk, consistent_read=True)
    except DoesNotExist:
        return None
    return item if isinstance(item, NotificationItem | DigestItem) else None


def delete_if_unchanged(item: NotificationItem | DigestItem) -> None:
    kind = type(item)
    try:
        item.delete(condition=kind.revision == item.revision)
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise Raced(item.sk) from error
        raise
