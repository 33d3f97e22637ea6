"""Bodies of the moderation endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from promptvault.core.schema import ApiModel, Line


class ModerationRequest(ApiModel):
    """Why: recorded with the action, and shown to the prompt's owner for an archive."""

    reason: Annotated[Line, Field(min_length=3, max_length=500)]


class ModerationOut(ApiModel):
    """What a moderator did (who, what, when, why)."""

    action_id: str
    target_type: str = Field(description="prompt or user")
    target_id: str
    prompt_id: str | None = Field(description="The prompt, when the target is one")
    action: str
    reason: str
    moderator_id: str
    created_at: str
