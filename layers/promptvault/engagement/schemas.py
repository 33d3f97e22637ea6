"""Request and response bodies of the engagement endpoints (pydantic v2)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictInt

from promptvault.core.schema import ApiModel
from promptvault.prompts.schemas import PromptOut, Status, Title, Visibility

# Client-generated, opaque; hashed with a keyed hash before it is stored or compared.
GuestId = Annotated[str, Field(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Score = Annotated[StrictInt, Field(ge=1, le=5)]


class RatingIn(ApiModel):
    score: Score
    guest_id: GuestId | None = None


class RatingOut(ApiModel):
    prompt_id: str
    score: int
    rater: Literal["user", "guest"]


class RatingGroup(ApiModel):
    count: int
    average: float | None  # null while count is 0


class RatingsOut(ApiModel):
    """Counted ratings are others': an owner's rating of their own prompt is only ``mine``."""

    prompt_id: str
    average: float | None
    count: int
    breakdown: dict[str, int]  # "1".."5" -> raters
    signed_in: RatingGroup  # the ratings of signed-in users (the ones reputation counts)
    guest: RatingGroup  # guests' ratings (at most one per prompt, client network and day)
    mine: int | None


class UsageOut(ApiModel):
    prompt_id: str
    kind: Literal["view", "copy"]
    accepted: bool = True


class BookmarkOut(ApiModel):
    prompt_id: str
    bookmarked: bool


class BookmarkEntry(ApiModel):
    bookmarked_at: str
    prompt: PromptOut


class ForkIn(ApiModel):
    title: Title | None = None
    visibility: Visibility = "public"
    status: Status = "published"
