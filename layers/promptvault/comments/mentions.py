"""``@username`` in a comment's text: which names it mentions (pure; the directory says
which of them exist)."""

from __future__ import annotations

import re

MAX_MENTIONS = 10  # distinct names per comment; more are text, not mentions
# a name as the directory allows them (3-30 of a-z, 0-9, "_", "-"), not inside a word or an
# email address (``ada@example.com`` mentions no one)
_MENTION = re.compile(r"(?<![\w@.+-])@([A-Za-z0-9_-]{3,30})(?![\w-])")


def names_in(body: str) -> list[str]:
    """The distinct usernames mentioned, lower-cased, in order of appearance, at most
    ``MAX_MENTIONS``."""
    found = dict.fromkeys(match.group(1).lower() for match in _MENTION.finditer(body))
    return list(found)[:MAX_MENTIONS]
