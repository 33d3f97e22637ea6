"""Single-line text: what counts as visible (decision 25)."""

import pytest

from promptvault.core.schema import visible_count


@pytest.mark.parametrize(
    "blank",
    ["     ", "\u200d\u200d\u200d", "\u3164\u3164\u3164", "\u115f\u1160\uffa0", "\u2800\u2800"],
    ids=["spaces", "zero-width-joiners", "hangul-filler", "hangul-fillers", "braille-blank"],
)
def test_text_that_draws_nothing_has_no_visible_characters(blank):
    assert visible_count(blank) == 0


def test_letters_emoji_and_scripts_are_visible():
    assert visible_count("Café 👋 スパム") == 8
