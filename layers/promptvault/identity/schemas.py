"""Bodies of the account endpoints: sign-up and tokens, API keys, roles."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, EmailStr, Field

from promptvault.core.schema import ApiModel, Line

Username = Annotated[str, Field(pattern=r"^[a-z0-9_-]{3,30}$", description="3-30 of a-z 0-9 _ -")]
# Cognito's own policy (identity/pool.py) decides strength; this bounds size before any call.
Password = Annotated[str, Field(min_length=8, max_length=256)]
Code = Annotated[str, Field(pattern=r"^[0-9A-Za-z]{4,12}$")]
Email = Annotated[EmailStr, Field(max_length=254)]
KeyScope = Literal["read", "write"]
Role = Literal["user", "moderator", "admin"]
KeyName = Annotated[Line, Field(min_length=1, max_length=64)]


def _read_first(scopes: list[str]) -> list[str]:
    if "read" not in scopes:
        raise ValueError('must include "read": ["read"] or ["read", "write"]')
    return sorted(set(scopes))


class SignUpRequest(ApiModel):
    email: Email
    password: Password
    username: Username


class ConfirmRequest(ApiModel):
    email: Email
    code: Code


class LoginRequest(ApiModel):
    email: Email
    password: Password


class RefreshRequest(ApiModel):
    refresh_token: Annotated[str, Field(min_length=20, max_length=8192)]


class ForgotPasswordRequest(ApiModel):
    email: Email


class ResetPasswordRequest(ApiModel):
    email: Email
    code: Code
    password: Password


class Tokens(ApiModel):
    access_token: str
    id_token: str
    refresh_token: str | None = None
    expires_in: int
    token_type: str = "Bearer"


class EmailStatus(ApiModel):
    """Whether the product may email this address (issue 11)."""

    suppressed: bool
    reason: Literal["bounce", "complaint"] | None = None
    since: str | None = None
    how_to_fix: str | None = None


class UserOut(ApiModel):
    id: str
    username: str
    email: str
    display_name: str | None = None
    created_at: str
    confirmed: bool | None = None
    email_status: EmailStatus | None = None


class Accepted(ApiModel):
    message: str


class ApiKeyCreate(ApiModel):
    name: KeyName
    # a field validator, so a refusal names "scopes" (a model validator's names the body)
    scopes: Annotated[
        list[KeyScope], Field(min_length=1, max_length=2), AfterValidator(_read_first)
    ] = ["read"]
    expires_at: AwareDatetime | None = Field(
        default=None,
        description=(
            "When the key stops working: in the future and at most the stage's maximum key "
            "lifetime ahead (365 days unless the stage sets API_KEY_MAX_DAYS), else 422. "
            "Omitted or null: now + that maximum. Stored in whole seconds."
        ),
    )


class ApiKeyOut(ApiModel):
    id: str
    name: str
    scopes: list[str]
    created_at: str
    expires_at: datetime | None = None
    last_used_at: str | None = None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The secret: shown this once, never again")


class RoleUpdate(ApiModel):
    role: Role


class RoleOut(ApiModel):
    username: str
    role: Role
