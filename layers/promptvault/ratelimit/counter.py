"""Fixed-window counters in DynamoDB: one UpdateItem per bucket per request.

``ADD count 1`` with the condition ``count < limit`` both counts and checks, atomically; a
refused request does not count. Items expire (TTL) a minute after their window ends.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from pynamodb.exceptions import UpdateError

from promptvault.core.errors import RateLimited
from promptvault.data.models import RateCounterItem
from promptvault.ratelimit.limits import Limit

_TTL_SLACK_SECONDS = 60


class TooManyRequests(RateLimited):
    def __init__(self, bucket: str, limit: Limit, retry_after: int) -> None:
        super().__init__(
            f"Too many requests ({limit} for {bucket}); retry after {retry_after} s",
            [{"field": "rateLimit", "message": f"{bucket} {limit}"}],
        )
        self.retry_after = retry_after


def hit(identity: str, bucket: str, limit: Limit, now: float | None = None) -> int:
    """Counts one request; the count so far in this window. TooManyRequests when over."""
    now = time.time() if now is None else now
    start = int(now // limit.seconds) * limit.seconds
    end = start + limit.seconds
    item = RateCounterItem(f"RATE#{identity}", f"{bucket}#{start}")
    try:
        item.update(
            actions=[
                RateCounterItem.hits.add(1),
                RateCounterItem.expires_at.set(
                    datetime.fromtimestamp(end + _TTL_SLACK_SECONDS, UTC)
                ),
                RateCounterItem.entity.set(RateCounterItem),
            ],
            condition=RateCounterItem.hits.does_not_exist()
            | (RateCounterItem.hits < limit.requests),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise TooManyRequests(bucket, limit, max(1, math.ceil(end - now))) from error
        raise
    return item.hits or 0
