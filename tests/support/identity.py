"""Callers of every kind: users with a role, and personal API keys."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import boto3

from promptvault.core.settings import get_settings
from tests.support.api import call
from tests.support.factories import PASSWORD, User, sign_up


def with_role(role: str, user: User | None = None) -> User:
    """A user in the Cognito group ``role``, with a fresh token that carries it."""
    user = user or sign_up()
    boto3.client("cognito-idp").admin_add_user_to_group(
        UserPoolId=get_settings().user_pool_id, Username=user.email, GroupName=role
    )
    return relogin(user)


def relogin(user: User) -> User:
    login = call("POST", "/v1/auth/login", {"email": user.email, "password": PASSWORD})
    assert login.status == 200, login.body
    return replace(user, token=login.data["accessToken"])


def api_key(user: User, scopes: tuple[str, ...] = ("read",), **extra: Any) -> dict[str, Any]:
    """A new key of ``user``: id, name, scopes, ... and the one-time ``key``."""
    body = {"name": "test key", "scopes": list(scopes), **extra}
    made = call("POST", "/v1/users/me/api-keys", body, token=user.token)
    assert made.status == 201, made.body
    return dict(made.data)


def revoked_key(user: User) -> str:
    key = api_key(user, ("read", "write"))
    gone = call("DELETE", f"/v1/users/me/api-keys/{key['id']}", token=user.token)
    assert gone.status == 204, gone.body
    return str(key["key"])
