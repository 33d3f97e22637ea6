"""Webhooks and their deliveries in the table (data/models.py ``WebhookItem``,
``WebhookDeliveryItem``): one partition per person, ``WEBHOOKS#<uid>``, so the owner's
webhooks are one Query and erasing an account is one Query and a batch delete."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError

from promptvault.core.clock import iso
from promptvault.data.models import WebhookDeliveryItem, WebhookItem

DELIVERY_RETENTION = timedelta(days=30)  # a delivery's record expires (TTL) this long after


class Lost(Exception):
    """A conditional write found the item changed (another attempt, a rotation) or gone."""


def owner_pk(user_id: str) -> str:
    return f"WEBHOOKS#{user_id}"


def webhook_sk(webhook_id: str) -> str:
    return f"WEBHOOK#{webhook_id}"


def delivery_sk(delivery_id: str) -> str:
    return f"DELIVERY#{delivery_id}"


def _conditional_failed(error: PutError | UpdateError | DeleteError) -> bool:
    return error.cause_response_code == "ConditionalCheckFailedException"


# --- webhooks -------------------------------------------------------------------------------


def webhooks_of(
    user_id: str, limit: int = 100, start: dict[str, Any] | None = None
) -> tuple[list[WebhookItem], dict[str, Any] | None]:
    """Newest first (ids sort by creation)."""
    results = WebhookItem.query(
        owner_pk(user_id),
        WebhookItem.sk.startswith("WEBHOOK#"),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
    )
    items = [item for item in results if isinstance(item, WebhookItem)]
    return items, results.last_evaluated_key


def get_webhook(user_id: str, webhook_id: str) -> WebhookItem | None:
    try:
        return WebhookItem.get(owner_pk(user_id), webhook_sk(webhook_id))
    except DoesNotExist:
        return None


def put_webhook(item: WebhookItem) -> None:
    item.save(condition=WebhookItem.pk.does_not_exist())


def delete_webhook(user_id: str, webhook_id: str) -> bool:
    """False when there was none."""
    try:
        WebhookItem(owner_pk(user_id), webhook_sk(webhook_id)).delete(
            condition=WebhookItem.pk.exists()
        )
    except DeleteError as error:
        if _conditional_failed(error):
            return False
        raise
    return True


def rotate(item: WebhookItem, until: str) -> WebhookItem:
    """The epoch moved on, the previous one signing until ``until``; conditioned on the epoch
    read (two rotations at once: one wins, the other is Lost)."""
    read = item.secret_epoch
    try:
        item.update(
            actions=[
                WebhookItem.secret_epoch.set(read + 1),
                WebhookItem.previous_epoch.set(read),
                WebhookItem.previous_until.set(until),
            ],
            condition=WebhookItem.pk.exists() & (WebhookItem.secret_epoch == read),
        )
    except UpdateError as error:
        if _conditional_failed(error):
            raise Lost from error
        raise
    return item


# --- deliveries -----------------------------------------------------------------------------


def new_delivery(
    user_id: str,
    webhook_id: str,
    delivery_id: str,
    event_id: str,
    event_type: str,
    body: str,
    now: datetime,
) -> WebhookDeliveryItem:
    at = iso(now)
    return WebhookDeliveryItem(
        owner_pk(user_id),
        delivery_sk(delivery_id),
        delivery_id=delivery_id,
        webhook_id=webhook_id,
        event_id=event_id,
        event_type=event_type,
        body=body,
        status="pending",
        attempts=0,
        next_attempt_at=at,
        created_at=at,
        updated_at=at,
        gsi1pk=f"DELIVERIES#{webhook_id}",
        gsi1sk=f"{at}#{delivery_id}",
        expires_at=now + DELIVERY_RETENTION,
    )


def open_delivery(item: WebhookDeliveryItem) -> bool:
    """Written once: False when this event's delivery to this webhook exists already."""
    try:
        item.save(condition=WebhookDeliveryItem.pk.does_not_exist())
    except PutError as error:
        if _conditional_failed(error):
            return False
        raise
    return True


def get_delivery(user_id: str, delivery_id: str) -> WebhookDeliveryItem | None:
    try:
        return WebhookDeliveryItem.get(owner_pk(user_id), delivery_sk(delivery_id))
    except DoesNotExist:
        return None


def claim(item: WebhookDeliveryItem, now: datetime, lease_until: datetime) -> None:
    """Take the next attempt: ``attempts`` + 1 and the due time pushed to the lease's end, on
    the condition that it is still pending, due and at the attempts read (so one attempt runs
    at a time, and a redelivered message finds it taken)."""
    read = item.attempts
    try:
        item.update(
            actions=[
                WebhookDeliveryItem.attempts.set(read + 1),
                WebhookDeliveryItem.next_attempt_at.set(iso(lease_until)),
                WebhookDeliveryItem.updated_at.set(iso(now)),
            ],
            condition=(WebhookDeliveryItem.status == "pending")
            & (WebhookDeliveryItem.attempts == read)
            & (WebhookDeliveryItem.next_attempt_at <= iso(now)),
        )
    except UpdateError as error:
        if _conditional_failed(error):
            raise Lost from error
        raise


def record(
    item: WebhookDeliveryItem,
    *,
    status: str,
    status_code: int | None,
    error: str | None,
    excerpt: str | None,
    duration_ms: int,
    next_attempt_at: str | None,
    now: datetime,
) -> None:
    """An attempt's outcome, on the condition that no other attempt was claimed since."""
    actions: list[Any] = [
        WebhookDeliveryItem.status.set(status),
        WebhookDeliveryItem.last_duration_ms.set(duration_ms),
        WebhookDeliveryItem.updated_at.set(iso(now)),
    ]
    code = WebhookDeliveryItem.last_status_code
    actions.append(code.remove() if status_code is None else code.set(status_code))
    texts = (
        (WebhookDeliveryItem.last_error, error),
        (WebhookDeliveryItem.last_response, excerpt),
        (WebhookDeliveryItem.next_attempt_at, next_attempt_at),
    )
    for attribute, value in texts:
        actions.append(attribute.remove() if value is None else attribute.set(value))
    try:
        item.update(actions=actions, condition=WebhookDeliveryItem.attempts == item.attempts)
    except UpdateError as failure:
        if _conditional_failed(failure):
            raise Lost from failure
        raise


def deliveries_of(
    webhook_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[WebhookDeliveryItem], dict[str, Any] | None]:
    """Newest first (GSI1 DELIVERIES#<wid>)."""
    results = WebhookDeliveryItem.by_owner.query(
        f"DELIVERIES#{webhook_id}", scan_index_forward=False, limit=limit, last_evaluated_key=start
    )
    items = [item for item in results if isinstance(item, WebhookDeliveryItem)]
    return items, results.last_evaluated_key


def erase(user_id: str) -> int:
    """Every webhook and delivery of a person (account deletion)."""
    from promptvault.data.models import Item

    items = list(Item.query(owner_pk(user_id)))
    with Item.batch_write() as batch:
        for item in items:
            batch.delete(item)
    return len(items)
