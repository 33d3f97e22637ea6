"""Cognito access-token verification: signature against the pool's JWKS (cached), expiry,
issuer, token use and app client. Any failure is a 401, never a 500."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.request import urlopen

import jwt
from jwt import PyJWK, PyJWKClient, PyJWKSet

from promptvault.core import snapshot
from promptvault.core.caller import Caller
from promptvault.core.errors import Unauthorized
from promptvault.core.settings import get_settings

_JWKS_LIFESPAN_SECONDS = 3600
_LEEWAY_SECONDS = 5


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> PyJWKClient:
    return PyJWKClient(url, cache_keys=True, lifespan=_JWKS_LIFESPAN_SECONDS, timeout=5)


@lru_cache(maxsize=4)
def _file_key_set(url: str) -> PyJWKSet:
    """A JWKS on disk (file:// URL): offline tests and air-gapped local runs."""
    with urlopen(url) as handle:  # noqa: S310  (only file:// reaches here)
        return PyJWKSet.from_json(handle.read().decode())


# A restored sandbox fetches the pool's keys again: a snapshot can be days old.
snapshot.renew_after_restore(_jwks_client.cache_clear)


def _signing_key(url: str, token: str) -> PyJWK:
    if url.startswith("file://"):
        return _file_key_set(url)[jwt.get_unverified_header(token).get("kid", "")]
    return _jwks_client(url).get_signing_key_from_jwt(token)


def verify_access_token(token: str) -> dict[str, Any]:
    settings = get_settings()
    try:
        signing_key = _signing_key(settings.jwks_url, token)
        claims: dict[str, Any] = jwt.decode(
            token,
            signing_key.key,
            algorithms=["RS256"],
            issuer=settings.token_issuer,
            leeway=_LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "sub", "token_use", "client_id"]},
        )
    except (jwt.PyJWTError, KeyError) as exc:
        raise Unauthorized("The access token is not valid") from exc
    if claims.get("token_use") != "access":
        raise Unauthorized("An access token is required")
    if claims.get("client_id") != settings.user_pool_client_id:
        raise Unauthorized("The access token was issued to another client")
    return claims


def caller_from_token(token: str) -> Caller:
    """The person a verified Cognito access token names, with their groups."""
    claims = verify_access_token(token)
    groups = claims.get("cognito:groups") or []
    return Caller(user_id=str(claims["sub"]), groups=frozenset(map(str, groups)))
