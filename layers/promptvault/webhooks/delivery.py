"""Deliveries: each (event, webhook) pair recorded once, attempted, retried with exponential
backoff for up to 24 hours, then failed (decision 62, docs/webhooks.md).

The ``webhooks_deliver`` function reads one queue, which carries two kinds of message:

- an event from the bus (the rule's ``prompt.*`` detail-types): the owner's webhooks that
  subscribe to its type are found (one Query) and a delivery is opened for each: written
  once, keyed by a hash of the event id and the webhook id, on ``attribute_not_exists``, so a
  replayed or reordered event opens nothing twice; each opened delivery is put back on the
  queue as its own message (one SendMessageBatch), so one message is at most one HTTP attempt
  and a function run stays within its timeout;
- a delivery (``{"delivery": {...}}``): if it is still pending and due, the attempt is claimed
  (a conditional UpdateItem moving ``attempts`` on and leasing the due time), the URL checked
  again after DNS resolution, the body signed and POSTed, and the outcome recorded (again
  conditioned on ``attempts``). A 2xx delivers; otherwise the next attempt is scheduled and the
  message sent again with ``DelaySeconds`` = the time until it is due, capped at SQS's 900;
  a message that arrives before its delivery is due is sent on again without an attempt.

A run that dies between the claim and the record leaves the delivery leased: the message comes
back after the visibility timeout, finds it not yet due, and waits for the lease to end.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import secrets as random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from promptvault.core import aws
from promptvault.core.clock import iso, utcnow
from promptvault.core.settings import get_settings
from promptvault.events.catalogue import Envelope
from promptvault.webhooks import repository, sender, signing, targets
from promptvault.webhooks.repository import Lost
from promptvault.webhooks.sender import Outcome

log = logging.getLogger("promptvault.webhooks")
GIVE_UP_AFTER = timedelta(hours=24)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=4)
LEASE = timedelta(seconds=60)  # an attempt's claim: longer than the function's timeout
MAX_DELAY_SECONDS = 900  # SQS DelaySeconds' maximum
ERROR_CHARS = 300

Enqueue = Callable[[Sequence[tuple[dict[str, Any], int]]], None]


def delivery_id(event_id: str, webhook_id: str) -> str:
    """Stable: the same event to the same webhook is always the same delivery."""
    return "dl_" + hashlib.sha256(f"{event_id}/{webhook_id}".encode()).hexdigest()[:32]


def next_attempt(created: datetime, attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed ones, or None: give up. The waits double
    from 30 s up to 4 h; the last attempt is at 24 h after the delivery opened."""
    deadline = created + GIVE_UP_AFTER
    if now >= deadline:
        return None
    wait = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)
    return min(now + wait, deadline)


def schedule() -> list[timedelta]:
    """Every attempt's time after the delivery opened, when none succeeds (docs, tests)."""
    created = datetime(2026, 1, 1)
    moments, now, attempts = [created], created, 1
    while (due := next_attempt(created, attempts, now)) is not None:
        moments.append(due)
        now, attempts = due, attempts + 1
    return [moment - created for moment in moments]


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def body_of(event_id: str, event_type: str, created_at: str, data: dict[str, Any]) -> str:
    payload = {"id": event_id, "type": event_type, "createdAt": created_at, "data": data}
    return json.dumps(payload, separators=(",", ":"), sort_keys=False)


def send_to_own_queue(messages: Sequence[tuple[dict[str, Any], int]]) -> None:
    """The function's own queue (``OWN_QUEUE_URL``): each message with its delay (seconds)."""
    if not messages:
        return
    url = get_settings().own_queue_url
    if not url:
        raise RuntimeError("OWN_QUEUE_URL is not set: the webhooks queue is unknown")
    client = aws.client("sqs")
    for start in range(0, len(messages), 10):  # SendMessageBatch's limit
        chunk = messages[start : start + 10]
        reply = client.send_message_batch(
            QueueUrl=url,
            Entries=[
                {
                    "Id": str(n),
                    "MessageBody": json.dumps(message, separators=(",", ":")),
                    "DelaySeconds": max(0, min(MAX_DELAY_SECONDS, delay)),
                }
                for n, (message, delay) in enumerate(chunk)
            ],
        )
        if reply.get("Failed"):
            raise RuntimeError(f"SendMessageBatch failed for {reply['Failed']}")


@dataclass
class Deliverer:
    """The delivery rules, with their collaborators as parameters (tests pass a clock, a
    resolver, a queue)."""

    now: Callable[[], datetime] = utcnow
    resolver: targets.Resolver | None = None  # None: targets.resolve, the system's DNS
    post: Callable[[targets.Target, bytes, dict[str, str]], Outcome] = sender.post
    enqueue: Enqueue = send_to_own_queue

    # --- events from the bus ----------------------------------------------------------------

    def open_for(self, event: Envelope) -> list[str]:
        """Open a delivery per subscribed webhook of the prompt's owner and queue each one
        this run opened (or that is still pending: a replay after a lost send); their ids."""
        owner = str(event.data.get("ownerId") or "")
        if not owner:
            return []
        hooks, _ = repository.webhooks_of(owner)
        body = body_of(event.id, event.type, event.occurred_at, dict(event.data))
        queued: list[tuple[dict[str, Any], int]] = []
        opened = []
        for hook in hooks:
            if event.type not in hook.events:
                continue
            did = delivery_id(event.id, hook.webhook_id)
            item = repository.new_delivery(
                owner, hook.webhook_id, did, event.id, event.type, body, self.now()
            )
            if not repository.open_delivery(item):
                existing = repository.get_delivery(owner, did)
                if existing is None or existing.status != "pending":
                    continue  # delivered or failed already: a replay does nothing
            queued.append((self.message(owner, hook.webhook_id, did), 0))
            opened.append(did)
        self.enqueue(queued)
        return opened

    @staticmethod
    def message(owner: str, webhook_id: str, did: str) -> dict[str, Any]:
        return {"delivery": {"owner": owner, "webhook": webhook_id, "id": did}}

    # --- one delivery -----------------------------------------------------------------------

    def advance(self, owner: str, webhook_id: str, did: str) -> str:
        """Attempt the delivery if it is pending and due; what happened (for the log)."""
        item = repository.get_delivery(owner, did)
        if item is None or item.status != "pending":
            return "done"
        now = self.now()
        due = _parse(item.next_attempt_at or item.created_at)
        if due > now:
            self._later(owner, webhook_id, did, due, now)
            return "waiting"
        hook = repository.get_webhook(owner, webhook_id)
        try:
            repository.claim(item, now, now + LEASE)
        except Lost:
            return "taken"
        if hook is None:
            outcome = Outcome(None, "the webhook was deleted", 0)
            self._record(item, outcome, None, now)
            return "failed"
        outcome = self.attempt(hook, item.delivery_id, item.event_type, item.body)
        after = self.now()
        if outcome.delivered:
            self._record(item, outcome, None, after)
            return "delivered"
        due_next = next_attempt(_parse(item.created_at), item.attempts, after)
        self._record(item, outcome, due_next, after)
        if due_next is None:
            return "failed"
        self._later(owner, webhook_id, did, due_next, after)
        return "retrying"

    def attempt(self, hook: Any, did: str, event_type: str, body: str) -> Outcome:
        """Check the URL again (DNS now), sign and POST to the checked address."""
        try:
            target = targets.check(hook.url, self.resolver)
        except targets.UnsafeTarget as refused:
            return Outcome(None, f"refused: the URL {refused}", 0)
        now = self.now()
        epochs = signing.epochs_signing(
            hook.secret_epoch, hook.previous_epoch, hook.previous_until, now
        )
        keys = [signing.webhook_secret(hook.webhook_id, epoch) for epoch in epochs]
        raw = body.encode()
        headers = {
            signing.EVENT_HEADER: event_type,
            signing.DELIVERY_HEADER: did,
            signing.SIGNATURE_HEADER: signing.sign(keys, int(now.timestamp()), raw),
        }
        return self.post(target, raw, headers)

    def _record(
        self, item: Any, outcome: Outcome, due_next: datetime | None, now: datetime
    ) -> None:
        status = "delivered" if outcome.delivered else ("pending" if due_next else "failed")
        with contextlib.suppress(Lost):  # another attempt was claimed since: it records its own
            repository.record(
                item,
                status=status,
                status_code=outcome.status_code,
                error=(outcome.error or "")[:ERROR_CHARS] or None,
                excerpt=outcome.excerpt,
                duration_ms=outcome.duration_ms,
                next_attempt_at=iso(due_next) if due_next else None,
                now=now,
            )

    def _later(self, owner: str, webhook_id: str, did: str, due: datetime, now: datetime) -> None:
        delay = math.ceil((due - now).total_seconds())
        self.enqueue([(self.message(owner, webhook_id, did), min(delay, MAX_DELAY_SECONDS))])

    # --- the test ping ----------------------------------------------------------------------

    def ping(self, hook: Any) -> tuple[Outcome, str]:
        """A ``webhook.test`` event to one webhook now: one attempt, recorded, no retry."""
        now = self.now()
        event_id = f"evt_test_{random.token_hex(12)}"
        did = delivery_id(event_id, hook.webhook_id)
        data = {"webhookId": hook.webhook_id}
        body = body_of(event_id, "webhook.test", iso(now), data)
        item = repository.new_delivery(
            hook.user_id, hook.webhook_id, did, event_id, "webhook.test", body, now
        )
        item.attempts = 1
        item.next_attempt_at = None
        outcome = self.attempt(hook, did, "webhook.test", body)
        item.status = "delivered" if outcome.delivered else "failed"
        item.last_status_code = outcome.status_code
        item.last_error = (outcome.error or "")[:ERROR_CHARS] or None
        item.last_response = outcome.excerpt
        item.last_duration_ms = outcome.duration_ms
        item.updated_at = iso(self.now())
        repository.open_delivery(item)
        return outcome, did


_default = Deliverer()


def ping(hook: Any) -> tuple[Outcome, str]:
    return _default.ping(hook)


def handle_message(body: dict[str, Any], deliverer: Deliverer | None = None) -> dict[str, Any]:
    """One queue message: an event from the bus, or one of our own delivery messages."""
    engine = deliverer or _default
    if "delivery" in body:
        ref = body["delivery"]
        outcome = engine.advance(str(ref["owner"]), str(ref["webhook"]), str(ref["id"]))
        result: dict[str, Any] = {"delivery": ref["id"], "outcome": outcome}
    else:
        event = Envelope.model_validate(body["detail"])
        result = {"event": event.id, "type": event.type, "opened": engine.open_for(event)}
    log.info("webhook message", extra=result)  # ids and outcomes only: no URL, no body
    return result


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Lambda entry (SQS): partial batch response, one record per message."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    processor = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)

    def record_handler(record: SQSRecord) -> dict[str, Any]:
        return handle_message(json.loads(record.body))

    with processor(
        records=event.get("Records") or [], handler=record_handler, lambda_context=context
    ):
        processor.process()
    return dict(processor.response())
