"""The table's stream in tests: the local pump over in-process moto, drained on demand."""

from __future__ import annotations

import boto3

from infra.local.pump import StreamPump, catalogue_consumers

_pumps: dict[str, StreamPump] = {}


def pump() -> StreamPump:
    """One pump per table for the session: it remembers how far each consumer has read."""
    from promptvault.core.settings import get_settings

    table = get_settings().table_name
    arn = boto3.client("dynamodb").describe_table(TableName=table)["Table"]["LatestStreamArn"]
    if arn not in _pumps:
        _pumps.clear()
        _pumps[arn] = StreamPump(arn, catalogue_consumers(), boto3.client("dynamodbstreams"))
    return _pumps[arn]


def drain() -> None:
    """Deliver everything written so far to the consumers, and what they wrote in turn."""
    from tests.support.events import drain_queues

    runner = pump()
    while True:
        while runner.drain():
            pass
        if not drain_queues():
            break
