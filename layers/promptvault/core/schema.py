"""The base of every request and response body, and the field checks many of them share."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_camel

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# breaks a line: CR, LF, NEL, line and paragraph separators
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")
# changes how the text around it reads without showing: bidi embeddings, overrides and isolates,
# zero-width space, word joiner and BOM (ZWJ and ZWNJ stay: emoji and scripts need them)
_HIDDEN = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_UNSEEN_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"}
# letters and symbols that draw nothing: Hangul fillers and the blank braille pattern
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


class ApiModel(BaseModel):
    """Request and response bodies: camelCase on the wire, unknown fields refused."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        str_strip_whitespace=False,
        # built when first used (web/handler_factory builds the route's own at init): a
        # function does not pay for the bodies of the other routes of its domain
        defer_build=True,
    )


def normalised(value: Any) -> Any:
    """NFC and trimmed, so equal-looking text is equal text (non-strings pass to the type check)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def no_control_chars(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def single_line(value: str) -> str:
    if _LINE_BREAK.search(value):
        raise ValueError("must be a single line")
    if _HIDDEN.search(value):
        raise ValueError("must not contain invisible or direction-changing characters")
    return value


def visible_count(value: str) -> int:
    return sum(
        1 for ch in value if ch not in _BLANK and unicodedata.category(ch) not in _UNSEEN_CATEGORIES
    )


def has_visible(value: str) -> str:
    if visible_count(value) == 0:
        raise ValueError("must contain visible characters")
    return value


# a name, title or reason: one line of visible, normalised text
Line = Annotated[
    str,
    BeforeValidator(normalised),
    AfterValidator(single_line),
    AfterValidator(no_control_chars),
    AfterValidator(has_visible),
]
# free text over several lines (a bio): normalised, no control characters
Paragraphs = Annotated[str, BeforeValidator(normalised), AfterValidator(no_control_chars)]
