"""The triggers nobody can fire on a laptop, fired by hand: schedules and SES feedback.

- ``POST /_local/schedules/{name}``: what EventBridge Scheduler does at a ``schedule``
  trigger's time: invoke its function with ``{"period": name}`` (``Trigger.schedules`` names
  the periods: ``daily``, ``weekly``). ``GET /_local/schedules`` lists them.
- ``POST /_local/email/feedback`` ``{"type": "Bounce" | "Complaint", "email": ...}``: what the
  stage's SES configuration set does when a recipient's server bounces a message or the
  recipient complains: publish the event to the feedback topic, which invokes the
  ``email:feedback`` function with SNS's Lambda event (``Records[0].EventSource`` ``aws:sns``,
  ``Sns.Message`` the SES event record as event publishing writes it: ``eventType``,
  ``mail``, and ``bounce`` or ``complaint``). The ``mail`` is the last message the outbox
  holds for that address when there is one.

Both call the function synchronously and answer what it returned, in the product's envelope:
``{"success": true, "data": {"function", "event", "result"}}``. Local only: not catalogue
routes, never deployed, not in the OpenAPI document.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
import traceback
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from functools import lru_cache
from typing import Any, Literal

from infra.local.environment import EMAIL_DOMAIN, PREFIX, REGION
from infra.local.events import ACCOUNT_ID, LambdaContext
from infra.local.gateway import FUNCTION_PREFIX
from infra.local.handlers import Handler, Handlers

FEEDBACK_TOPIC = f"{PREFIX}-email-feedback"  # infra/stacks/email.py's topic name

Kind = Literal["Bounce", "Complaint"]


def _iso(moment: datetime) -> str:
    """ISO 8601 with milliseconds, as SES and SNS write times: 2017-08-05T00:41:02.669Z."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def _error(code: str, message: str, details: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message, "details": details or []}}


def _sent_to(email: str) -> dict[str, Any] | None:
    """The last email the outbox holds for ``email``, if any."""
    from infra.local.outbox import sent_emails

    wanted = email.lower()
    for sent in reversed(sent_emails()):
        if any(parseaddr(address)[1].lower() == wanted for address in sent["to"]):
            return sent
    return None


def _mail(email: str, sent: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    """SES's ``mail`` object: the message the event is about."""
    source = (sent or {}).get("from") or os.environ.get(
        "EMAIL_SENDER", f"PromptVault <noreply@{EMAIL_DOMAIN}>"
    )
    message_id = (sent or {}).get("id") or f"0100{uuid.uuid4().hex}-{uuid.uuid4()}-000000"
    subject = (sent or {}).get("subject") or "PromptVault"
    headers = [
        {"name": "From", "value": source},
        {"name": "To", "value": email},
        {"name": "Subject", "value": subject},
        {"name": "MIME-Version", "value": "1.0"},
    ]
    configuration_set = os.environ.get("EMAIL_CONFIGURATION_SET") or PREFIX
    return {
        "timestamp": _iso(now - timedelta(seconds=2)),
        "source": source,
        "sourceArn": f"arn:aws:ses:{REGION}:{ACCOUNT_ID}:identity/{EMAIL_DOMAIN}",
        "sendingAccountId": ACCOUNT_ID,
        "messageId": message_id,
        "destination": [email],
        "headersTruncated": False,
        "headers": headers,
        "commonHeaders": {
            "from": [source],
            "to": [email],
            "messageId": message_id,
            "subject": subject,
        },
        "tags": {
            "ses:configuration-set": [configuration_set],
            "ses:source-ip": ["127.0.0.1"],
            "ses:from-domain": [EMAIL_DOMAIN],
            "ses:caller-identity": ["local"],
        },
    }


def ses_event(
    kind: Kind, email: str, *, sent: dict[str, Any] | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """The SES event record a configuration set's SNS event destination publishes."""
    now = now or datetime.now(UTC)
    feedback_id = f"0100{uuid.uuid4().hex}-{uuid.uuid4()}-000000"
    record: dict[str, Any] = {"eventType": kind}
    if kind == "Bounce":
        record["bounce"] = {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [
                {
                    "emailAddress": email,
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
            ],
            "timestamp": _iso(now),
            "feedbackId": feedback_id,
            "reportingMTA": f"dsn; mta.{EMAIL_DOMAIN}",
        }
    else:
        record["complaint"] = {
            "complainedRecipients": [{"emailAddress": email}],
            "timestamp": _iso(now),
            "feedbackId": feedback_id,
            "complaintSubType": None,
            "userAgent": "PromptVault local runtime",
            "complaintFeedbackType": "abuse",
            "arrivalDate": _iso(now),
        }
    record["mail"] = _mail(email, sent, now)
    return record


def sns_event(
    message: str, *, topic: str = FEEDBACK_TOPIC, now: datetime | None = None
) -> dict[str, Any]:
    """What SNS hands a subscribed Lambda function for one published message (unsigned:
    nothing verifies a Lambda subscription's signature)."""
    now = now or datetime.now(UTC)
    topic_arn = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{topic}"
    subscription_arn = f"{topic_arn}:{uuid.uuid4()}"
    endpoint = f"https://sns.{REGION}.amazonaws.com"
    signature = base64.b64encode(hashlib.sha256(message.encode("utf-8")).digest()).decode()
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription_arn,
                "Sns": {
                    "Type": "Notification",
                    "MessageId": str(uuid.uuid4()),
                    "TopicArn": topic_arn,
                    "Subject": None,
                    "Message": message,
                    "Timestamp": _iso(now),
                    "SignatureVersion": "1",
                    "Signature": signature,
                    "SigningCertUrl": f"{endpoint}/SimpleNotificationService-local.pem",
                    "UnsubscribeUrl": (
                        f"{endpoint}/?Action=Unsubscribe&SubscriptionArn={subscription_arn}"
                    ),
                    "MessageAttributes": {},
                },
            }
        ]
    }


def feedback_event(kind: Kind, email: str, *, sent: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``email:feedback`` function's event for one bounce or complaint."""
    return sns_event(json.dumps(ses_event(kind, email, sent=sent), separators=(",", ":")))


class LocalTriggers:
    """The catalogue's ``schedule`` and ``email:feedback`` triggers, fired on request.

    ``handlers``: the functions to call by name (tests pass their own); by default each
    trigger's ``functions.<name>.handler.handler``. The gateway runs these one at a time
    (``Gateway.add_action``), as it runs the routes' functions."""

    def __init__(self, handlers: Handlers | Mapping[str, Handler] | None = None) -> None:
        from promptvault.catalogue import triggers_from

        self.handlers = handlers if isinstance(handlers, Handlers) else Handlers(handlers)
        # period name -> (function, expression)
        self.periods: dict[str, tuple[str, str]] = {
            name: (trigger.function, expression)
            for trigger in triggers_from("schedule")
            for name, expression in trigger.schedules
        }
        self.feedback_functions = [t.function for t in triggers_from("email:feedback")]

    def schedules(self) -> list[dict[str, str]]:
        """``GET /_local/schedules``."""
        return [
            {
                "name": name,
                "function": function,
                "expression": expression,
                "invoke": f"POST /_local/schedules/{name}",
            }
            for name, (function, expression) in self.periods.items()
        ]

    def run_schedule(self, name: str) -> tuple[int, dict[str, Any]]:
        if name not in self.periods:
            known = ", ".join(self.periods) or "none"
            return 404, _error("NOT_FOUND", f"No schedule named {name!r} (known: {known})")
        function, expression = self.periods[name]
        status, payload = self._invoke(function, {"period": name})
        if status == 200:
            payload["data"]["expression"] = expression
        return status, payload

    def email_feedback(self, body: bytes) -> tuple[int, dict[str, Any]]:
        from pydantic import ValidationError

        try:
            sent = json.loads(body or b"null")
        except (ValueError, RecursionError):
            return 400, _error("BAD_REQUEST", "The body is not valid JSON")
        try:
            request = _feedback_model().model_validate(sent)
        except ValidationError as invalid:
            details = [
                {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
                for e in invalid.errors()
            ]
            return 422, _error("VALIDATION_ERROR", "The request is not valid", details)
        if not self.feedback_functions:
            return 501, _error("NOT_IMPLEMENTED", "No email:feedback trigger in the catalogue")
        event = feedback_event(request.type, request.email, sent=_sent_to(request.email))
        # the topic delivers to each subscribed function; the answer is the first failure's
        answers = [self._invoke(function, event) for function in self.feedback_functions]
        return next((a for a in answers if a[0] != 200), answers[0])

    def _invoke(self, function: str, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        handler = self.handlers.get(function)
        if handler is None:
            return 501, _error("NOT_IMPLEMENTED", f"functions/{function} does not exist yet")
        context = LambdaContext(function_name=f"{FUNCTION_PREFIX}{function}")
        try:
            result = handler(event, context)
        except Exception:
            traceback.print_exc(file=sys.stderr)  # Lambda reports the error; so does the log
            return 500, _error("INTERNAL_ERROR", "The function failed; see the runtime log")
        # what a Lambda invoke answers: the return value as JSON
        data = {"function": function, "event": event, "result": _as_json(result)}
        return 200, {"success": True, "data": data}


def _as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


@lru_cache(maxsize=1)
def _feedback_model() -> Any:
    """The request body of ``POST /_local/email/feedback`` (built on first use: the schema
    module reads nothing at import, but the runtime imports this before the environment)."""
    from promptvault.core.schema import ApiModel
    from promptvault.identity.schemas import Email

    class LocalFeedback(ApiModel):
        type: Kind
        email: Email

    return LocalFeedback
