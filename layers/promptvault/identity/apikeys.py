"""Personal API keys: ``pv_<key id>_<secret>``, shown once, stored as SHA-256 of the secret.

The key id in the key makes authentication one GetItem (``APIKEY#<kid>``) followed by a
constant-time hash comparison, and revocation one conditional DeleteItem. The secret is 256
random bits from ``secrets``, so a plain SHA-256 (no salt, no stretching) is enough: there is
no dictionary to attack. Last use is written at most once a minute per key.

Every key expires: at most ``API_KEY_MAX_DAYS`` (settings, a year by default) after its
creation, which is also the expiry of a key created without one. A key stored before there
was a maximum, with no expiry, expires that long after its ``createdAt``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError

from promptvault.core.caller import Caller
from promptvault.core.errors import Conflict, NotFound, Unauthorized, field_error
from promptvault.core.settings import get_settings
from promptvault.data.models import ApiKeyItem
from promptvault.identity.schemas import ApiKeyOut

PREFIX = "pv_"
SK = "APIKEY"
MAX_KEYS_PER_USER = 20
LAST_USED_EVERY = timedelta(minutes=1)
CLOCK_LEEWAY = timedelta(minutes=1)  # a client's "now + the maximum" from a clock a bit ahead
_KEY = re.compile(r"^pv_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
_ID = re.compile(r"^ak_([0-9a-f]{16})$")
_BAD_KEY = "The API key is not valid, revoked or expired"


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def max_lifetime() -> timedelta:
    return timedelta(days=get_settings().api_key_max_days)


def _expiry(expires_at: datetime | None, now: datetime) -> datetime:
    """The expiry to store: the one asked for, if in the future and within the maximum
    lifetime (else 422 on ``expiresAt``), or now + the maximum. Whole seconds, as the TTL
    attribute stores it, so the answer shows what is stored."""
    longest = max_lifetime()
    if expires_at is None:
        return (now + longest).replace(microsecond=0)
    if expires_at <= now:
        raise field_error("expiresAt", "must be in the future")
    if expires_at > now + longest + CLOCK_LEEWAY:
        raise field_error(
            "expiresAt", f"must be at most {longest.days} days from now (the longest a key lives)"
        )
    return expires_at.replace(microsecond=0)


def _expires(item: ApiKeyItem) -> datetime:
    """When a key stops working; a key stored without an expiry lives the maximum."""
    if item.expires_at is not None:
        return item.expires_at
    return datetime.fromisoformat(item.created_at) + max_lifetime()


def public_id(key_hex: str) -> str:
    return f"ak_{key_hex}"


def list_keys(user_id: str) -> list[ApiKeyItem]:
    found = ApiKeyItem.by_owner.query(f"APIKEYS#{user_id}", scan_index_forward=False, limit=100)
    return [item for item in found if isinstance(item, ApiKeyItem)]


def create_key(
    caller: Caller, name: str, scopes: list[str], expires_at: datetime | None
) -> tuple[ApiKeyItem, str]:
    """The stored key and the one-time secret to show."""
    moment = _now()
    expiry = _expiry(expires_at, moment)
    if len(list_keys(caller.user_id)) >= MAX_KEYS_PER_USER:
        raise Conflict(f"At most {MAX_KEYS_PER_USER} keys; revoke one first")
    key_hex, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    now = _iso(moment)
    item = ApiKeyItem(
        f"APIKEY#{key_hex}",
        SK,
        key_id=key_hex,
        user_id=caller.user_id,
        username=caller.username,
        name=name,
        scopes=set(scopes),
        secret_hash=_digest(secret),
        created_at=now,
        expires_at=expiry,
        gsi1pk=f"APIKEYS#{caller.user_id}",
        gsi1sk=f"{now}#{key_hex}",
    )
    item.save(condition=ApiKeyItem.pk.does_not_exist())
    return item, f"{PREFIX}{key_hex}_{secret}"


def revoke_key(caller: Caller, key_id: str) -> None:
    """Deleted at once; another user's key id is 404, as if it did not exist."""
    found = _ID.match(key_id)
    if not found:
        raise NotFound("No API key with that id")
    try:
        ApiKeyItem(f"APIKEY#{found.group(1)}", SK).delete(
            condition=ApiKeyItem.user_id == caller.user_id
        )
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise NotFound("No API key with that id") from error
        raise


def caller_from_key(key: str) -> Caller:
    found = _KEY.match(key)
    if not found:
        raise Unauthorized(_BAD_KEY)
    key_hex, secret = found.groups()
    try:
        item = ApiKeyItem.get(f"APIKEY#{key_hex}", SK)
    except DoesNotExist as missing:
        raise Unauthorized(_BAD_KEY) from missing
    if not hmac.compare_digest(item.secret_hash, _digest(secret)):
        raise Unauthorized(_BAD_KEY)
    now = _now()
    if _expires(item) <= now:
        raise Unauthorized(_BAD_KEY)
    _touch(item, now)
    return Caller(
        user_id=item.user_id,
        key_id=key_hex,
        scopes=frozenset(item.scopes),
        username=item.username,
    )


def _touch(item: ApiKeyItem, now: datetime) -> None:
    """lastUsedAt, at most once a minute: a read-mostly key costs one write a minute, not one
    per request. Losing the race to another request is fine, and so is a revoked key."""
    stale = _iso(now - LAST_USED_EVERY)
    if item.last_used_at is not None and item.last_used_at > stale:
        return
    try:
        item.update(
            actions=[ApiKeyItem.last_used_at.set(_iso(now))],
            condition=ApiKeyItem.pk.exists()
            & (ApiKeyItem.last_used_at.does_not_exist() | (ApiKeyItem.last_used_at < stale)),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def delete_all(user_id: str) -> int:
    keys = list_keys(user_id)
    with ApiKeyItem.batch_write() as batch:
        for key in keys:
            batch.delete(key)
    return len(keys)


def key_out(item: ApiKeyItem) -> ApiKeyOut:
    """What the owner sees of a key: never its secret or hash."""
    return ApiKeyOut(
        id=public_id(item.key_id),
        name=item.name,
        scopes=sorted(item.scopes),
        created_at=item.created_at,
        expires_at=item.expires_at,
        last_used_at=item.last_used_at,
    )
