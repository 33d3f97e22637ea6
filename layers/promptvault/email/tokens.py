"""One-click unsubscribe links: a token that names a person, a category and the epoch of
their links, signed so that only we can make one.

The token is itsdangerous' URL-safe serializer over the compact JSON ``[user id, category,
epoch]`` (base64url payload, ``.``, base64url HMAC-SHA256), keyed by a key derived from the
server secret for this purpose alone (HKDF, ``UNSUBSCRIBE_KEY``) and salted per purpose, so
no other signed value of the product reads as one. Tokens never expire: a link in a year-old
email must still work (RFC 8058), and a link is revoked by moving the person's epoch on
(email/preferences.py ``revoke_links``). A token is accepted only in the exact spelling we
make: base64 has spare bits, so one token could otherwise be written several ways.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from itsdangerous import BadData, URLSafeSerializer

from promptvault.core.errors import InvalidToken
from promptvault.core.secret import derived_key
from promptvault.core.settings import get_settings
from promptvault.email.preferences import UNSUBSCRIBE_CATEGORIES

UNSUBSCRIBE_KEY = b"promptvault/unsubscribe/v1"  # HKDF info: this key signs nothing else
SALT = b"promptvault.email.unsubscribe"  # itsdangerous' salt: one per purpose
MAX_TOKEN_LENGTH = 512  # a real token is about 120 characters
UNSUBSCRIBE_PATH = "/v1/email/unsubscribe"
_REFUSED = "This unsubscribe link is not valid. Use the link from the email as it was sent."


@dataclass(frozen=True, slots=True)
class UnsubscribeClaim:
    user_id: str
    category: str
    epoch: int


def _serializer(salt: bytes = SALT) -> URLSafeSerializer:
    # made per use: the key is derived from the server secret, which is never cached in a
    # SnapStart snapshot (core/secret.py); deriving costs microseconds
    return URLSafeSerializer(
        derived_key(UNSUBSCRIBE_KEY),
        salt=salt,
        signer_kwargs={"digest_method": hashlib.sha256, "key_derivation": "hmac"},
    )


def unsubscribe_token(user_id: str, category: str, epoch: int) -> str:
    if category not in UNSUBSCRIBE_CATEGORIES:
        raise ValueError(f"not an unsubscribe category: {category!r}")
    if not user_id or epoch < 0:
        raise ValueError("a token names a user and an epoch of 0 or more")
    return str(_serializer().dumps([user_id, category, epoch]))


def _claim(value: Any) -> UnsubscribeClaim:
    if not (isinstance(value, list) and len(value) == 3):
        raise InvalidToken(_REFUSED)
    user_id, category, epoch = value
    if not (isinstance(user_id, str) and user_id and category in UNSUBSCRIBE_CATEGORIES):
        raise InvalidToken(_REFUSED)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise InvalidToken(_REFUSED)
    return UnsubscribeClaim(user_id, str(category), epoch)


def read_unsubscribe_token(token: str) -> UnsubscribeClaim:
    """The claim a token of ours makes; InvalidToken (400) for anything else: altered,
    truncated, signed for another purpose or with another key, or garbage."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
        raise InvalidToken(_REFUSED)
    serializer = _serializer()
    try:
        value = serializer.loads(token)
    except (BadData, ValueError, UnicodeError):
        raise InvalidToken(_REFUSED) from None
    claim = _claim(value)
    if serializer.dumps([claim.user_id, claim.category, claim.epoch]) != token:
        raise InvalidToken(_REFUSED)  # ours, but not as we spell it
    return claim


def unsubscribe_url(user_id: str, category: str, epoch: int) -> str:
    """The link for emails and their List-Unsubscribe header (RFC 8058: a GET shows a page
    with a button, a POST unsubscribes at once)."""
    token = unsubscribe_token(user_id, category, epoch)
    return f"{get_settings().public_url}{UNSUBSCRIBE_PATH}?token={quote(token, safe='')}"
