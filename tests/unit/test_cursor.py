"""Pagination cursors are opaque (encrypted), tamper-evident and bound to the listing they came
from."""

import base64
import json

import pytest

from promptvault.core.cursors import decode_cursor, encode_cursor, page_meta
from promptvault.core.errors import InvalidCursor
from tests.support.cursors import shows_any

LAST_KEY = {"PK": {"S": "PROMPT#p_1"}, "SK": {"S": "VERSION#000003"}}
SCOPE = "versions:p_1"
OTHER_USER = "4f1c9a52-7d3e-4b8a-9c61-2e5f0d8b7a13"
FOLLOWERS_KEY = {
    "PK": {"S": f"USER#{OTHER_USER}"},
    "SK": {"S": "FOLLOWS#0b6e2d94-31c7-4f5a-8e02-9d4b7c1a6f58"},
    "GSI1PK": {"S": "FOLLOWERS#0b6e2d94-31c7-4f5a-8e02-9d4b7c1a6f58"},
    "GSI1SK": {"S": f"2026-01-01T00:00:00.000Z#{OTHER_USER}"},
}


def _flip_byte(cursor: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def test_a_cursor_decodes_to_the_key_it_was_made_from():
    cursor = encode_cursor(LAST_KEY, SCOPE)

    assert decode_cursor(cursor, SCOPE) == LAST_KEY


def test_no_last_key_means_no_cursor_and_no_more_pages():
    assert encode_cursor(None, SCOPE) is None
    assert encode_cursor({}, SCOPE) is None
    assert page_meta(None, SCOPE) == {"nextCursor": None, "hasMore": False}


def test_page_meta_carries_the_cursor_when_there_is_more():
    meta = page_meta(LAST_KEY, SCOPE)

    assert meta["hasMore"] is True
    assert decode_cursor(meta["nextCursor"], SCOPE) == LAST_KEY


def test_no_cursor_decodes_to_the_first_page():
    assert decode_cursor(None, SCOPE) is None


def test_a_cursor_is_opaque_url_safe_text():
    cursor = encode_cursor(LAST_KEY, SCOPE)

    assert cursor is not None
    assert "PROMPT#" not in cursor
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize("index", [0, 5, 12, 13, 16, 20, -17, -1])
def test_an_edited_byte_is_rejected(index):
    cursor = encode_cursor(LAST_KEY, SCOPE)

    with pytest.raises(InvalidCursor):
        decode_cursor(_flip_byte(cursor, index), SCOPE)


def test_a_cursor_from_another_listing_is_rejected():
    cursor = encode_cursor(LAST_KEY, "versions:p_other")

    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, SCOPE)


def test_a_cursor_from_another_user_is_rejected():
    cursor = encode_cursor(LAST_KEY, "mine:alice::")

    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, "mine:mallory::")


def test_a_forged_cursor_with_a_guessed_nonce_and_tag_is_rejected():
    payload = json.dumps(LAST_KEY).encode()
    token = b"\x01" + b"\x00" * 12 + payload + b"\x00" * 16  # version | nonce | "ciphertext" | tag
    forged = base64.urlsafe_b64encode(token).rstrip(b"=").decode()

    with pytest.raises(InvalidCursor):
        decode_cursor(forged, SCOPE)


@pytest.mark.parametrize(
    "garbage",
    ["", "x", "!!!", "not base64 at all", "A" * 3000, "AAAA", "=" * 8, "é"],
    ids=["empty", "one-char", "punctuation", "spaces", "too-long", "short", "padding", "unicode"],
)
def test_garbage_is_rejected_not_crashed_on(garbage):
    with pytest.raises(InvalidCursor):
        decode_cursor(garbage, SCOPE)


def test_a_validly_sealed_non_object_payload_is_rejected():
    from promptvault.core import cursors as module

    sealed = module._seal(SCOPE, b"[1,2,3]")

    with pytest.raises(InvalidCursor):
        decode_cursor(sealed, SCOPE)


# --- issue 16, finding 4: cursors were signed but readable ----------------------------------


def test_finding_4_a_cursor_shows_no_user_id_or_key_text_in_any_decoding():
    cursor = encode_cursor(FOLLOWERS_KEY, "followers:0b6e2d94")
    needles = [OTHER_USER, "USER#", "FOLLOWS#", "FOLLOWERS#", '"PK"', '"GSI1SK"', "2026-01-01"]

    assert cursor is not None
    assert shows_any(cursor, needles) == []
    assert decode_cursor(cursor, "followers:0b6e2d94") == FOLLOWERS_KEY


def test_finding_4_the_same_key_gives_a_different_cursor_each_time():
    first, second = encode_cursor(LAST_KEY, SCOPE), encode_cursor(LAST_KEY, SCOPE)

    assert first != second
    assert decode_cursor(first, SCOPE) == decode_cursor(second, SCOPE) == LAST_KEY


@pytest.mark.parametrize("drop", [1, 4, 22, 40, 60], ids=lambda n: f"minus-{n}-chars")
def test_finding_4_a_truncated_cursor_is_rejected(drop):
    cursor = encode_cursor(FOLLOWERS_KEY, SCOPE)

    with pytest.raises(InvalidCursor):
        decode_cursor(cursor[:-drop], SCOPE)


def test_finding_4_a_cursor_made_with_another_stages_secret_is_rejected(monkeypatch):
    from promptvault.core.secret import server_secret
    from promptvault.core.settings import get_settings

    def use_secret(value: str) -> None:
        monkeypatch.setenv("CURSOR_SECRET", value)
        get_settings.cache_clear()
        server_secret.cache_clear()

    original = get_settings().cursor_secret
    try:
        use_secret("another stage's secret")
        cursor = encode_cursor(LAST_KEY, SCOPE)
    finally:
        use_secret(original)

    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, SCOPE)


def test_finding_4_a_validly_sealed_non_json_payload_is_rejected():
    from promptvault.core import cursors as module

    sealed = module._seal(SCOPE, b"\xff not json")

    with pytest.raises(InvalidCursor):
        decode_cursor(sealed, SCOPE)
