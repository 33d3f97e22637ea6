"""DynamoDB stream records, decoded once into plain Python values."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from boto3.dynamodb.types import TypeDeserializer

from promptvault.core.errors import DomainError

Image = dict[str, Any]
EventName = Literal["INSERT", "MODIFY", "REMOVE"]

_deserializer = TypeDeserializer()


class PoisonRecord(DomainError):
    """A record no retry can fix (malformed, unknown shape): it must end on the DLQ path."""

    code = "POISON_RECORD"


@dataclass(frozen=True, slots=True)
class Change:
    event_id: str
    event_name: EventName
    sequence: str  # the record's SequenceNumber: the batchItemFailures identifier
    keys: Image
    old: Image | None
    new: Image | None
    by_ttl: bool  # removed by DynamoDB's TTL sweeper, not by a request
    # the record's ApproximateCreationDateTime (epoch seconds): when the change happened, the
    # same on every delivery of the record (None when the record does not say)
    changed_at: float | None = None

    @property
    def image(self) -> Image:
        """The item as it is now, or as it was when it was removed."""
        image = self.new if self.new is not None else self.old
        return image if image is not None else self.keys

    @property
    def entity(self) -> str | None:
        value = self.image.get("type")
        return str(value) if value is not None else None


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def deserialize(image: dict[str, Any] | None) -> Image | None:
    if image is None:
        return None
    return {name: _plain(_deserializer.deserialize(value)) for name, value in image.items()}


def _epoch(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def decode(raw: dict[str, Any]) -> Change:
    try:
        body = raw["dynamodb"]
        name = raw["eventName"]
        if name not in ("INSERT", "MODIFY", "REMOVE"):
            raise ValueError(f"unknown eventName {name!r}")
        identity = raw.get("userIdentity") or {}
        return Change(
            event_id=str(raw["eventID"]),
            event_name=name,
            sequence=str(body["SequenceNumber"]),
            keys=deserialize(body["Keys"]) or {},
            old=deserialize(body.get("OldImage")),
            new=deserialize(body.get("NewImage")),
            by_ttl=identity.get("type") == "Service"
            and identity.get("principalId") == "dynamodb.amazonaws.com",
            changed_at=_epoch(body.get("ApproximateCreationDateTime")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PoisonRecord(f"not a DynamoDB stream record: {exc}") from exc


def partial_batch(
    records: Iterable[dict[str, Any]],
    plan: Callable[[Change], None],
    flush: Callable[[], set[str]],
) -> dict[str, Any]:
    """Lambda's partial batch response for ``records``.

    Each record is decoded and planned through Powertools' BatchProcessor (a record that
    raises is reported on its own); then ``flush`` applies the plans in as few calls as it
    can and names the sequence numbers of records whose writes failed. Lambda retries from
    the lowest failed sequence number, so everything after it comes again: the consumers
    are idempotent.
    """
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
        DynamoDBRecord,
    )

    processor = BatchProcessor(EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)

    def record_handler(record: DynamoDBRecord) -> None:
        plan(decode(record.raw_event))

    with processor(records=list(records), handler=record_handler):
        processor.process()
    failed = {str(f["itemIdentifier"]) for f in processor.response()["batchItemFailures"]}
    failed |= flush()
    return {"batchItemFailures": [{"itemIdentifier": s} for s in sorted(failed, key=_seq_key)]}


def _seq_key(sequence: str) -> tuple[int, str]:
    return (int(sequence), sequence) if sequence.isdigit() else (0, sequence)
