"""Callers of every kind: users with a role, and personal API keys."""

from __future__ import annotations

import re
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


def verification_code(address: str) -> str:
    """The code of the latest email Cognito sent to ``address`` (a change of address): moto
    keeps it with the product's emails (infra/local/moto_cognito.py)."""
    from infra.local.moto_cognito import COGNITO_SENDER
    from infra.local.outbox import sent_emails

    sent = [e for e in sent_emails() if address in e["to"] and e["from"] == COGNITO_SENDER]
    assert sent, f"Cognito sent no code to {address}"
    found = re.search(r"\b(\d{6})\b", sent[-1]["text"] or "")
    assert found, sent[-1]
    return found.group(1)


def ask_email_change(user: User, address: str) -> str:
    """``user`` asks to move to ``address`` (PUT /v1/users/me/email); the code Cognito sent."""
    asked = call("PUT", "/v1/users/me/email", {"email": address, "password": PASSWORD}, user.token)
    assert asked.status == 202, asked.body
    return verification_code(address)
