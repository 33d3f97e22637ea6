"""Webhook secrets and signatures (decision 61).

A webhook's secret is never stored: it is derived from the stage's server secret with
HKDF-SHA256, the info naming the webhook and its secret epoch
(``promptvault/webhook/v1/<wid>/<epoch>``), and shown once, at creation and at each rotation.
A rotation moves the epoch on; the previous epoch keeps signing beside the new one for
``ROLLOVER`` so a receiver can switch without losing a delivery.

A delivery carries ``PromptVault-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]``, each
``v1`` the HMAC-SHA256 of ``"<t>.<body>"`` under one valid secret (the current one first).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime, timedelta

from promptvault.core import secret

ROLLOVER = timedelta(hours=24)
PREFIX = "whsec_"
SIGNATURE_HEADER = "PromptVault-Signature"
EVENT_HEADER = "PromptVault-Event"
DELIVERY_HEADER = "PromptVault-Delivery"


def webhook_secret(webhook_id: str, epoch: int) -> str:
    """The secret of one webhook at one epoch, as the receiver holds it."""
    key = secret.derived_key(f"promptvault/webhook/v1/{webhook_id}/{epoch}".encode())
    return PREFIX + base64.urlsafe_b64encode(key).rstrip(b"=").decode()


def epochs_signing(
    epoch: int, previous_epoch: int | None, previous_until: str | None, now: datetime
) -> list[int]:
    """The epochs whose secrets sign now: the current one, and the previous one during its
    rollover."""
    epochs = [epoch]
    if (
        previous_epoch is not None
        and previous_until is not None
        and datetime.fromisoformat(previous_until.replace("Z", "+00:00")) > now
    ):
        epochs.append(previous_epoch)
    return epochs


def sign(secrets: Sequence[str], timestamp: int, body: bytes) -> str:
    """The signature header's value for a body sent at ``timestamp`` (unix seconds)."""
    signed = str(timestamp).encode() + b"." + body
    parts = [f"t={timestamp}"]
    for value in secrets:
        digest = hmac.new(value.encode(), signed, hashlib.sha256).hexdigest()
        parts.append(f"v1={digest}")
    return ",".join(parts)
