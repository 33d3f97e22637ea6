"""Reputation: what others think of one's prompts, weighted. Standard library only.

    reputation = sum over signed-in others' ratings received of (stars - 3)   5 stars +2 ... 1 -2
               + 2 * bookmarks received from others
               + 5 * forks made by others

One's own ratings, bookmarks, views, copies and forks earn nothing (issue 16, finding 8): the
engagement service marks them ``own`` when it writes them and the counter rules
(streams/counter_rules.py) leave marked items out of the prompt's stats, so they never reach
``points``. Guests' ratings count in a prompt's public average (bounded to one per prompt,
client network and day) but earn no reputation: a guest costs nothing to be, and the owner
could be one; ``points`` takes the guests' share (``guestRatingCount``, ``guestRatingSum``)
out of the rating totals.

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


def _count(stats: Mapping[str, int], name: str) -> int:
    return int(stats.get(name) or 0)


def points(stats: Mapping[str, int]) -> int:
    """The reputation one prompt's counters are worth: signed-in ratings, bookmarks, forks
    (one's own engagement is not in the counters at all)."""
    rated = _count(stats, "ratingSum") - _count(stats, "guestRatingSum")
    raters = _count(stats, "ratingCount") - _count(stats, "guestRatingCount")
    ratings = rated - RATING_NEUTRAL * raters
    return ratings + sum(weight * _count(stats, name) for name, weight in WEIGHTS.items())


def delta(before: Mapping[str, int] | None, after: Mapping[str, int] | None) -> int:
    """The owner's reputation change when a prompt's counters go from ``before`` to ``after``."""
    return points(after or {}) - points(before or {})
