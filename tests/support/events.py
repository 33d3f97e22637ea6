"""The event bus in tests: the stage's bus, rules and queues in in-process moto, made by the
local runtime's own code (infra/local/resources.py, with its fix to moto's EventBridge
delivery, infra/local/moto_events.py), and the queues drained into their consumers on demand
by its poller (infra/local/queues.py), as Lambda's SQS event source mapping would."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import boto3

from infra.consumers import bus_name
from infra.local import moto_events
from infra.local.queues import QueuePoller
from infra.local.resources import EventQueue, create_event_bus, create_event_queues, resource_name
from promptvault.catalogue import TRIGGERS

PREFIX = "promptvault-test"
EMAIL_DOMAIN = "promptvault.local"
MAX_ROUNDS = 50  # a message that keeps failing comes back at once (visibility 0): bounded

_routes: list[EventQueue] = []
_pollers: dict[str, QueuePoller] = {}  # the moto world's poller (its client made once)


def queue_name(function: str) -> str:
    return resource_name(PREFIX, function)


def create_bus() -> None:
    """The bus, and per events:queue trigger its queue (with a DLQ) and its rule; the
    sending identity; the environment naming them (settings are re-read by the caller)."""
    name = bus_name(PREFIX)
    os.environ["EVENT_BUS_NAME"] = name
    os.environ["EMAIL_SENDER"] = f"PromptVault <noreply@{EMAIL_DOMAIN}>"
    create_event_bus(name)
    _routes[:] = create_event_queues(name, PREFIX, visibility_timeout=0)
    sends_own = {t.function for t in TRIGGERS if "queue:send-own" in t.access}
    for route in _routes:  # the function that sends to its own queue (webhooks_deliver)
        if route.function in sends_own:
            os.environ["OWN_QUEUE_URL"] = route.queue_url
    _pollers.clear()
    boto3.client("sesv2").create_email_identity(EmailIdentity=EMAIL_DOMAIN)


def install() -> None:
    moto_events.install()


def uninstall() -> None:
    moto_events.uninstall()


def drain_queues(handlers: Mapping[str, Any] | None = None) -> int:
    """Deliver every queued message to its consumer; how many were received. A failed
    message stays on its queue (and comes back on the next round, up to the redrive)."""
    if handlers:
        poller = QueuePoller(list(_routes), boto3.client("sqs"), handlers=dict(handlers))
    else:
        poller = _pollers.get("default") or _pollers.setdefault(
            "default", QueuePoller(list(_routes), boto3.client("sqs"))
        )
    received = 0
    for _ in range(MAX_ROUNDS):
        moved = poller.poll()
        if not moved:
            break
        received += moved
    return received
