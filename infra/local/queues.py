"""The local SQS event source mappings: each ``events:queue`` trigger's queue into its function.

On AWS an EventBridge rule puts the matching events on the function's own queue and Lambda's
event source mapping (``ReportBatchItemFailures``) polls it. Here moto does the first part
in-process (``PutEvents`` -> rule pattern -> ``SendMessage``; infra/local/moto_events.py) and
this poller the second, with Lambda's semantics:

- up to ``batch_size`` messages per invocation, as Lambda's SQS event (``Records`` of
  ``messageId``, ``receiptHandle``, ``body``, ``attributes`` with ``ApproximateReceiveCount``,
  ``messageAttributes``, ``md5OfBody``, ``eventSource`` ``aws:sqs``, ``eventSourceARN``,
  ``awsRegion``);
- the reply's ``batchItemFailures`` stay on the queue and every other message is deleted; a
  raised exception, or a failure naming no message of the batch, deletes none;
- what stays comes back after the queue's visibility timeout (1 s locally), and SQS itself
  (moto's redrive, on the receive after the ``maxReceiveCount``-th) moves it to the DLQ.

``GET /_local/queues`` shows each queue's depth and its DLQ's messages (read from moto's
backend in this process, so looking does not count as a receive). ``settle()`` runs the stream
pump and the queues until nothing moves: tests assert after it.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import traceback
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from infra.local.events import LambdaContext
from infra.local.gateway import FUNCTION_PREFIX
from infra.local.handlers import Handler, Handlers
from infra.local.polling import PollingThread
from infra.local.pump import StreamPump
from infra.local.resources import EventQueue

log = logging.getLogger("promptvault.queues")

MAX_RECEIVE = 10  # SQS's ReceiveMessage limit; a larger batch takes several
RECENT = 50  # deliveries kept per queue for the page


def _lambda_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """A ReceiveMessage message attribute in the shape Lambda's SQS event spells it."""
    attribute: dict[str, Any] = {}
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
    attribute["stringListValues"] = list(value.get("StringListValues", []))
    attribute["binaryListValues"] = [
        base64.b64encode(v).decode("ascii") for v in value.get("BinaryListValues", [])
    ]
    attribute["dataType"] = value["DataType"]
    return attribute


def region_of(arn: str) -> str:
    return arn.split(":")[3]


def lambda_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """One ReceiveMessage message as a record of the event Lambda hands the function."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: _lambda_attribute(value)
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    record["eventSource"] = "aws:sqs"
    record["eventSourceARN"] = queue_arn
    record["awsRegion"] = region_of(queue_arn)
    return record


def failed_ids(reply: Any, batch: Sequence[str]) -> set[str]:
    """The messages a reply leaves on the queue, as Lambda reads ``ReportBatchItemFailures``:
    no reply, no ``batchItemFailures`` or an empty list is success; an identifier that is
    missing, empty or not in the batch fails the whole batch."""
    if not isinstance(reply, dict):
        return set()
    failures = reply.get("batchItemFailures") or []
    if not isinstance(failures, list):
        return set(batch)
    ids: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in batch:
            return set(batch)
        ids.add(identifier)
    return ids


def _event_of(body: str) -> dict[str, Any]:
    """The EventBridge event a body carries (its id and detail-type), or nothing."""
    try:
        event = json.loads(body)
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}


def _delivery(message: dict[str, Any], outcome: str) -> dict[str, Any]:
    event = _event_of(message["Body"])
    return {
        "messageId": message["MessageId"],
        "eventId": event.get("id"),
        "detailType": event.get("detail-type"),
        "receiveCount": int(message.get("Attributes", {}).get("ApproximateReceiveCount", "0")),
        "outcome": outcome,
    }


def _visible(queue_arn: str) -> bool:
    """Whether the queue has a message to receive (moto's backend in this process): an idle
    poller costs no HTTP round trip to moto and no CPU to speak of. True when the backend
    cannot say (the receive then decides)."""
    from moto.sqs.models import sqs_backends

    _, _, _, region, account, name = queue_arn.split(":", 5)
    try:
        queue = sqs_backends[account][region].get_queue(name)
    except Exception:
        return True
    return bool(queue.approximate_number_of_messages)


def peek(queue_arn: str) -> list[dict[str, Any]]:
    """A queue's messages without receiving them, from moto's backend in this process."""
    from moto.sqs.models import sqs_backends

    _, _, _, region, account, name = queue_arn.split(":", 5)
    queue = sqs_backends[account][region].get_queue(name)
    letters = []
    for message in list(queue._messages):
        try:
            body: Any = json.loads(message.body)
        except ValueError:
            body = message.body
        letters.append(
            {
                "messageId": message.id,
                "receiveCount": message.approximate_receive_count,
                "sentTimestamp": message.sent_timestamp,
                "body": body,
            }
        )
    return letters


@dataclass
class QueueConsumer:
    """One mapping: a queue, its function, and what it has done so far."""

    route: EventQueue
    invocations: int = 0
    received: int = 0
    deleted: int = 0
    returned: int = 0  # left on the queue by a failure, to come back
    # the last deliveries, newest last: what GET /_local/queues shows of each message
    recent: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=RECENT))

    @property
    def function(self) -> str:
        return self.route.function


class QueuePoller:
    """Polls every trigger queue and invokes its function, on a thread like the stream pump.

    ``handlers``: the functions to call by name (tests pass their own); by default each
    trigger's ``functions.<name>.handler.handler``, imported on first use; a trigger whose
    module does not exist yet is left idle (its messages wait on the queue)."""

    def __init__(
        self,
        routes: Sequence[EventQueue],
        client: Any = None,
        *,
        handlers: Handlers | Mapping[str, Handler] | None = None,
        poll_seconds: float = 0.1,
    ) -> None:
        if client is None:
            import boto3

            client = boto3.client("sqs")
        self.client = client
        self.consumers = [QueueConsumer(route) for route in routes]
        self.handlers = handlers if isinstance(handlers, Handlers) else Handlers(handlers)
        self.poll_seconds = poll_seconds
        self.received = 0  # messages received so far, by any caller: settle() watches it
        self._lock = threading.RLock()  # one poll at a time (the thread's, or settle()'s)
        self._stats = threading.Lock()  # the page reads ``recent`` while a poll appends
        self._worker = PollingThread("queue-poller", self.poll, poll_seconds, log)

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    # --- one round ------------------------------------------------------------------------

    def poll(self) -> int:
        """One batch from every queue whose function exists; the messages received."""
        with self._lock:
            return sum(self._poll(consumer) for consumer in self.consumers)

    def _poll(self, consumer: QueueConsumer) -> int:
        handler = self.handlers.get(consumer.function)
        if handler is None:
            return 0
        if not _visible(consumer.route.queue_arn):
            return 0  # an idle poll asks moto's backend in-process, not over HTTP
        messages = self._receive(consumer.route)
        if not messages:
            return 0
        self.received += len(messages)
        consumer.received += len(messages)
        consumer.invocations += 1
        route = consumer.route
        event = {"Records": [lambda_record(m, route.queue_arn) for m in messages]}
        ids = [m["MessageId"] for m in messages]
        try:
            reply = handler(
                event, LambdaContext(function_name=f"{FUNCTION_PREFIX}{route.function}")
            )
            failed = failed_ids(reply, ids)
        except Exception:
            log.warning(
                "%s failed on a batch of %d:\n%s",
                route.function,
                len(messages),
                traceback.format_exc(),
            )
            failed = set(ids)
        done = [m for m in messages if m["MessageId"] not in failed]
        self._delete(route, done)
        consumer.deleted += len(done)
        consumer.returned += len(messages) - len(done)
        for message in messages:
            outcome = "failed" if message["MessageId"] in failed else "deleted"
            with self._stats:
                consumer.recent.append(_delivery(message, outcome))
            if outcome == "failed":
                self._log_return(route, message)
        return len(messages)

    @staticmethod
    def _log_return(route: EventQueue, message: dict[str, Any]) -> None:
        received = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "0"))
        after = (
            "goes to the DLQ on the next receive"
            if received >= route.max_receive_count
            else f"comes back in {route.visibility_timeout} s"
        )
        log.warning(
            "%s: message %s failed (receive %d of %d); it %s",
            route.function,
            message["MessageId"],
            received,
            route.max_receive_count,
            after,
        )

    def _receive(self, route: EventQueue) -> list[dict[str, Any]]:
        """Up to the batch size, as Lambda gathers a batch (several receives past 10)."""
        batch: list[dict[str, Any]] = []
        seen: set[str] = set()
        while len(batch) < route.batch_size:
            wanted = min(MAX_RECEIVE, route.batch_size - len(batch))
            reply = self.client.receive_message(
                QueueUrl=route.queue_url,
                MaxNumberOfMessages=wanted,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            )
            messages = reply.get("Messages", [])
            batch.extend(m for m in messages if m["MessageId"] not in seen)
            seen.update(m["MessageId"] for m in messages)
            if len(messages) < wanted:  # the queue had no more visible
                break
        return batch

    def _delete(self, route: EventQueue, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), MAX_RECEIVE):
            chunk = messages[start : start + MAX_RECEIVE]
            reply = self.client.delete_message_batch(
                QueueUrl=route.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)
                ],
            )
            for failure in reply.get("Failed", []):
                log.warning("%s: a delete failed: %s", route.function, failure)

    # --- state ----------------------------------------------------------------------------

    def _depth(self, url: str) -> dict[str, int]:
        names = [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ]
        attributes = self.client.get_queue_attributes(QueueUrl=url, AttributeNames=names)
        values = attributes.get("Attributes", {})
        return {name: int(values.get(name, 0)) for name in names}

    def pending(self) -> int:
        """Messages still to be handled (visible, in flight or delayed) on the queues of the
        functions that exist: 0 once everything was handled or dead-lettered."""
        total = 0
        for consumer in self.consumers:
            if self.handlers.get(consumer.function) is not None:
                total += sum(self._depth(consumer.route.queue_url).values())
        return total

    def describe(self) -> dict[str, Any]:
        """``GET /_local/queues``: the bus, and per queue its rule, depth and DLQ messages."""
        queues = []
        for consumer in self.consumers:
            route = consumer.route
            depth = self._depth(route.queue_url)
            letters = peek(route.dlq_arn)
            handler = self.handlers.get(route.function)
            with self._stats:
                recent = list(consumer.recent)
            queues.append(
                {
                    "function": route.function,
                    "handler": "ready" if handler is not None else "unavailable",
                    "rule": route.rule,
                    "pattern": route.pattern,
                    "queue": route.queue_url.rsplit("/", 1)[-1],
                    "queueArn": route.queue_arn,
                    "batchSize": route.batch_size,
                    "visibilityTimeout": route.visibility_timeout,
                    "maxReceiveCount": route.max_receive_count,
                    "messages": depth["ApproximateNumberOfMessages"],
                    "inFlight": depth["ApproximateNumberOfMessagesNotVisible"],
                    "delayed": depth["ApproximateNumberOfMessagesDelayed"],
                    "invocations": consumer.invocations,
                    "received": consumer.received,
                    "deleted": consumer.deleted,
                    "returned": consumer.returned,
                    "recent": recent,
                    "deadLetters": {
                        "queue": route.dlq_url.rsplit("/", 1)[-1],
                        "count": len(letters),
                        "messages": letters,
                    },
                }
            )
        buses = sorted({c.route.bus for c in self.consumers if c.route.bus})
        return {"buses": buses, "queues": queues}


def start_poller(routes: Sequence[EventQueue], poll_seconds: float = 0.1) -> QueuePoller:
    poller = QueuePoller(routes, poll_seconds=poll_seconds)
    poller.start()
    return poller


def settle(
    pump: StreamPump | None,
    poller: QueuePoller | None,
    *,
    timeout: float = 30.0,
    poll_seconds: float = 0.02,
) -> None:
    """Run the stream pump and the queues until nothing moves: every stream record delivered,
    every queued message handled or dead-lettered, and what those wrote delivered in turn.

    Settled when a whole round (queues looked at, stream drained, queues polled) moved
    nothing, by this call or by the background threads, and the queues held nothing at its
    start. Waits only while a failed message is invisible (the visibility timeout), in short
    polls. ``TimeoutError`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout

    def moved() -> tuple[int, int]:
        return (pump.read_total if pump else 0, poller.received if poller else 0)

    while True:
        before = moved()
        waiting = poller.pending() if poller else 0
        if pump is not None:
            while pump.drain():
                pass
        if poller is not None:
            poller.poll()
        if moved() == before:
            if not waiting:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"not settled after {timeout} s: {waiting} messages queued")
            time.sleep(poll_seconds)  # only in-flight messages: their visibility timeout
        elif time.monotonic() > deadline:
            raise TimeoutError(f"not settled after {timeout} s: still moving")
