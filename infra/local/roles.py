"""``POST /_local/roles`` {email, role}: give a local account a role, with no admin to ask.

Local runtime only: the gateway on 127.0.0.1 answers it; it is not a catalogue route, so it
is never deployed and never in the OpenAPI document. It does what ``PUT
/v1/admin/users/{username}/role`` does (``promptvault.identity.roles.set_role``, as an admin):
the account's Cognito group becomes exactly ``role``. As there, the change shows in the
account's next token: log in again (or refresh) to act with it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import boto3
from pydantic import ValidationError

from promptvault.core.caller import Caller
from promptvault.core.errors import DomainError, NotFound
from promptvault.core.schema import ApiModel
from promptvault.core.settings import get_settings
from promptvault.identity.directory import get_profile
from promptvault.identity.roles import set_role
from promptvault.identity.schemas import Email, Role

# who set_role sees: an admin that is no account
_LOCAL_ADMIN = Caller(user_id="local-runtime", groups=frozenset({"admin"}))


class LocalRole(ApiModel):
    email: Email
    role: Role


def _error(code: str, message: str, details: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message, "details": details or []}}


@lru_cache(maxsize=1)
def _cognito() -> Any:
    return boto3.client("cognito-idp", region_name=get_settings().region)


def _user_id(email: str) -> str:
    """The account's id: its Cognito user's ``sub`` (sign-up names the user by its email)."""
    cognito = _cognito()
    pool = get_settings().user_pool_id
    try:
        user = cognito.admin_get_user(UserPoolId=pool, Username=email)
    except cognito.exceptions.UserNotFoundException as missing:
        raise NotFound("No account with that email") from missing
    attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
    return str(attributes["sub"])


def assign_role(body: bytes) -> tuple[int, dict[str, Any]]:
    """The status and the envelope answering one request."""
    try:
        sent = json.loads(body or b"null")
    except (ValueError, RecursionError):
        return 400, _error("BAD_REQUEST", "The body is not valid JSON")
    try:
        request = LocalRole.model_validate(sent)
    except ValidationError as invalid:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
            for e in invalid.errors()
        ]
        return 422, _error("VALIDATION_ERROR", "The request is not valid", details)
    email = request.email.lower()  # how sign-up names the Cognito user
    try:
        profile = get_profile(_user_id(email))
        if profile is None:
            raise NotFound("No account with that email")
        role = set_role(_LOCAL_ADMIN, profile.username, request.role)
    except DomainError as refused:
        return refused.status, _error(refused.code, refused.message, refused.details)
    data = {"email": email, "username": profile.username, "role": role}
    meta = {"note": "log in again (or refresh) for a token that carries the role"}
    return 200, {"success": True, "data": data, "meta": meta}
