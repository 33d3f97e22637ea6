"""Bodies of the account endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import EmailStr, Field

from promptvault.web.responses import ApiModel

Username = Annotated[str, Field(pattern=r"^[a-z0-9_-]{3,30}$", description="3-30 of a-z 0-9 _ -")]
# Cognito's own policy (identity/pool.py) decides strength; this bounds size before any call.
Password = Annotated[str, Field(min_length=8, max_length=256)]
Code = Annotated[str, Field(pattern=r"^[0-9A-Za-z]{4,12}$")]
Email = Annotated[EmailStr, Field(max_length=254)]


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


class UserOut(ApiModel):
    id: str
    username: str
    email: str
    display_name: str | None = None
    created_at: str
    confirmed: bool | None = None


class Accepted(ApiModel):
    message: str
