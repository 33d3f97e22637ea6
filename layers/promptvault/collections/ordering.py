"""Where an entry goes in a collection: gap ranks (decision 67). Pure.

Entries sort by an integer ``rank`` (then by prompt id, so equal ranks still give one order).
A new last entry takes the last rank + ``GAP``; an entry put between two takes the midpoint of
their ranks, so a move writes one item and concurrent moves of different prompts never touch
each other's items. When two neighbours have no integer between them the caller renumbers the
collection (``renumbered``) and asks again: after ``log2(GAP)`` = 20 insertions into the same
gap at the earliest.
"""

from __future__ import annotations

from collections.abc import Sequence

GAP = 1 << 20
RANK_DIGITS = 15  # the sort key's width: far above MAX_PROMPTS * GAP after any number of appends


class NoRoom(Exception):
    """No integer rank between the two neighbours: renumber, then place again."""


def rank_for(ranks: Sequence[int], position: int | None) -> int:
    """The rank that puts an entry at ``position`` (1 = first; None or past the end: last)
    among the other entries' ``ranks`` (ascending, without the entry being placed)."""
    index = len(ranks) if position is None else min(position - 1, len(ranks))
    if index == len(ranks):
        return (ranks[-1] if ranks else 0) + GAP
    after = ranks[index]
    before = ranks[index - 1] if index > 0 else 0
    if after - before < 2:
        raise NoRoom
    return (before + after) // 2


def renumbered(count: int) -> list[int]:
    """Evenly spaced ranks for ``count`` entries, in their order."""
    return [GAP * (i + 1) for i in range(count)]


def sort_key(rank: int, prompt_id: str) -> str:
    return f"{rank:0{RANK_DIGITS}d}#{prompt_id}"
