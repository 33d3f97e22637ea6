"""The event catalogue: the one list of domain events, their versions and their schemas.

A domain event is a fact about the product ("a prompt was rated"), derived from a table
change by the events consumer (``streams/domain_events.py``) and published to the stage's
EventBridge bus with ``source`` = ``SOURCE`` and ``detail-type`` = the event's type. Its
``detail`` is an ``Envelope``: a stable id (derived from the stream record, so a
redelivered record publishes the same id), the schema version, when it happened and the
typed ``data``. Consumers (the notifier, webhooks; audit later) subscribe by
detail-type through rules (``catalogue.Trigger.events``). ``docs/events.md`` is generated
from this list (``python -m promptvault.events.docs``); a test keeps it current.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from promptvault.core.schema import ApiModel

SOURCE = "promptvault"


class PromptRated(ApiModel):
    prompt_id: str = Field(description="The rated prompt")
    actor_id: str | None = Field(description="Who rated it; null for a guest")
    score: int = Field(ge=1, le=5)


class PromptBookmarked(ApiModel):
    prompt_id: str
    actor_id: str = Field(description="Who bookmarked it")


class PromptForked(ApiModel):
    prompt_id: str = Field(description="The original")
    fork_id: str = Field(description="The new prompt")
    actor_id: str = Field(description="Who forked it (the fork's owner)")


class PromptVersionCreated(ApiModel):
    prompt_id: str
    version: int = Field(ge=1)
    actor_id: str = Field(description="The version's author")
    owner_id: str = Field(
        description="The prompt's owner (only the owner writes versions: the author)"
    )


class PromptLabelMoved(ApiModel):
    prompt_id: str
    label: str
    from_version: int | None = Field(description="Where it pointed before; null: a new label")
    to_version: int | None = Field(description="Where it points now; null: the label removed")
    actor_id: str = Field(description="Who moved it")
    owner_id: str = Field(description="The prompt's owner")


class PromptDeleted(ApiModel):
    prompt_id: str
    owner_id: str = Field(description="Whose prompt it was")
    slug: str = Field(description="Its slug, never given to another prompt")
    version: int = Field(ge=1, description="Its last version")


class UserFollowed(ApiModel):
    user_id: str = Field(description="Who is followed")
    actor_id: str = Field(description="Who follows")


class CommentCreated(ApiModel):
    prompt_id: str = Field(description="The commented prompt (its owner is told)")
    comment_id: str
    actor_id: str = Field(description="Who commented")


class CommentReplied(ApiModel):
    prompt_id: str
    comment_id: str = Field(description="The reply")
    parent_id: str = Field(description="The comment replied to (its author is told)")
    actor_id: str = Field(description="Who replied")


class UserMentioned(ApiModel):
    user_id: str = Field(description="Who is mentioned (and told)")
    prompt_id: str
    comment_id: str = Field(description="The comment that mentions them")
    actor_id: str = Field(description="The comment's author")


class ReportResolved(ApiModel):
    report_id: str
    reporter_id: str = Field(description="Who filed the report: the one to tell")
    target_type: str = Field(description="prompt or user")
    target_id: str
    action: str = Field(description="dismiss, hide, remove or restore")


EventType = Literal[
    "prompt.rated",
    "prompt.bookmarked",
    "prompt.forked",
    "prompt.version.created",
    "prompt.label.moved",
    "prompt.deleted",
    "user.followed",
    "report.resolved",
    "comment.created",
    "comment.replied",
    "user.mentioned",
]
# The table change an event is made from: an item's INSERT (its new image), or its REMOVE by a
# request (its old image; a TTL sweep is never an event).
Change = Literal["INSERT", "REMOVE"]


@dataclass(frozen=True, slots=True)
class EventSpec:
    type: EventType
    version: int
    data: builtins.type[ApiModel]
    summary: str
    item: str  # the table item (its ``type``) whose change is the event
    change: Change = "INSERT"


EVENTS: tuple[EventSpec, ...] = (
    EventSpec(
        "prompt.rated", 1, PromptRated, "Someone rated a prompt for the first time", "Rating"
    ),
    EventSpec("prompt.bookmarked", 1, PromptBookmarked, "Someone bookmarked a prompt", "Bookmark"),
    EventSpec("prompt.forked", 1, PromptForked, "Someone forked a prompt", "Fork"),
    EventSpec(
        "prompt.version.created", 1, PromptVersionCreated, "A prompt got a new version", "Version"
    ),
    EventSpec(
        "prompt.label.moved",
        1,
        PromptLabelMoved,
        "A label of a prompt was moved to a version, or removed",
        "LabelMove",
    ),
    EventSpec("prompt.deleted", 1, PromptDeleted, "A prompt was deleted", "Prompt", "REMOVE"),
    EventSpec("user.followed", 1, UserFollowed, "Someone followed a user", "Follow"),
    EventSpec(
        "report.resolved",
        1,
        ReportResolved,
        "A moderator resolved someone's report (the reporter learns the outcome)",
        "ReportOutcome",
    ),
    EventSpec("comment.created", 1, CommentCreated, "Someone commented on a prompt", "Comment"),
    EventSpec("comment.replied", 1, CommentReplied, "Someone replied to a comment", "Reply"),
    EventSpec(
        "user.mentioned", 1, UserMentioned, "A comment mentioned a user by @username", "Mention"
    ),
)


def spec(event_type: str) -> EventSpec:
    for candidate in EVENTS:
        if candidate.type == event_type:
            return candidate
    raise KeyError(event_type)


class Envelope(ApiModel):
    """An event's ``detail`` on the bus."""

    id: str = Field(description="Stable: the same table change always gives the same id")
    type: EventType
    version: int
    occurred_at: str = Field(description="ISO 8601, UTC: when the table change happened")
    data: dict[str, object]

    def typed(self) -> ApiModel:
        return spec(self.type).data.model_validate(self.data)
