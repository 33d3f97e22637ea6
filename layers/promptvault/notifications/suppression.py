"""SES feedback: a permanent bounce or a complaint suppresses the address.

The stage's configuration set publishes bounce and complaint events to an SNS topic that
invokes this consumer. Each reported recipient that is an account's current address gets
``emailSuppressedAt`` and the reason on its profile; the notifier and the digest sender send
nothing to a suppressed address, and the profile (``GET /v1/users/me``) shows it with what
to do. Transient bounces (a full mailbox) suppress nothing: SES retries those itself.
Idempotent by nature: suppressing twice writes the same thing.
"""

from __future__ import annotations

import json
from typing import Any

from promptvault.core.clock import now_iso
from promptvault.identity import directory


def reported(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(address, reason) pairs an SES event names for suppression (event publishing's
    ``eventType`` or a notification's ``notificationType``)."""
    kind = message.get("eventType") or message.get("notificationType")
    if kind == "Bounce":
        bounce = message.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return []
        return [(r["emailAddress"], "bounce") for r in bounce.get("bouncedRecipients") or []]
    if kind == "Complaint":
        complaint = message.get("complaint") or {}
        return [
            (r["emailAddress"], "complaint") for r in complaint.get("complainedRecipients") or []
        ]
    return []


def suppress(address: str, reason: str) -> bool:
    email = address.strip().lower()
    user_id = directory.user_id_by_email(email)
    if user_id is None:
        return False
    return directory.suppress_email(user_id, email, reason, now_iso())


def handle(event: dict[str, Any], _context: Any = None) -> dict[str, int]:
    """Lambda entry (SNS). An error raises: SNS retries the delivery, then its DLQ keeps it."""
    suppressed = 0
    for record in event.get("Records") or []:
        message = json.loads(record["Sns"]["Message"])
        for address, reason in reported(message):
            suppressed += int(suppress(address, reason))
    return {"suppressed": suppressed}
