"""Webhook request and response bodies (docs/webhooks.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from promptvault.core.schema import ApiModel, Line

# The events a webhook may subscribe to (events/catalogue.py); ``webhook.test`` is the ping
# ``POST /v1/webhooks/{id}/test`` sends, never subscribed to.
WebhookEvent = Literal["prompt.version.created", "prompt.label.moved", "prompt.deleted"]
WEBHOOK_EVENTS: tuple[WebhookEvent, ...] = (
    "prompt.version.created",
    "prompt.label.moved",
    "prompt.deleted",
)
DeliveryStatus = Literal["pending", "delivered", "failed"]


def _distinct(events: list[WebhookEvent]) -> list[WebhookEvent]:
    if len(set(events)) != len(events):
        raise ValueError("must not name an event twice")
    return events


class WebhookCreate(ApiModel):
    url: Annotated[str, StringConstraints(min_length=1, max_length=2048)] = Field(
        description=(
            "An https URL of a public host, port 443 or 8443, without credentials or fragment; "
            "checked after DNS resolution now and before every delivery (the local stage also "
            "takes http://127.0.0.1:<port>)"
        )
    )
    events: Annotated[
        list[WebhookEvent], Field(min_length=1, max_length=3), AfterValidator(_distinct)
    ]
    description: Annotated[Line, StringConstraints(max_length=200)] | None = None


class WebhookOut(ApiModel):
    id: str
    url: str
    events: list[str]
    description: str | None = None
    created_at: str
    rotating_until: str | None = Field(
        default=None,
        description="While a rotation rolls over: when the previous secret stops signing",
    )


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret: shown this once, never again")


class SecretRotated(ApiModel):
    id: str
    secret: str = Field(description="The new signing secret: shown this once, never again")
    previous_valid_until: str = Field(
        description="Until then deliveries carry a second v1 signature, by the previous secret"
    )


class DeliveryOut(ApiModel):
    id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None = None
    last_error: str | None = None
    last_duration_ms: int | None = None
    next_attempt_at: str | None = Field(
        default=None, description="When the next attempt is due (pending deliveries only)"
    )
    created_at: str
    updated_at: str


class PingOutcome(ApiModel):
    delivery_id: str
    delivered: bool = Field(description="The receiver answered 2xx")
    status_code: int | None = Field(description="The receiver's status; null: no answer")
    duration_ms: int
    error: str | None = Field(description="Why it was not delivered, when it was not")
