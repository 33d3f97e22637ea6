"""Webhooks a person registers: create (the secret shown once), list, delete, rotate the
secret, send a test ping, and read the deliveries (docs/webhooks.md).

A webhook belongs to the person who created it (their token, or their API key with the write
scope) and fires for events on that person's prompts. Another person's webhook id is 404, as
an unknown one is: nothing tells whether it exists.
"""

from __future__ import annotations

import re
import secrets as random
import time
from datetime import datetime
from typing import Any

from promptvault.core.caller import Caller
from promptvault.core.clock import iso, utcnow
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.errors import Conflict, NotFound
from promptvault.data.models import WebhookDeliveryItem, WebhookItem
from promptvault.webhooks import delivery, repository, signing, targets
from promptvault.webhooks.schemas import (
    DeliveryOut,
    PingOutcome,
    SecretRotated,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
)

MAX_WEBHOOKS = 10  # per person
_ID = re.compile(r"^wh_[0-9a-f]{24}$")
_NOT_FOUND = "No webhook with that id"


def new_webhook_id() -> str:
    """``wh_`` + 12 hex digits of milliseconds + 12 random: ids sort by creation."""
    return f"wh_{int(time.time() * 1000):012x}{random.token_hex(6)}"


def webhook_out(item: WebhookItem, now: datetime | None = None) -> WebhookOut:
    rolling = signing.epochs_signing(
        item.secret_epoch, item.previous_epoch, item.previous_until, now or utcnow()
    )
    return WebhookOut(
        id=item.webhook_id,
        url=item.url,
        events=list(item.events),
        description=item.description,
        created_at=item.created_at,
        rotating_until=item.previous_until if len(rolling) > 1 else None,
    )


def delivery_out(item: WebhookDeliveryItem) -> DeliveryOut:
    return DeliveryOut(
        id=item.delivery_id,
        event_id=item.event_id,
        event_type=item.event_type,
        status=item.status,  # type: ignore[arg-type]
        attempts=item.attempts,
        last_status_code=item.last_status_code,
        last_error=item.last_error,
        last_duration_ms=item.last_duration_ms,
        next_attempt_at=item.next_attempt_at if item.status == "pending" else None,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def find(caller: Caller, webhook_id: str) -> WebhookItem:
    """The caller's webhook, or 404 (someone else's is not told apart from none)."""
    if not _ID.match(webhook_id):
        raise NotFound(_NOT_FOUND)
    item = repository.get_webhook(caller.user_id, webhook_id)
    if item is None:
        raise NotFound(_NOT_FOUND)
    return item


def create(
    caller: Caller, body: WebhookCreate, resolver: targets.Resolver | None = None
) -> WebhookCreated:
    """Check the URL (after DNS resolution), the cap, then store; the secret is shown here."""
    targets.checked_url(body.url, resolver)
    existing, _ = repository.webhooks_of(caller.user_id, limit=MAX_WEBHOOKS)
    if len(existing) >= MAX_WEBHOOKS:
        raise Conflict(f"At most {MAX_WEBHOOKS} webhooks; delete one first")
    webhook_id = new_webhook_id()
    item = WebhookItem(
        repository.owner_pk(caller.user_id),
        repository.webhook_sk(webhook_id),
        webhook_id=webhook_id,
        user_id=caller.user_id,
        url=body.url,
        events=list(body.events),
        description=body.description,
        created_at=iso(utcnow()),
        secret_epoch=1,
    )
    repository.put_webhook(item)
    secret = signing.webhook_secret(webhook_id, item.secret_epoch)
    return WebhookCreated(**webhook_out(item).model_dump(), secret=secret)


def list_webhooks(
    caller: Caller, cursor: str | None, limit: int
) -> tuple[list[WebhookOut], dict[str, Any]]:
    scope = f"webhooks:{caller.user_id}"
    items, last = repository.webhooks_of(caller.user_id, limit, decode_cursor(cursor, scope))
    now = utcnow()
    return [webhook_out(item, now) for item in items], page_meta(last, scope)


def delete(caller: Caller, webhook_id: str) -> None:
    """Gone at once: its pending deliveries stop at their next attempt; their records expire."""
    if not _ID.match(webhook_id) or not repository.delete_webhook(caller.user_id, webhook_id):
        raise NotFound(_NOT_FOUND)


def rotate_secret(caller: Caller, webhook_id: str) -> SecretRotated:
    """A new secret now; the previous one keeps signing beside it for ``signing.ROLLOVER``.
    Rotating during a rollover ends the older secret at once (only two sign at a time)."""
    item = find(caller, webhook_id)
    until = iso(utcnow() + signing.ROLLOVER)
    try:
        repository.rotate(item, until)
    except repository.Lost as lost:
        raise Conflict("The secret was rotated meanwhile: try again") from lost
    return SecretRotated(
        id=item.webhook_id,
        secret=signing.webhook_secret(item.webhook_id, item.secret_epoch),
        previous_valid_until=until,
    )


def ping(caller: Caller, webhook_id: str) -> PingOutcome:
    """A ``webhook.test`` delivery now: one attempt, recorded, never retried."""
    item = find(caller, webhook_id)
    outcome, delivery_id = delivery.ping(item)
    return PingOutcome(
        delivery_id=delivery_id,
        delivered=outcome.delivered,
        status_code=outcome.status_code,
        duration_ms=outcome.duration_ms,
        error=outcome.error,
    )


def deliveries(
    caller: Caller, webhook_id: str, cursor: str | None, limit: int
) -> tuple[list[DeliveryOut], dict[str, Any]]:
    item = find(caller, webhook_id)
    scope = f"deliveries:{item.webhook_id}"
    found, last = repository.deliveries_of(item.webhook_id, limit, decode_cursor(cursor, scope))
    return [delivery_out(d) for d in found], page_meta(last, scope)


def forget(user_id: str) -> int:
    """Account deletion: every webhook and delivery record of the person."""
    return repository.erase(user_id)
