"""Bodies of the people endpoints: public profiles, follows, the leaderboard, account deletion."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, model_validator

from promptvault.core.schema import ApiModel, Line, Paragraphs
from promptvault.identity.schemas import Code, Email, Password


def _web_url(value: str) -> str:
    """http(s) with a host and no credentials: what a browser may safely link to."""
    parts = urlsplit(value)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ValueError("must be an http(s) URL with a host")
    if parts.username or parts.password or re.search(r"\s", value):
        raise ValueError("must not contain credentials or spaces")
    return value


def _https_url(value: str) -> str:
    if not value.startswith("https://"):
        raise ValueError("must be an https URL")
    return _web_url(value)


Url = Annotated[str, Field(max_length=300), AfterValidator(_web_url)]
ImageUrl = Annotated[str, Field(max_length=500), AfterValidator(_https_url)]
TwitterHandle = Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,15}$")]
# GitHub's rule: 1-39 of letters, digits and single inner hyphens
GithubHandle = Annotated[str, Field(max_length=39, pattern=r"^[A-Za-z0-9](?:-?[A-Za-z0-9])*$")]


class ProfileOut(ApiModel):
    username: str
    display_name: str | None = None
    bio: str | None = None
    avatar_url: str | None = None
    website: str | None = None
    twitter: str | None = None
    github: str | None = None
    joined_at: str
    public_prompts: int = 0
    followers: int = 0
    following: int = 0
    reputation: int = 0


class ProfileUpdate(ApiModel):
    """Any subset; null clears a field."""

    display_name: Annotated[Line, Field(min_length=1, max_length=50)] | None = None
    bio: Annotated[Paragraphs, Field(max_length=300)] | None = None
    avatar_url: ImageUrl | None = None
    website: Url | None = None
    twitter: TwitterHandle | None = None
    github: GithubHandle | None = None

    @model_validator(mode="after")
    def _something(self) -> ProfileUpdate:
        if not self.model_fields_set:
            raise ValueError("send at least one field to change")
        return self


class FollowOut(ApiModel):
    username: str
    followed_at: str


class FollowState(ApiModel):
    username: str
    following: bool


class LeaderboardEntry(ApiModel):
    username: str
    display_name: str | None = None
    reputation: int


class AccountDeletion(ApiModel):
    password: Annotated[str, Field(min_length=8, max_length=256)]


class EmailChange(ApiModel):
    """A new address for the account; the password confirms it is you."""

    email: Email
    password: Password


class EmailChangePending(ApiModel):
    email: str = Field(description="The new address, where Cognito sent its code")
    status: Literal["verification-sent"] = "verification-sent"


class EmailVerification(ApiModel):
    code: Code = Field(description="The code Cognito emailed to the new address")
