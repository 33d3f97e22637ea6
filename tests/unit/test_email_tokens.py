"""Unsubscribe tokens: only ours read, each exactly as we spell it; never expiring, revoked by
the epoch they carry (docs/email.md)."""

from __future__ import annotations

import base64
import hashlib
import json
import string
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import URLSafeSerializer

from promptvault.core.errors import InvalidToken
from promptvault.core.secret import CURSOR_KEY, derived_key
from promptvault.email import tokens
from promptvault.email.preferences import UNSUBSCRIBE_CATEGORIES
from promptvault.email.tokens import (
    UnsubscribeClaim,
    read_unsubscribe_token,
    unsubscribe_token,
    unsubscribe_url,
)
from tests.support.settings import stage_env

USER = "8c3f5e1a-2b4d-4e6f-9a0b-1c2d3e4f5a6b"  # a Cognito sub, as user ids are
URL_SAFE = string.ascii_letters + string.digits + "-_."
# one character of each class a token is written in, and of a few it never contains
REPLACEMENTS = "aZ09-_.+/=%~ é"


def signed(value: object, *, key: bytes = tokens.UNSUBSCRIBE_KEY, salt: bytes = tokens.SALT) -> str:
    return URLSafeSerializer(
        derived_key(key),
        salt=salt,
        signer_kwargs={"digest_method": hashlib.sha256, "key_derivation": "hmac"},
    ).dumps(value)


@pytest.mark.parametrize("category", UNSUBSCRIBE_CATEGORIES)
@pytest.mark.parametrize("epoch", [0, 1, 41, 2**40])
def test_a_token_reads_back_as_the_claim_it_was_made_with(category, epoch):
    token = unsubscribe_token(USER, category, epoch)

    assert read_unsubscribe_token(token) == UnsubscribeClaim(USER, category, epoch)


def test_a_token_is_url_safe_short_and_names_no_email_address():
    token = unsubscribe_token(USER, "prompt.rated", 3)

    assert set(token) <= set(URL_SAFE)
    assert len(token) <= 160
    assert "@" not in base64.urlsafe_b64decode(token.split(".")[0] + "==").decode()


def test_a_token_is_the_same_for_the_same_claim_and_differs_for_any_other():
    made = {
        unsubscribe_token(user, category, epoch)
        for user in (USER, USER.upper(), "u2")
        for category in ("prompt.rated", "digest:daily")
        for epoch in (0, 1)
    }

    assert unsubscribe_token(USER, "prompt.rated", 0) == unsubscribe_token(USER, "prompt.rated", 0)
    assert len(made) == 12


def every_alteration(token: str):
    """The token with each position replaced by each character of REPLACEMENTS, each
    position removed, and a character added at each end."""
    for at, original in enumerate(token):
        for replacement in REPLACEMENTS:
            if replacement != original:
                yield f"{token[:at]}{replacement}{token[at + 1 :]}"
        yield token[:at] + token[at + 1 :]
    for added in "A.-_":
        yield added + token
        yield token + added


def test_every_alteration_of_every_character_is_refused():
    token = unsubscribe_token(USER, "prompt.forked", 2)
    accepted = []

    for altered in every_alteration(token):
        try:
            read_unsubscribe_token(altered)
        except InvalidToken:
            continue
        accepted.append(altered)

    assert accepted == []


def test_a_signature_spelt_with_other_spare_bits_is_refused():
    """base64 of 32 bytes leaves 2 bits of the last character unused: 4 spellings of one
    signature. Only ours is read, so a token has exactly one spelling."""
    token = unsubscribe_token(USER, "prompt.rated", 0)
    payload, signature = token.split(".")
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
    last = alphabet.index(signature[-1])
    same_bytes = [alphabet[(last & ~3) | spare] for spare in range(4)]
    others = [f"{payload}.{signature[:-1]}{c}" for c in same_bytes if c != signature[-1]]

    assert len(others) == 3
    for other in others:
        with pytest.raises(InvalidToken):
            read_unsubscribe_token(other)


@pytest.mark.parametrize(
    ("how", "token"),
    [
        ("another salt", lambda: signed([USER, "prompt.rated", 0], salt=b"promptvault.other")),
        (
            "itsdangerous' default salt",
            lambda: signed([USER, "prompt.rated", 0], salt=b"itsdangerous"),
        ),
        ("the cursor key", lambda: signed([USER, "prompt.rated", 0], key=CURSOR_KEY)),
        (
            "another purpose's key",
            lambda: signed([USER, "prompt.rated", 0], key=b"promptvault/x/v1"),
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_token_signed_for_another_purpose_or_with_another_key_is_refused(how, token):
    with pytest.raises(InvalidToken) as refused:
        read_unsubscribe_token(token())

    assert refused.value.status == 400
    assert refused.value.code == "INVALID_TOKEN"


def test_a_token_made_under_another_server_secret_is_refused():
    token = unsubscribe_token(USER, "prompt.rated", 0)
    from promptvault.core.secret import server_secret

    with stage_env(CURSOR_SECRET="another-stage-secret"):
        server_secret.cache_clear()
        try:
            with pytest.raises(InvalidToken):
                read_unsubscribe_token(token)
            other = unsubscribe_token(USER, "prompt.rated", 0)
        finally:
            server_secret.cache_clear()

    assert other != token
    with pytest.raises(InvalidToken):
        read_unsubscribe_token(other)


@pytest.mark.parametrize(
    "claim",
    [
        [USER, "prompt.commented", 0],  # not a category
        [USER, "digest:hourly", 0],
        [USER, "prompt.rated", -1],
        [USER, "prompt.rated", "0"],
        [USER, "prompt.rated", 1.5],
        [USER, "prompt.rated", True],
        [USER, "prompt.rated"],
        [USER, "prompt.rated", 0, "extra"],
        ["", "prompt.rated", 0],
        [7, "prompt.rated", 0],
        {"userId": USER, "category": "prompt.rated", "epoch": 0},
        "prompt.rated",
        None,
    ],
    ids=lambda claim: json.dumps(claim)[:40],
)
def test_a_signed_claim_of_another_shape_is_refused(claim):
    with pytest.raises(InvalidToken):
        read_unsubscribe_token(signed(claim))


@pytest.mark.parametrize(
    "garbage",
    ["", ".", "..", "a.b", "x" * 513, "not a token", "%00", "\x00", "é.é", "eyJ9.eyJ9", "null"],
    ids=repr,
)
def test_garbage_is_refused_as_invalid_token(garbage):
    with pytest.raises(InvalidToken):
        read_unsubscribe_token(garbage)


def test_a_compressed_payload_is_only_opened_after_its_signature_is_checked():
    """itsdangerous marks a compressed payload with a leading '.'; an unsigned one (a zip
    bomb) is refused before anything is decompressed."""
    bomb = base64.urlsafe_b64encode(b"x\x9c" + b"\x00" * 64).decode().rstrip("=")

    with pytest.raises(InvalidToken):
        read_unsubscribe_token(f".{bomb}.AAAA")


def test_tokens_never_expire():
    """No time in the claim: a link in an email a year old still reads (revocation is the
    epoch's, email/preferences.py)."""
    token = unsubscribe_token(USER, "prompt.rated", 0)
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))

    assert payload == [USER, "prompt.rated", 0]


@pytest.mark.parametrize(
    ("user", "category", "epoch"),
    [(USER, "prompt.commented", 0), ("", "prompt.rated", 0), (USER, "prompt.rated", -1)],
)
def test_no_token_is_made_for_a_claim_that_would_be_refused(user, category, epoch):
    with pytest.raises(ValueError, match=r"category|user|epoch"):
        unsubscribe_token(user, category, epoch)


def test_the_url_is_the_public_base_and_the_unsubscribe_path_with_the_token():
    with stage_env(PUBLIC_URL="https://api.promptvault.example/"):
        url = unsubscribe_url(USER, "digest:weekly", 4)

    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "api.promptvault.example",
        "/v1/email/unsubscribe",
    )
    (token,) = parse_qs(parts.query)["token"]
    assert read_unsubscribe_token(token) == UnsubscribeClaim(USER, "digest:weekly", 4)
