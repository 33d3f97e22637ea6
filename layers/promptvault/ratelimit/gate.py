"""The rate-limit check every function runs after authentication and before its route.

Identity: the person (the signed-in user, or the owner of the API key: every key of one
person and their token share one budget), else the client IP. The "auth" action also
counts against the account being signed into (the email in the body, or the signed-in caller's
own account) so a password can't be guessed from many addresses, and against the IP more
loosely.
"""

from __future__ import annotations

import json
from typing import Any

from promptvault.catalogue import Route
from promptvault.core.caller import Caller
from promptvault.ratelimit.counter import hit
from promptvault.ratelimit.limits import ACTIONS, active


def client_ip(event: dict[str, Any]) -> str:
    return str(event.get("requestContext", {}).get("http", {}).get("sourceIp") or "unknown")


def identity_of(caller: Caller | None, event: dict[str, Any]) -> str:
    # A key counts against its owner: twenty keys must not buy twenty-one budgets.
    if caller is not None:
        return f"user:{caller.user_id}"
    return f"ip:{client_ip(event)}"


def _account_signed_into(caller: Caller | None, event: dict[str, Any]) -> str:
    # A signed-in person re-entering their password (deleting the account, changing its
    # address) counts against their own account: an email in such a body is a new address,
    # and counting against it would give a stolen token a fresh budget per address tried.
    if caller is not None:
        return identity_of(caller, event)
    try:
        body = json.loads(event.get("body") or "{}") if not event.get("isBase64Encoded") else {}
    except ValueError:
        body = {}
    email = body.get("email") if isinstance(body, dict) else None
    if isinstance(email, str) and 0 < len(email) <= 254:
        return f"account:{email.strip().lower()}"
    return identity_of(caller, event)


def check(route: Route, caller: Caller | None, event: dict[str, Any]) -> None:
    """Raises TooManyRequests (429, Retry-After) when any bucket of the route is spent."""
    limits = active()
    for bucket in ACTIONS[route.rate_limit]:
        limit = limits.get(bucket)
        if limit is None:
            continue
        if bucket == "auth-account":
            identity = _account_signed_into(caller, event)
        elif bucket == "auth-ip":
            identity = f"ip:{client_ip(event)}"
        else:
            identity = identity_of(caller, event)
        hit(identity, bucket, limit)
