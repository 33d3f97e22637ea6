"""Bodies of the notification preference and unsubscribe endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, model_validator

from promptvault.core.schema import ApiModel

EmailModeField = Literal["instant", "daily", "weekly", "off"]
# email/preferences.py CATEGORIES, as the body's keys (an unknown type is 422, named)
Category = Literal[
    "prompt.rated",
    "prompt.bookmarked",
    "prompt.forked",
    "user.followed",
    "comment.created",
    "comment.replied",
    "user.mentioned",
]


class PreferenceOut(ApiModel):
    in_app: bool = Field(description="In-app notifications of this type")
    email: EmailModeField = Field(
        description="Email: at once, in the daily or weekly digest, or never"
    )


class PreferencesOut(ApiModel):
    preferences: dict[str, PreferenceOut] = Field(
        description="Every event type that notifies, with its choice (defaults included)"
    )


class PreferenceChange(ApiModel):
    """What to change of one type: either field or both; a field left out (or null) stays."""

    in_app: StrictBool | None = None
    email: EmailModeField | None = None

    @model_validator(mode="after")
    def _something(self) -> PreferenceChange:
        if self.in_app is None and self.email is None:
            raise ValueError("send inApp, email or both")
        return self


class PreferencesUpdate(ApiModel):
    preferences: Annotated[dict[Category, PreferenceChange], Field(min_length=1)] = Field(
        description="The types to change, each with the fields to change"
    )


class OneClickUnsubscribe(ApiModel):
    """RFC 8058's one-click body, as mail providers post it (a form)."""

    list_unsubscribe: Literal["One-Click"] = Field(alias="List-Unsubscribe")


class UnsubscribedOut(ApiModel):
    category: str = Field(
        description="What the link stops: an event type, or digest:daily / digest:weekly"
    )
    email: Literal["off"] = "off"
