"""The route catalogue: the one list of endpoints.

CDK reads it to create one function and one route per row, the local gateway to dispatch,
the OpenAPI generator to describe, and the tests to prove every function has a route.
Standard library only: importing it must stay free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

# public: no identity is read; optional: a token is read when sent (a bad one is 401);
# user: a valid token is required.
AuthMode = Literal["public", "optional", "user"]

# What a function may touch; infra turns each into IAM statements (least privilege).
Access = Literal[
    "table:read",
    "table:write",
    "cognito:client",  # sign-up, login, refresh, password flows (public client APIs)
    "cognito:admin-confirm",  # auto-confirm in stages that turn it on
]


@dataclass(frozen=True, slots=True)
class Throttle:
    rate: int = 50  # steady requests per second (API Gateway route throttling)
    burst: int = 100


@dataclass(frozen=True, slots=True)
class Route:
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str  # API Gateway syntax: /v1/prompts/{id}
    function: str  # package under functions/
    auth: AuthMode
    summary: str
    access: tuple[Access, ...] = ()
    throttle: Throttle = field(default_factory=Throttle)
    max_body_bytes: int = 64 * 1024
    tag: str = "prompts"

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def resolver_path(self) -> str:
        """The same path in the event handler's syntax: /v1/prompts/<id>."""
        return re.sub(r"\{(\w+)\}", r"<\1>", self.path)

    @property
    def handler(self) -> str:
        return f"functions.{self.function}.handler.handler"


_AUTH = Throttle(rate=10, burst=20)
_READ: tuple[Access, ...] = ("table:read",)
_WRITE: tuple[Access, ...] = ("table:read", "table:write")

ROUTES: tuple[Route, ...] = (
    # accounts
    Route(
        "POST",
        "/v1/auth/signup",
        "auth_signup",
        "public",
        "Create an account",
        ("table:read", "table:write", "cognito:client", "cognito:admin-confirm"),
        _AUTH,
        4096,
        "auth",
    ),
    Route(
        "POST",
        "/v1/auth/confirm",
        "auth_confirm",
        "public",
        "Confirm an account with the emailed code",
        ("cognito:client",),
        _AUTH,
        4096,
        "auth",
    ),
    Route(
        "POST",
        "/v1/auth/login",
        "auth_login",
        "public",
        "Log in with email and password",
        ("cognito:client",),
        _AUTH,
        4096,
        "auth",
    ),
    Route(
        "POST",
        "/v1/auth/refresh",
        "auth_refresh",
        "public",
        "Exchange a refresh token for new tokens",
        ("cognito:client",),
        _AUTH,
        8192,
        "auth",
    ),
    Route(
        "POST",
        "/v1/auth/forgot-password",
        "auth_forgot_password",
        "public",
        "Send a password reset code",
        ("cognito:client",),
        _AUTH,
        4096,
        "auth",
    ),
    Route(
        "POST",
        "/v1/auth/reset-password",
        "auth_reset_password",
        "public",
        "Set a new password with the reset code",
        ("cognito:client",),
        _AUTH,
        4096,
        "auth",
    ),
    Route(
        "GET",
        "/v1/users/me",
        "users_me",
        "user",
        "The signed-in user's profile",
        _READ,
        tag="users",
    ),
    Route(
        "GET",
        "/v1/users/me/prompts",
        "users_me_prompts",
        "user",
        "The signed-in user's prompts, newest first",
        _READ,
        tag="users",
    ),
    # prompts
    Route(
        "POST",
        "/v1/prompts",
        "prompts_create",
        "user",
        "Create a prompt and its first version",
        _WRITE,
        Throttle(10, 20),
    ),
    Route(
        "GET",
        "/v1/prompts",
        "prompts_list",
        "public",
        "Public published prompts, newest first",
        _READ,
    ),
    Route("GET", "/v1/prompts/{id}", "prompts_get", "optional", "One prompt by id or slug", _READ),
    Route(
        "PATCH",
        "/v1/prompts/{id}",
        "prompts_update",
        "user",
        "Edit a prompt (If-Match required); content edits write a new version",
        _WRITE,
    ),
    Route(
        "DELETE",
        "/v1/prompts/{id}",
        "prompts_delete",
        "user",
        "Delete a prompt with its versions",
        _WRITE,
    ),
    Route(
        "GET",
        "/v1/prompts/{id}/versions",
        "versions_list",
        "optional",
        "A prompt's versions, newest first",
        _READ,
        tag="versions",
    ),
    Route(
        "GET",
        "/v1/prompts/{id}/versions/{n}",
        "versions_get",
        "optional",
        "One version of a prompt",
        _READ,
        tag="versions",
    ),
    Route(
        "POST",
        "/v1/prompts/{id}/versions/{n}/restore",
        "versions_restore",
        "user",
        "Write a new version equal to version n",
        _WRITE,
        max_body_bytes=4096,
        tag="versions",
    ),
    Route(
        "GET",
        "/v1/prompts/{id}/diff",
        "prompts_diff",
        "optional",
        "Unified diff between two versions",
        _READ,
        tag="versions",
    ),
    # reference data
    Route(
        "GET",
        "/v1/categories",
        "reference_categories",
        "public",
        "Prompt categories",
        tag="reference",
    ),
    Route(
        "GET",
        "/v1/models",
        "reference_models",
        "public",
        "AI models prompts target",
        tag="reference",
    ),
)


def by_function() -> dict[str, Route]:
    return {route.function: route for route in ROUTES}


@dataclass(frozen=True, slots=True)
class Trigger:
    """A function that is not behind a route: Cognito triggers, later the stream consumers."""

    function: str
    source: Literal["cognito:pre-sign-up"]
    summary: str

    @property
    def handler(self) -> str:
        return f"functions.{self.function}.handler.handler"


TRIGGERS: tuple[Trigger, ...] = (
    Trigger(
        "auth_presignup", "cognito:pre-sign-up", "Auto-confirm sign-ups where the stage allows"
    ),
)
