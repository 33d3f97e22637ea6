"""The query word rules both engines share: which indexed words a query matches."""

from __future__ import annotations

from promptvault.search.text import (
    MIN_PREFIX_CHARS,
    distinct_words,
    matched_words,
    tokens,
    typo_budget,
    within_edits,
)


def matches_query_word(word: str, query_tokens: list[str]) -> bool:
    """The rule, one word at a time: the oracle ``matched_words`` must agree with."""
    for token in query_tokens:
        if word == token or within_edits(word, token, typo_budget(token)):
            return True
        if len(token) >= MIN_PREFIX_CHARS and word.startswith(token):
            return True
    return False


FAMILIES = (
    ("a", "act", "acting", "action", "actionable", "as", "ask", "tas"),
    ("python", "pyhton", "pytohn", "pythonic", "pythons", "typhon"),
    ("translate", "translated", "translation", "translator", "translators", "tarnslator"),
    ("transl", "interview", "interviewer", "interviews", "intervew", "innterview", "intrview"),
    ("guide", "guides", "guid", "guido", "gide"),
    ("Ünïcode", "ünicode", "unicode", "naïve", "naive"),
)
WORDS = [word for family in FAMILIES for word in family]


def test_matched_words_finds_exact_typo_and_prefix_matches():
    found = matched_words(WORDS, ["pyton", "transl"])

    assert found == {
        "python",  # one edit
        "pyhton",  # one transposition
        "pytohn",  # one insertion
        "translate",  # prefix
        "translated",
        "translation",
        "translator",
        "translators",
        "transl",  # exact
    }


def test_matched_words_forgives_no_typo_below_five_letters():
    assert matched_words(WORDS, ["gide", "as"]) == {"gide", "as"}


def test_matched_words_agrees_with_matches_query_word():
    queries = [
        ["a"],
        ["act", "as", "a"],
        ["interview", "questions"],
        ["intervew"],
        ["translator"],
        ["guide", "python"],
        ["ünicode", "naive"],
        ["zzzzzz"],
    ]
    for query in queries:
        expected = {word for word in WORDS if matches_query_word(word, query)}

        assert matched_words(WORDS, query) == expected, query


def test_distinct_words_split_on_any_punctuation_like_tokens():
    text = "Don\u2019t\u2014STOP: naïve café_au_lait, 42x «Ωmega» don't"

    words = distinct_words(text)

    assert words == {"don", "t", "stop", "naïve", "café", "au", "lait", "42x", "ωmega"}
    assert words == set(tokens(text))
