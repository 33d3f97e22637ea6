"""Reputation: engagement received on one's prompts, weighted. Standard library only.

    reputation = sum over ratings received of (stars - 3)     a 5-star is +2, a 1-star -2
               + 2 * bookmarks received
               + 5 * forks received

Kept on the profile (``reputation``, a number) by the counters consumer with ADD (the
``Stats`` row of streams/counter_rules.py: every change of a prompt's stats item, which carries
``ownerId``); the leaderboard index (GSI3) sorts on that attribute directly, so no second
write re-sorts it. ``delta`` turns one change of a prompt's counters into the owner's
reputation change; summed over a stats item's changes it telescopes to ``points`` of its
last state (0 once the prompt is deleted), in any order.
"""

from __future__ import annotations

from collections.abc import Mapping

WEIGHTS = {"bookmarks": 2, "forks": 5}
RATING_NEUTRAL = 3


def points(stats: Mapping[str, int]) -> int:
    """The reputation one prompt's counters are worth."""
    ratings = int(stats.get("ratingSum", 0)) - RATING_NEUTRAL * int(stats.get("ratingCount", 0))
    return ratings + sum(weight * int(stats.get(name, 0)) for name, weight in WEIGHTS.items())


def delta(before: Mapping[str, int] | None, after: Mapping[str, int] | None) -> int:
    """The owner's reputation change when a prompt's counters go from ``before`` to ``after``."""
    return points(after or {}) - points(before or {})
