"""Pagination cursors are opaque, tamper-evident and bound to the listing they came from."""

import base64
import json

import pytest

from promptvault.core.cursors import decode_cursor, encode_cursor, page_meta
from promptvault.core.errors import InvalidCursor

LAST_KEY = {"PK": {"S": "PROMPT#p_1"}, "SK": {"S": "VERSION#000003"}}
SCOPE = "versions:p_1"


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


@pytest.mark.parametrize("index", [0, 5, 15, 16, 20, -1])
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


def test_a_forged_cursor_with_a_guessed_mac_is_rejected():
    payload = json.dumps(LAST_KEY).encode()
    forged = base64.urlsafe_b64encode(b"\x00" * 16 + payload).rstrip(b"=").decode()

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


def test_a_validly_signed_non_object_payload_is_rejected():
    from promptvault.core import cursors as module

    payload = b"[1,2,3]"
    signed = base64.urlsafe_b64encode(module._mac(SCOPE, payload) + payload).decode()

    with pytest.raises(InvalidCursor):
        decode_cursor(signed.rstrip("="), SCOPE)
