"""The notifications routes' bodies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, field_validator, model_validator

from promptvault.core.schema import ApiModel

NotificationId = Annotated[str, Field(pattern=r"^[0-9a-f]{20}$", description="A notification id")]


class ActorOut(ApiModel):
    username: str | None = Field(description="null for a guest (ratings without an account)")
    display_name: str | None = None


class TargetOut(ApiModel):
    type: Literal["prompt", "user"]
    id: str
    title: str = Field(description="The prompt's title, or the user's display name")
    slug: str | None = None
    username: str | None = None


class NotificationOut(ApiModel):
    id: str
    type: str = Field(description="The event type: prompt.rated, prompt.forked, user.followed, …")
    text: str = Field(description='What happened, in words: "ada and 4 others rated …"')
    actors: list[ActorOut] = Field(description="The latest actors (up to 3), newest first")
    count: int = Field(description="How many times it happened since it was last read")
    target: TargetOut
    read: bool
    created_at: str
    updated_at: str


class UnreadCountOut(ApiModel):
    unread: int = Field(description=f"Unread notifications, counted up to {1000}")


class MarkRead(ApiModel):
    """Either ``ids`` (up to 100) or ``all``: true."""

    ids: Annotated[list[NotificationId], Field(min_length=1, max_length=100)] | None = None
    all: StrictBool | None = None

    @field_validator("all")
    @classmethod
    def only_true(cls, value: bool | None) -> bool | None:
        if value is False:
            raise ValueError("send all: true, or ids")
        return value

    @model_validator(mode="after")
    def one_of(self) -> MarkRead:
        if (self.ids is None) == (self.all is None):
            raise ValueError("send either ids or all: true")
        return self


class MarkedOut(ApiModel):
    marked: int = Field(description="Notifications that were unread and are now read")
