"""The DynamoDB store the counters' exactly-once protocol writes through (boto3, low level).

The counter items themselves (``updates``, ``lastEvents`` and the counts) and the
processed-event markers: ``EVENT#<digest hex>`` / ``FOR#<counter PK>#<counter SK>`` (for a
profile ``FOR#h:<hash of its key>``), expiring after ``MARKER_TTL_SECONDS``. See
docs/streams.md, "Exactly once".
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from promptvault.data.batches import batch_get, batch_put
from promptvault.streams.counter_rules import Deltas, Key, Seed
from promptvault.streams.exactly_once import ABSENT, CounterState

MARKER_TTL_SECONDS = 3 * 24 * 3600  # beyond the stream's 24 h retention and the retry window


def marker_sk(target: Key) -> str:
    """The marker's sort key names its counter item; a profile only by a hash, so that no
    marker names a user id after the account is deleted (they live 3 days)."""
    if target[0].startswith("USER#"):
        digest = hashlib.sha256(f"{target[0]}#{target[1]}".encode()).hexdigest()[:32]
        return f"FOR#h:{digest}"
    return f"FOR#{target[0]}#{target[1]}"


def marker_key(target: Key, digest: bytes) -> Key:
    return f"EVENT#{digest.hex()}", marker_sk(target)


class DynamoCounterStore:
    """``CounterStore`` (streams/exactly_once.py) on the table."""

    def __init__(self, table: str, client: Any) -> None:
        self.table = table
        self.client = client

    @staticmethod
    def _key(key: Key) -> dict[str, Any]:
        return {"PK": {"S": key[0]}, "SK": {"S": key[1]}}

    def read(self, target: Key) -> CounterState | None:
        item = self.client.get_item(
            TableName=self.table,
            Key=self._key(target),
            ConsistentRead=True,
            ProjectionExpression="PK, #u, lastEvents",
            ExpressionAttributeNames={"#u": "updates"},
        ).get("Item")
        if item is None:
            return None
        version = item.get("updates")
        last = item.get("lastEvents", {}).get("BS", [])
        return CounterState(
            None if version is None else int(version["N"]), frozenset(bytes(b) for b in last)
        )

    def marked(self, target: Key, digests: list[bytes]) -> set[bytes]:
        by_pk = {marker_key(target, digest)[0]: digest for digest in digests}
        keys = [self._key(marker_key(target, digest)) for digest in digests]
        found = batch_get(
            self.client, self.table, keys, ConsistentRead=True, ProjectionExpression="PK"
        )
        return {by_pk[item["PK"]["S"]] for item in found}

    def mark(self, target: Key, digests: frozenset[bytes]) -> None:
        expires = str(int(time.time()) + MARKER_TTL_SECONDS)
        markers = [
            {
                **self._key(marker_key(target, digest)),
                "type": {"S": "ProcessedEvent"},
                "expiresAt": {"N": expires},
            }
            for digest in sorted(digests)
        ]
        batch_put(self.client, self.table, markers)

    def update(
        self,
        target: Key,
        target_type: str,
        totals: Deltas,
        expected: int | None,
        applied: list[bytes],
        seed: Seed | None = None,
    ) -> bool:
        counts = {**totals, "updates": 1}  # ``updates`` orders the item's versions
        names = {f"#c{i}": name for i, name in enumerate(counts)}
        if expected != ABSENT:
            names["#u"] = "updates"  # the condition names it
        values: dict[str, Any] = {
            f":c{i}": {"N": str(counts[name])} for i, name in enumerate(counts)
        }
        values[":type"] = {"S": target_type}
        values[":last"] = {"BS": applied}
        if expected is None:
            condition = "attribute_exists(PK) AND attribute_not_exists(#u)"
        elif expected == ABSENT:
            condition = "attribute_not_exists(PK)"  # an aggregate's first count creates it
        else:
            condition = "#u = :expected"
            values[":expected"] = {"N": str(expected)}
        adds = ", ".join(f"#c{i} :c{i}" for i in range(len(counts)))
        sets = ["#type = :type", "lastEvents = :last"]
        for i, (name, value) in enumerate(sorted((seed or {}).items())):
            names[f"#s{i}"] = name
            values[f":s{i}"] = {"N": str(value)} if isinstance(value, int) else {"S": str(value)}
            sets.append(f"#s{i} = :s{i}")
        try:
            self.client.update_item(
                TableName=self.table,
                Key=self._key(target),
                UpdateExpression=f"ADD {adds} SET {', '.join(sets)}",
                # never (re)creates a stats item or a profile; loses to a newer write
                ConditionExpression=condition,
                ExpressionAttributeNames={**names, "#type": "type"},
                ExpressionAttributeValues=values,
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True


def default_store() -> DynamoCounterStore:
    import boto3

    from promptvault.core.settings import get_settings

    settings = get_settings()
    client = boto3.client(
        "dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint
    )
    return DynamoCounterStore(settings.table_name, client)
