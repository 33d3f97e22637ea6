"""Sliding-window counters in DynamoDB: one conditional UpdateItem per bucket per request.

The estimate is the usual weighted two-window approximation: the previous window's count
times the share of the previous window the sliding window still covers, plus the current
window's count. A request passes while ``previous x weight + current < limit``.

DynamoDB conditions can compare but not multiply, so the weight is quantised into
``STEPS`` slices of the window and each item keeps the estimate ready for every slice,
scaled by ``STEPS`` to stay in integers. One item per identity and bucket
(``RATE#<identity>`` / ``<bucket>``) holds, for window ``k``:

- ``e<k>_<j>`` = previous x (STEPS - j) + current x STEPS: the estimate (xSTEPS) in slice j;
- ``e<k+1>_<j>`` = current x (STEPS - j): window k+1's share of this window, built as we go,
  so that the first request of the next window finds its estimates ready.

A request in window k, slice J, is one ``UpdateItem``: ADD STEPS to every ``e<k>_j`` and
STEPS - j to every ``e<k+1>_j``, REMOVE ``e<k-1>_*``, condition ``e<k>_J < limit x STEPS``.
The weight used is 1 - J/STEPS, never less than the exact 1 - elapsed/window: the
quantisation only ever refuses earlier, never later. A refused request does not count.

The condition also asks that the item is live (its ``expiresAt``, the end of the window
after the last counted request, is still ahead): an item past that holds nothing that
counts, and rather than leave its stale attributes behind (TTL deletion lags), the refused
write is followed by a read and, when the item has expired, one conditional PutItem that
replaces it. That costs two writes, once, for an identity coming back after two idle windows;
every other passing request costs exactly one write, and a refusal one write and one read
(which also gives an exact Retry-After).
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action

from promptvault.core.errors import RateLimited
from promptvault.data.models import RateCounterItem
from promptvault.data.transactions import table_connection
from promptvault.ratelimit.limits import Limit

STEPS = 10  # slices of a window: the weight moves in tenths


class TooManyRequests(RateLimited):
    def __init__(self, bucket: str, limit: Limit, retry_after: int) -> None:
        super().__init__(
            f"Too many requests ({limit} for {bucket}); retry after {retry_after} s",
            [{"field": "rateLimit", "message": f"{bucket} {limit}"}],
        )
        self.retry_after = retry_after


def slot(window: int, step: int) -> str:
    """The attribute holding window ``window``'s estimate (xSTEPS) in slice ``step``."""
    return f"e{window}_{step}"


def _position(limit: Limit, now: float) -> tuple[int, int]:
    window = int(now // limit.seconds)
    step = min(STEPS - 1, int((now - window * limit.seconds) * STEPS // limit.seconds))
    return window, step


def _expiry(limit: Limit, window: int) -> datetime:
    # The item counts through the end of the next window; after that it holds nothing.
    return datetime.fromtimestamp((window + 2) * limit.seconds, UTC)


def _numbers(attributes: dict[str, Any]) -> dict[str, int]:
    return {name: int(value["N"]) for name, value in attributes.items() if "N" in value}


def estimate(values: dict[str, int], window: int, step: int) -> float:
    """The weighted count (previous x weight + current) an item holds for a slice."""
    return values.get(slot(window, step), 0) / STEPS


def hit(identity: str, bucket: str, limit: Limit, now: float | None = None) -> float:
    """Counts one request; the weighted count after it. TooManyRequests when over."""
    now = time.time() if now is None else now
    window, step = _position(limit, now)
    pk = f"RATE#{identity}"
    actions: list[Action] = [
        *(Path(slot(window, j)).add(STEPS) for j in range(STEPS)),
        *(Path(slot(window + 1, j)).add(STEPS - j) for j in range(STEPS)),
        *(Path(slot(window - 1, j)).remove() for j in range(STEPS)),
        RateCounterItem.expires_at.set(_expiry(limit, window)),
        RateCounterItem.entity.set(RateCounterItem),
    ]
    current = Path(slot(window, step))
    condition: Condition = RateCounterItem.expires_at.does_not_exist() | (
        (RateCounterItem.expires_at > datetime.fromtimestamp(now, UTC))
        & (current.does_not_exist() | (current < limit.requests * STEPS))
    )
    try:
        answer = table_connection().update_item(
            pk, bucket, actions=actions, condition=condition, return_values="ALL_NEW"
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return _refused_or_expired(pk, identity, bucket, limit, now, error)
    return estimate(_numbers(answer.get("Attributes", {})), window, step)


def _refused_or_expired(
    pk: str, identity: str, bucket: str, limit: Limit, now: float, error: UpdateError
) -> float:
    window, step = _position(limit, now)
    stored = table_connection().get_item(pk, bucket, consistent_read=True).get("Item", {})
    values = _numbers(stored)
    expires = values.get("expiresAt")
    if expires is not None and expires > now:
        raise TooManyRequests(bucket, limit, retry_after(values, limit, now)) from error
    # Expired and not yet removed by TTL: start afresh (a whole new item, so nothing stale is
    # left behind), unless another request just did.
    fresh = {slot(window, j): STEPS for j in range(STEPS)} | {
        slot(window + 1, j): STEPS - j for j in range(STEPS)
    }
    attributes = {name: {"N": str(value)} for name, value in fresh.items()}
    attributes["expiresAt"] = {"N": str(int(_expiry(limit, window).timestamp()))}
    attributes["type"] = {"S": "RateCounter"}
    unchanged = (
        RateCounterItem.expires_at.does_not_exist()
        if expires is None
        else RateCounterItem.expires_at == datetime.fromtimestamp(expires, UTC)
    )
    try:
        table_connection().put_item(pk, bucket, attributes=attributes, condition=unchanged)
    except PutError as lost:
        if lost.cause_response_code != "ConditionalCheckFailedException":
            raise
        return hit(identity, bucket, limit, now)  # someone renewed it first: count on theirs
    return estimate(fresh, window, step)


def retry_after(values: dict[str, int], limit: Limit, now: float) -> int:
    """Seconds until the first slice in which one more request would pass."""
    window, step = _position(limit, now)
    slice_seconds = limit.seconds / STEPS
    threshold = limit.requests * STEPS
    for j in range(step + 1, STEPS):
        if values.get(slot(window, j), 0) < threshold:
            return max(1, math.ceil(window * limit.seconds + j * slice_seconds - now))
    for j in range(STEPS):
        if values.get(slot(window + 1, j), 0) < threshold:
            return max(1, math.ceil((window + 1) * limit.seconds + j * slice_seconds - now))
    return max(1, math.ceil((window + 2) * limit.seconds - now))
