"""The local stream pump: the table's stream (moto) into the consumers, as Lambda does it.

Lambda's event source mapping, per consumer: records in stream order, filtered by the
consumer's filter patterns, in batches of up to ``batch_size``; a reply's
``batchItemFailures`` makes the next batch start at the first failed record; a function
error retries the batch cut in half (bisect on error). A record that has failed
``max_retries`` times on its own goes to the dead letters (Lambda's on-failure
destination): logged, kept in ``dead_letters`` and served at ``GET /_local/dead-letters``.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from infra.local.polling import PollingThread

log = logging.getLogger("promptvault.pump")

Handler = Callable[[dict[str, Any], Any], Any]
Record = dict[str, Any]


def matches(pattern: Any, value: Any) -> bool:
    """Lambda event filtering, the subset the consumers use: nested keys, value lists,
    ``{"prefix": ...}`` and ``{"exists": ...}``."""
    if isinstance(pattern, dict):
        if not isinstance(value, dict):
            return False
        for key, sub in pattern.items():
            if isinstance(sub, list) and any(isinstance(p, dict) and "exists" in p for p in sub):
                if (key in value) != bool(sub[0]["exists"]):
                    return False
                continue
            if key not in value or not matches(sub, value[key]):
                return False
        return True
    if isinstance(pattern, list):
        for option in pattern:
            if isinstance(option, dict) and "prefix" in option:
                if isinstance(value, str) and value.startswith(option["prefix"]):
                    return True
            elif option == value:
                return True
        return False
    return bool(pattern == value)


@dataclass
class Consumer:
    name: str
    handler: Handler
    filters: tuple[dict[str, Any], ...] = ()
    batch_size: int = 100
    offset: int = 0  # position in the pump's log
    attempts: dict[str, int] = field(default_factory=dict)  # sequence -> failed deliveries
    limit: int = 0  # the bisected batch size while a batch keeps failing (0: batch_size)

    def wants(self, record: Record) -> bool:
        return not self.filters or any(matches(f, record) for f in self.filters)


@dataclass
class LambdaContext:
    function_name: str
    aws_request_id: str = "local-stream"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:local"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def lambda_record(raw: Record, stream_arn: str) -> Record:
    """A GetRecords record in the shape Lambda hands a function (epoch seconds, source ARN)."""
    record = dict(raw)
    body = dict(record["dynamodb"])
    stamp = body.get("ApproximateCreationDateTime")
    if isinstance(stamp, datetime):
        body["ApproximateCreationDateTime"] = int(stamp.timestamp())
    record["dynamodb"] = body
    record["eventSourceARN"] = stream_arn
    return record


class StreamPump:
    def __init__(
        self,
        stream_arn: str,
        consumers: list[Consumer],
        client: Any,
        *,
        max_retries: int = 3,
        poll_seconds: float = 0.1,
    ) -> None:
        self.stream_arn = stream_arn
        self.consumers = consumers
        self.client = client
        self.max_retries = max_retries
        self.poll_seconds = poll_seconds
        self.dead_letters: list[dict[str, Any]] = []
        self.read_total = 0  # records read so far, by any caller: queues.settle() watches it
        self._log: list[Record] = []
        self._last: dict[str, str] = {}  # shard id -> last sequence number read
        self._worker = PollingThread("stream-pump", self.drain, poll_seconds, log)
        self._lock = threading.Lock()

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    # --- one round ------------------------------------------------------------------------

    def drain(self) -> int:
        """Read what is new on the stream and deliver it; the number of records read."""
        with self._lock:
            fresh = self._read()
            self.read_total += fresh
            for consumer in self.consumers:
                while self._deliver(consumer):
                    pass
            self._trim()
            return fresh

    def _read(self) -> int:
        """New records of every shard. A fresh iterator each poll, after the last sequence
        number read: moto as released swaps a table's stream object when it rolls a
        transaction back, which strands older iterators, and iterators expire after 15
        minutes (on AWS, and here under infra/local/moto_dynamodb.py, which also trims the
        records this has read: reading after the last number never meets a trimmed one)."""
        description = self.client.describe_stream(StreamArn=self.stream_arn)
        count = 0
        for shard in description["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            after = self._last.get(shard_id)
            position: dict[str, Any] = (
                {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
                if after
                else {"ShardIteratorType": "TRIM_HORIZON"}
            )
            iterator = self.client.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard_id, **position
            )["ShardIterator"]
            while iterator:
                reply = self.client.get_records(ShardIterator=iterator)
                iterator = reply.get("NextShardIterator")
                records = reply.get("Records") or []
                if not records:
                    break
                self._log.extend(lambda_record(r, self.stream_arn) for r in records)
                self._last[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
                count += len(records)
        return count

    def _next_batch(self, consumer: Consumer) -> tuple[list[int], int]:
        """Log positions of up to the consumer's batch size of matching records, and where
        the scan ended."""
        size = consumer.limit or consumer.batch_size
        batch: list[int] = []
        position = consumer.offset
        while position < len(self._log) and len(batch) < size:
            if consumer.wants(self._log[position]):
                batch.append(position)
            position += 1
        return batch, position

    def _deliver(self, consumer: Consumer) -> bool:
        """One invocation; True while there may be more to deliver."""
        positions, end = self._next_batch(consumer)
        if not positions:
            consumer.offset = end
            return False
        batch = [self._log[p] for p in positions]
        try:
            reply = consumer.handler({"Records": batch}, LambdaContext(consumer.name))
            failures = {
                str(f["itemIdentifier"]) for f in (reply or {}).get("batchItemFailures", [])
            }
        except Exception:
            log.warning(
                "%s failed on a batch of %d:\n%s",
                consumer.name,
                len(batch),
                traceback.format_exc(),
            )
            return self._failed(consumer, positions, 0, bisect=True)
        if not failures:
            consumer.offset, consumer.limit = end, 0
            return True
        sequences = [r["dynamodb"]["SequenceNumber"] for r in batch]
        first = next((i for i, s in enumerate(sequences) if s in failures), None)
        if first is None:  # identifiers not in the batch: Lambda retries the whole batch
            return self._failed(consumer, positions, 0, bisect=True)
        return self._failed(consumer, positions, first, bisect=False)

    def _failed(
        self, consumer: Consumer, positions: list[int], index: int, *, bisect: bool
    ) -> bool:
        """Retry from the failed record; bisect a failing batch; dead-letter after retries."""
        position = positions[index]
        consumer.offset = position
        key = f"{position}:{self._log[position].get('eventID')}"
        attempts = consumer.attempts[key] = consumer.attempts.get(key, 0) + 1
        if bisect and len(positions) > 1:
            consumer.limit = max(1, len(positions) // 2)
            return True
        if attempts > self.max_retries:
            self._dead_letter(consumer, self._log[position], attempts)
            consumer.offset, consumer.limit = position + 1, 0
            consumer.attempts.pop(key, None)
            return True
        if bisect:
            consumer.limit = 1
        return True

    def _dead_letter(self, consumer: Consumer, record: Record, attempts: int) -> None:
        body = record["dynamodb"]
        letter = {
            "consumer": consumer.name,
            "attempts": attempts,
            "eventID": record.get("eventID"),
            "eventName": record.get("eventName"),
            "sequenceNumber": body.get("SequenceNumber"),
            "keys": body.get("Keys"),
        }
        self.dead_letters.append(letter)
        log.error("dead letter (on-failure destination): %s", letter)

    def _trim(self) -> None:
        done = min((c.offset for c in self.consumers), default=len(self._log))
        if done:
            del self._log[:done]
            for consumer in self.consumers:
                consumer.offset -= done
                consumer.attempts.clear()


def catalogue_consumers() -> list[Consumer]:
    """The consumers infra/consumers.py deploys, with their filters and batch sizes."""
    from infra.consumers import CONSUMERS
    from infra.local.handlers import load_handler

    consumers = []
    for row in CONSUMERS:
        handler = load_handler(row.package)
        if handler is None:  # not written yet: the runtime starts without it (logged)
            continue
        consumers.append(
            Consumer(
                name=row.package,
                handler=handler,
                filters=tuple(row.filters),
                batch_size=row.batch_size or 100,
            )
        )
    return consumers


def start_pump(table_name: str, poll_seconds: float = 0.1) -> StreamPump:
    import boto3

    stream_arn = boto3.client("dynamodb").describe_table(TableName=table_name)["Table"][
        "LatestStreamArn"
    ]
    pump = StreamPump(
        stream_arn,
        catalogue_consumers(),
        boto3.client("dynamodbstreams"),
        poll_seconds=poll_seconds,
    )
    pump.start()
    return pump
