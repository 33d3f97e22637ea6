"""BatchGetItem and BatchWriteItem on boto3's low-level client, for the code that uses it
directly (the counters consumer, ``make reindex``): chunked to the API's limits, leftovers
(``UnprocessedKeys`` / ``UnprocessedItems``) sent again after a short pause, and an error
when throttling never lets up. Standard library only: the caller brings the client."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

GET_LIMIT = 100  # keys per BatchGetItem
WRITE_LIMIT = 25  # requests per BatchWriteItem
ATTEMPTS = 8
PAUSE_SECONDS = 0.05

Request = dict[str, Any]


def _until_processed(
    send: Callable[[Request], Request | None], request: Request, what: str
) -> None:
    for _ in range(ATTEMPTS):
        request = send(request) or {}
        if not request:
            return
        time.sleep(PAUSE_SECONDS)
    raise RuntimeError(f"{what}: still throttled after {ATTEMPTS} attempts")


def batch_get(client: Any, table: str, keys: list[Request], **options: Any) -> list[Request]:
    """The items found for ``keys`` (raw attribute values); ``options`` join each request,
    e.g. ``ConsistentRead=True``, ``ProjectionExpression="PK"``."""
    found: list[Request] = []

    def send(request: Request) -> Request | None:
        reply = client.batch_get_item(RequestItems=request)
        found.extend(reply["Responses"].get(table, []))
        return reply.get("UnprocessedKeys")

    for start in range(0, len(keys), GET_LIMIT):
        chunk = {table: {"Keys": keys[start : start + GET_LIMIT], **options}}
        _until_processed(send, chunk, f"BatchGetItem on {table}")
    return found


def batch_put(client: Any, table: str, items: list[Request]) -> None:
    """Put every item (raw attribute values); raises unless all of them were written."""

    def send(request: Request) -> Request | None:
        return client.batch_write_item(RequestItems=request).get("UnprocessedItems")

    puts = [{"PutRequest": {"Item": item}} for item in items]
    for start in range(0, len(puts), WRITE_LIMIT):
        _until_processed(
            send, {table: puts[start : start + WRITE_LIMIT]}, f"BatchWriteItem on {table}"
        )
