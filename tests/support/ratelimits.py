"""Rate limits on demand: the "test" stage turns them off (see ratelimit/limits.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from promptvault.ratelimit.limits import DEFAULTS, Limit, force

# On, so every request makes its counting call, but never reached by a test's own setup.
GENEROUS: dict[str, Limit | None] = {name: Limit(10**9, 3600) for name in DEFAULTS}


@contextmanager
def enforced(limits: dict[str, Limit | None] | None = None) -> Iterator[None]:
    force(dict(GENEROUS if limits is None else limits))
    try:
        yield
    finally:
        force(None)


@contextmanager
def disabled() -> Iterator[None]:
    """Every bucket off, whatever the stage: no counter item is written (nor read). For tests
    that count the table's items to prove a request wrote nothing."""
    force(dict.fromkeys(DEFAULTS))
    try:
        yield
    finally:
        force(None)
