"""Gap ranks (decision 67): where an entry goes, and when the gap is spent."""

from __future__ import annotations

import pytest

from promptvault.collections.ordering import GAP, NoRoom, rank_for, renumbered, sort_key


def test_the_first_entry_takes_one_gap():
    assert rank_for([], None) == GAP
    assert rank_for([], 1) == GAP


def test_an_entry_without_a_position_or_past_the_end_goes_last():
    assert rank_for([GAP, 2 * GAP], None) == 3 * GAP
    assert rank_for([GAP, 2 * GAP], 3) == 3 * GAP
    assert rank_for([GAP, 2 * GAP], 500) == 3 * GAP


def test_an_entry_between_two_takes_their_midpoint():
    assert rank_for([GAP, 2 * GAP], 2) == GAP + GAP // 2


def test_an_entry_put_first_takes_half_the_first_rank():
    assert rank_for([GAP, 2 * GAP], 1) == GAP // 2


def test_a_spent_gap_asks_for_a_renumbering():
    with pytest.raises(NoRoom):
        rank_for([5, 6], 2)
    with pytest.raises(NoRoom):
        rank_for([1, 6], 1)


def test_twenty_insertions_fit_into_one_gap_before_a_renumbering():
    ranks = [GAP, 2 * GAP]
    for _ in range(20):
        ranks.insert(1, rank_for(ranks, 2))
        assert ranks == sorted(ranks)
    with pytest.raises(NoRoom):
        rank_for(ranks, 2)


def test_renumbered_ranks_are_evenly_spaced():
    assert renumbered(3) == [GAP, 2 * GAP, 3 * GAP]


def test_sort_keys_sort_as_the_ranks_do():
    assert sort_key(9, "p_b") < sort_key(10, "p_a")
    assert sort_key(10, "p_a") < sort_key(10, "p_b")
