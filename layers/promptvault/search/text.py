"""Query text rules both engines share: tokens, the typo budget, edit distance. Stdlib only."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

MAX_QUERY_TOKENS = 10
MAX_TOKEN_CHARS = 40  # tantivy's default tokenizer drops longer tokens
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_LAST_CHAR = "\U0010ffff"
# ASCII punctuation becomes a space; bytes.translate is a C table lookup, str.translate is not
_ASCII_SEPARATORS = bytes(b if chr(b).isalnum() or b >= 128 else 32 for b in range(256))


def tokens(text: str) -> list[str]:
    """Lower-cased alphanumeric words, as the index's default tokenizer splits them."""
    words = [w.lower() for w in _WORD.findall(text) if len(w) <= MAX_TOKEN_CHARS]
    return list(dict.fromkeys(words))[:MAX_QUERY_TOKENS]


def distinct_words(text: str) -> set[str]:
    """The distinct lower-cased words of a text, split as ``tokens`` splits (no length cap)."""
    chunks = set(text.lower().encode().translate(_ASCII_SEPARATORS).decode().split())
    words = {chunk for chunk in chunks if chunk.isalnum()}
    for chunk in chunks - words:  # the rare ones with non-ASCII punctuation inside
        words.update(_WORD.findall(chunk))
    return words


def typo_budget(token: str) -> int:
    """Edits forgiven in a query word: none below 5 letters, one from 5, two from 9."""
    if len(token) >= 9:
        return 2
    if len(token) >= 5:
        return 1
    return 0


def within_edits(a: str, b: str, limit: int) -> bool:
    """Optimal string alignment distance (a transposition costs one) is at most ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return False
    if a == b:
        return True
    if limit == 0:
        return False
    if limit == 1:
        return _one_edit(a, b)
    if limit == 2:
        return _two_edits(a, b)
    return _distance(a, b, limit) <= limit


def _within_one(a: str, b: str) -> bool:
    return a == b or (abs(len(a) - len(b)) <= 1 and _one_edit(a, b))


def _two_edits(a: str, b: str) -> bool:
    """a != b: some edit at the first difference leaves the rest within one edit."""
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    rest_a, rest_b = a[start:], b[start:]
    return (
        _within_one(rest_a[1:], rest_b[1:])
        or _within_one(rest_a[1:], rest_b)
        or _within_one(rest_a, rest_b[1:])
        or (
            len(rest_a) > 1
            and len(rest_b) > 1
            and rest_a[0] == rest_b[1]
            and rest_a[1] == rest_b[0]
            and _within_one(rest_a[2:], rest_b[2:])
        )
    )


def _one_edit(a: str, b: str) -> bool:
    """a != b differ by one substitution, insertion, deletion or adjacent transposition."""
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        if a[start + 1 :] == b[start + 1 :]:
            return True  # one substitution
        swapped = start + 1 < len(a) and a[start] == b[start + 1] and a[start + 1] == b[start]
        return swapped and a[start + 2 :] == b[start + 2 :]
    return a[start:] == b[start + 1 :]  # one insertion


def _distance(a: str, b: str, limit: int) -> int:
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, before[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


MIN_PREFIX_CHARS = 3


def prefix_tokens(query_tokens: list[str]) -> list[str]:
    """Words also matched as the start of a title word ("transl" finds "Translator")."""
    return [t for t in query_tokens if len(t) >= MIN_PREFIX_CHARS]


def matched_words(words: Iterable[str], query_tokens: list[str]) -> set[str]:
    """The words a query matches: equal to a query word, within its typo budget, or starting
    with it (3+ letters). Only words of a plausible length are compared, and the words a
    query word begins are one sorted range."""
    ordered = sorted(set(words))
    by_length: dict[int, list[str]] = {}
    for word in ordered:
        by_length.setdefault(len(word), []).append(word)
    found: set[str] = set()
    for token in query_tokens:
        budget = typo_budget(token)
        for length in range(len(token) - budget, len(token) + budget + 1):
            found.update(w for w in by_length.get(length, ()) if within_edits(w, token, budget))
        if len(token) >= MIN_PREFIX_CHARS:
            # the words it begins sort together, right after it
            start = bisect_left(ordered, token)
            found.update(ordered[start : bisect_left(ordered, token + _LAST_CHAR, start)])
    return found


def suggestion_order(titles: list[str], prefix: str, limit: int) -> list[str]:
    """Suggested titles: those that start with the typed text first (each group in the
    engine's order), each title once, at most ``limit``."""
    start = prefix.strip().lower()
    ordered = sorted(titles, key=lambda t: not t.lower().startswith(start))  # stable
    return list(dict.fromkeys(ordered))[:limit]
