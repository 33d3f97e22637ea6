"""The notifier: domain events from its queue into in-app notifications and email.

For each event (an SQS message whose body is the EventBridge event, ``detail`` the
``events.catalogue.Envelope``):

1. The recipient: a prompt's owner (prompt.*) or the followed user. Nobody is told about
   their own action; a gone target, actor or recipient ends it here (nothing to say, nothing
   to leak). Only the recipient ever hears of engagement with their prompt, so a private
   prompt's engagement reaches no one else.
2. In-app (when the recipient's preference for the kind is on): the grouped notification
   grows (``notifications/service.py``, which skips an event it already applied).
3. Email by the recipient's preference: ``instant`` sends one email now (SES v2, one call),
   unless the address is suppressed (nothing) or the day's cap is reached (it waits for the
   daily digest); ``daily`` / ``weekly`` add it to that digest (``notifications/digests.py``);
   ``off`` nothing.

Exactly once: each event is processed under Powertools idempotency (its DynamoDB persistence
in the table; the key is the event's stable id), so a redelivered or duplicated message does
nothing; a failure part-way deletes the in-progress record and the retry redoes the steps,
each of which skips what it already did (the notification's and the digest's ``lastEvents``).
A message that fails is reported in ``batchItemFailures`` and comes back; after the queue's
``maxReceiveCount`` it goes to the DLQ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from promptvault.core.clock import utcnow
from promptvault.core.settings import get_settings
from promptvault.events.catalogue import Envelope
from promptvault.identity import directory
from promptvault.notifications import digests, repository, service
from promptvault.notifications.service import Target
from promptvault.prompts import service as prompts

IDEMPOTENCY_DAYS = 7  # longer than any retry: SQS keeps a message 4 days by default


@dataclass(frozen=True, slots=True)
class Facts:
    """What one event means for whom."""

    recipient_id: str
    actor_id: str | None  # None: a guest
    target: Target
    title: str  # the prompt's title; "" for a follow (named from the follower's profile)
    link: str


def facts_of(event: Envelope) -> Facts | None:
    """The recipient and target of an event, or None when nobody is to hear of it."""
    data = event.data
    actor = data.get("actorId")
    actor_id = str(actor) if actor else None
    if event.type == "user.followed":
        followee = str(data["userId"])
        return Facts(followee, actor_id, Target("user", followee), "", "")
    if event.type in COMMENT_EVENTS:
        return _comment_facts(event.type, data, actor_id)
    if not event.type.startswith("prompt."):
        return None
    prompt_id = str(data["promptId"])
    head = prompts.heads_by_id([prompt_id]).get(prompt_id)
    if head is None:
        return None
    link = f"{get_settings().public_url}/v1/prompts/{head.prompt_id}"
    return Facts(head.owner_id, actor_id, Target("prompt", prompt_id), head.title, link)


# Comments (issue 12): the prompt's owner hears of comments, a comment's author of replies
# to it, a person of mentions; only while they can see the prompt (a mention on a private
# prompt tells nobody else of it).
COMMENT_EVENTS = frozenset({"comment.created", "comment.replied", "user.mentioned"})


def _comment_facts(kind: str, data: dict[str, Any], actor_id: str | None) -> Facts | None:
    from promptvault.comments import service as comments
    from promptvault.core.caller import Caller

    prompt_id = str(data["promptId"])
    head = prompts.heads_by_id([prompt_id]).get(prompt_id)
    if head is None:
        return None
    if kind == "comment.created":
        recipient: str | None = head.owner_id
    elif kind == "comment.replied":
        recipient = comments.author_of(str(data["parentId"]))
    else:
        recipient = str(data["userId"])
    if recipient is None or not prompts.is_visible(head, Caller(user_id=recipient)):
        return None
    link = f"{get_settings().public_url}/v1/prompts/{head.prompt_id}/comments"
    return Facts(recipient, actor_id, Target("prompt", prompt_id), head.title, link)


def notify(event: Envelope) -> dict[str, Any]:
    """Process one event (not idempotent by itself: ``process`` wraps it). AWS calls: the
    prompt's head for prompt events (GetItem), recipient and actor profiles (one
    BatchGetItem), the preferences (GetItem); in-app: the notification (GetItem + PutItem);
    instant email: the day's quota (UpdateItem) + SendEmail; a digest: GetItem + PutItem."""
    facts = facts_of(event)
    if facts is None or facts.actor_id == facts.recipient_id:
        return {"outcome": "nobody"}
    wanted = [facts.recipient_id] + ([facts.actor_id] if facts.actor_id else [])
    profiles = directory.profiles_by_id(wanted)
    recipient = profiles.get(facts.recipient_id)
    if recipient is None or (facts.actor_id and facts.actor_id not in profiles):
        return {"outcome": "gone"}
    actor = profiles.get(facts.actor_id) if facts.actor_id else None
    actor_name = (actor.display_name or actor.username) if actor else "a guest"
    if event.type == "user.followed" and actor is not None:
        link = f"{get_settings().public_url}/v1/users/{actor.username}"
        facts = replace(facts, title=actor_name, link=link)
    from promptvault.email import preferences

    prefs = preferences.load(facts.recipient_id)
    choice = prefs.of(event.type)
    outcome: dict[str, Any] = {"inApp": False, "email": choice.email}
    if choice.in_app:
        outcome["inApp"] = service.apply(
            facts.recipient_id, event.type, facts.target, facts.actor_id, event.id
        )
    if choice.email == "off":
        return outcome
    if choice.email == "instant":
        if recipient.email_suppressed_at:
            outcome["email"] = "suppressed"
            return outcome
        day = utcnow().date().isoformat()
        if repository.take_quota(facts.recipient_id, day, get_settings().email_daily_cap):
            _send_instant(recipient, event.type, actor_name, facts, prefs.token_epoch)
            outcome["email"] = "sent"
            return outcome
        outcome["email"] = "capped"  # over the day's cap: it waits for the daily digest
        period = "daily"
    else:
        period = choice.email
    digests.add(facts.recipient_id, period, event.type, facts.target, facts.actor_id, event.id)
    return outcome


def _send_instant(recipient: Any, kind: str, actor_name: str, facts: Facts, epoch: int) -> None:
    from promptvault.email import compose, sender

    message = compose.notification_email(
        compose.Recipient(
            user_id=recipient.user_id,
            username=recipient.username,
            email=recipient.email,
            display_name=recipient.display_name,
        ),
        compose.Notice(
            type=kind, actors=[actor_name], count=1, target_title=facts.title, link=facts.link
        ),
        unsubscribe_category=kind,
        epoch=epoch,
    )
    sender.send(recipient.email, message)


@lru_cache(maxsize=1)
def _idempotent() -> Any:
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    from promptvault.core import aws

    persistence = DynamoDBPersistenceLayer(
        table_name=get_settings().table_name,
        key_attr="PK",
        sort_key_attr="SK",
        static_pk_value="IDEMPOTENCY#events_notify",
        expiry_attr="expiresAt",  # the table's TTL attribute: DynamoDB sweeps old records
        boto3_client=aws.client("dynamodb"),
    )
    config = IdempotencyConfig(
        event_key_jmespath="id", expires_after_seconds=IDEMPOTENCY_DAYS * 86_400
    )

    @idempotent_function(
        data_keyword_argument="detail", persistence_store=persistence, config=config
    )
    def once(detail: dict[str, Any]) -> dict[str, Any]:
        return notify(Envelope.model_validate(detail))

    return once, config


def process(detail: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """One event, exactly once (by its id)."""
    once, config = _idempotent()
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        config.register_lambda_context(context)
    result: dict[str, Any] = once(detail=detail)
    return result


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Lambda entry (SQS): partial batch response, one record per event."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    processor = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)

    def record_handler(record: SQSRecord) -> dict[str, Any]:
        body = json.loads(record.body)
        return process(body["detail"], context)

    with processor(
        records=event.get("Records") or [], handler=record_handler, lambda_context=context
    ):
        processor.process()
    return dict(processor.response())
