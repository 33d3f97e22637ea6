"""Rate limits: the one table of numbers, per stage. Standard library only.

A limit is ``requests`` per sliding window of ``seconds`` (counter.py), counted per identity
(the person, whether by token or by any of their API keys; the client IP for anonymous
callers) and per bucket. The catalogue names each route's action;
``buckets_for`` turns an action into the buckets it counts against.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limit:
    requests: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.requests}/{self.seconds}s"


# The seeds: sign-in 5/min per account (plus a looser per-IP limit, so one office behind one
# address can still sign in), ratings 30/h, prompt creation 10/h, everything else 100/min.
DEFAULTS: dict[str, Limit | None] = {
    "auth-account": Limit(5, 60),
    "auth-ip": Limit(30, 60),
    "rating": Limit(30, 3600),
    "prompt-create": Limit(10, 3600),
    "import": Limit(20, 3600),  # imports started; the prompts they make have a daily quota
    "webhook": Limit(30, 3600),  # creating webhooks and test pings (each ping is an HTTP call)
    "comment": Limit(20, 600),  # writing comments and replies: a conversation, not a flood
    "report": Limit(10, 3600),  # reports filed: each one lands in a moderator's queue
    "invitation": Limit(50, 3600),  # invitations made: each one is an email to an address
    "general": Limit(100, 60),
}

# Per-stage changes; None turns a bucket off (no DynamoDB call at all). The integration tests
# drive thousands of requests from one address and count table items, so the "test" stage is
# off; tests/support/ratelimits.py switches the seeds back on where limits are under test.
STAGES: dict[str, dict[str, Limit | None]] = {
    "test": dict.fromkeys(DEFAULTS),
    "local": {},
    "dev": {"general": Limit(300, 60)},
    "staging": {},
    "prod": {},
}

# What each catalogue action counts against.
ACTIONS: dict[str, tuple[str, ...]] = {
    "auth": ("auth-account", "auth-ip"),
    "rating": ("rating",),
    "prompt-create": ("prompt-create",),
    "import": ("import",),
    "webhook": ("webhook",),
    "comment": ("comment",),
    "report": ("report",),
    "invitation": ("invitation",),
    "general": ("general",),
    "none": (),
}


def parse(text: str) -> dict[str, Limit | None]:
    """``RATE_LIMITS="general=200/60,auth-ip=off"``: an operator's override without a deploy
    of code (an environment change)."""
    found: dict[str, Limit | None] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        if name.strip() not in DEFAULTS:
            raise ValueError(f"unknown rate-limit bucket {name!r}")
        if value.strip() == "off":
            found[name.strip()] = None
            continue
        requests, _, seconds = value.partition("/")
        found[name.strip()] = Limit(int(requests), int(seconds or 60))
    return found


def limits_for(stage: str, override: str = "") -> dict[str, Limit | None]:
    return {**DEFAULTS, **STAGES.get(stage, {}), **parse(override)}


_forced: dict[str, Limit | None] | None = None


def active() -> dict[str, Limit | None]:
    if _forced is not None:
        return _forced
    return limits_for(os.environ.get("STAGE", "local"), os.environ.get("RATE_LIMITS", ""))


def force(limits: dict[str, Limit | None] | None) -> None:
    """Tests and benchmarks: use exactly these limits (None: back to the stage's)."""
    global _forced
    _forced = limits
