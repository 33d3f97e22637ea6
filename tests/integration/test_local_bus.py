"""The local runtime's bus, queues, schedules and SES feedback, over in-process moto.

The route is the one ``start_local`` builds (``infra.local.resources.create_event_queue`` from
the catalogue's ``events:queue`` trigger), the poller the one it runs; the functions are
stand-ins handed to the poller and to the triggers (``handlers={...}``), so nothing here
depends on the real consumers. The queue's visibility timeout is 0 s, so a failed message is
back at once and ``settle()`` never waits for it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from importlib.metadata import version
from typing import Any

import boto3
import pytest

from infra.consumers import bus_name, event_pattern
from infra.local import moto_events
from infra.local.events import HttpRequest
from infra.local.gateway import Gateway
from infra.local.pump import Consumer, StreamPump
from infra.local.queues import QueuePoller, failed_ids, lambda_record, settle
from infra.local.resources import EventQueue, create_event_bus, create_event_queue
from infra.local.runtime import add_trigger_actions
from infra.local.triggers import LocalTriggers
from promptvault.catalogue import triggers_from
from promptvault.events.catalogue import SOURCE

NOTIFY = triggers_from("events:queue")[0]
MATCHING = NOTIFY.events[0]  # e.g. prompt.rated


@pytest.fixture(autouse=True)
def fixed_moto_events() -> Iterator[None]:
    moto_events.install()
    try:
        yield
    finally:
        moto_events.uninstall()


@pytest.fixture
def route() -> EventQueue:
    """A fresh bus with the catalogue trigger's rule, queue and DLQ (names unique per test:
    the module shares one moto)."""
    prefix = f"pv-{uuid.uuid4().hex[:8]}"
    bus = bus_name(prefix)
    create_event_bus(bus)
    return create_event_queue(bus, NOTIFY, prefix, visibility_timeout=0)


class Recorder:
    """A stand-in function: records each event; answers what ``reply`` says."""

    def __init__(self, reply: Any = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.reply = reply

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        return self.reply(event) if callable(self.reply) else self.reply

    @property
    def records(self) -> list[dict[str, Any]]:
        return [record for event in self.events for record in event["Records"]]


def put(route: EventQueue, detail_type: str, detail: dict[str, Any], source: str = SOURCE) -> None:
    entry = {
        "Source": source,
        "DetailType": detail_type,
        "Detail": json.dumps(detail),
        "EventBusName": route.bus,
    }
    reply = boto3.client("events").put_events(Entries=[entry])
    assert reply["FailedEntryCount"] == 0, reply


def poller_for(route: EventQueue, handler: Any) -> QueuePoller:
    return QueuePoller([route], handlers={NOTIFY.function: handler})


def depth(route: EventQueue, url: str | None = None) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=url or route.queue_url, AttributeNames=names
    )["Attributes"]
    return sum(int(attributes[n]) for n in names)


# --- the route ------------------------------------------------------------------------------


def test_the_rule_has_the_triggers_exact_pattern_and_the_queue_as_its_target(route: EventQueue):
    events, sqs = boto3.client("events"), boto3.client("sqs")

    rule = events.describe_rule(Name=route.rule, EventBusName=route.bus)
    targets = events.list_targets_by_rule(Rule=route.rule, EventBusName=route.bus)["Targets"]
    attributes = sqs.get_queue_attributes(QueueUrl=route.queue_url, AttributeNames=["All"])

    assert json.loads(rule["EventPattern"]) == event_pattern(NOTIFY)
    assert [t["Arn"] for t in targets] == [route.queue_arn]
    redrive = json.loads(attributes["Attributes"]["RedrivePolicy"])
    assert redrive == {"deadLetterTargetArn": route.dlq_arn, "maxReceiveCount": 5}
    assert route.batch_size == NOTIFY.batch_size


def test_a_matching_event_reaches_the_function_as_lambdas_sqs_event(route: EventQueue):
    handler = Recorder()
    # "<source>" is spelled in the detail: moto's default template would have filled it in
    detail = {"id": "e-1", "type": MATCHING, "data": {"note": "<source> <id>"}}

    put(route, MATCHING, detail)
    settle(None, poller_for(route, handler))

    assert len(handler.events) == 1
    [record] = handler.records
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == route.queue_arn
    assert record["awsRegion"] == "us-east-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(
        record["attributes"]
    )
    assert record["messageAttributes"] == {}
    assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()
    assert record["messageId"]
    assert record["receiptHandle"]
    body = json.loads(record["body"])  # the EventBridge event, as AWS delivers it
    assert list(body) == [
        "version",
        "id",
        "detail-type",
        "source",
        "account",
        "time",
        "region",
        "resources",
        "detail",
    ]
    assert body["detail-type"] == MATCHING
    assert body["source"] == SOURCE
    assert body["account"] == "123456789012"
    assert body["detail"] == detail
    assert body["time"].endswith("Z")
    assert depth(route) == 0  # a success is deleted


def test_other_detail_types_and_other_sources_are_not_delivered(route: EventQueue):
    handler = Recorder()

    put(route, "prompt.version.created", {"id": "e-2"})  # not in the trigger's events
    put(route, MATCHING, {"id": "e-3"}, source="somebody.else")
    put(route, MATCHING.upper(), {"id": "e-4"})  # patterns are case-sensitive
    settle(None, poller_for(route, handler))

    assert handler.events == []
    assert depth(route) == 0


def test_each_matching_detail_type_of_the_trigger_is_delivered(route: EventQueue):
    handler = Recorder()

    for number, detail_type in enumerate(NOTIFY.events):
        put(route, detail_type, {"id": f"e-{number}"})
    settle(None, poller_for(route, handler))

    delivered = sorted(json.loads(r["body"])["detail-type"] for r in handler.records)
    assert delivered == sorted(NOTIFY.events)


def test_a_reported_batch_item_failure_comes_back_and_the_rest_is_deleted(route: EventQueue):
    def fail_e5_once(event: dict[str, Any]) -> dict[str, Any]:
        failures = [
            {"itemIdentifier": r["messageId"]}
            for r in event["Records"]
            if json.loads(r["body"])["detail"]["id"] == "e-5" and len(handler.events) == 1
        ]
        return {"batchItemFailures": failures}

    handler = Recorder(fail_e5_once)
    put(route, MATCHING, {"id": "e-5"})
    put(route, MATCHING, {"id": "e-6"})
    poller = poller_for(route, handler)
    poller.poll()  # both in one batch, e-5 reported as failed

    settle(None, poller)

    ids = [json.loads(r["body"])["detail"]["id"] for r in handler.records]
    assert sorted(ids) == ["e-5", "e-5", "e-6"]  # e-6 once: it was deleted
    again = handler.records[-1]
    assert json.loads(again["body"])["detail"]["id"] == "e-5"
    assert again["attributes"]["ApproximateReceiveCount"] == "2"
    assert depth(route) == 0
    assert depth(route, route.dlq_url) == 0


def test_a_failing_message_is_received_five_times_then_lands_in_the_dlq_and_is_shown(
    route: EventQueue,
):
    def always_fail(event: dict[str, Any]) -> dict[str, Any]:
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]]}

    handler = Recorder(always_fail)
    put(route, MATCHING, {"id": "poison"})
    poller = poller_for(route, handler)

    settle(None, poller)

    counts = [r["attributes"]["ApproximateReceiveCount"] for r in handler.records]
    assert counts == ["1", "2", "3", "4", "5"]
    assert depth(route) == 0
    [shown] = poller.describe()["queues"]
    assert shown["function"] == NOTIFY.function
    assert shown["deadLetters"]["count"] == 1
    [letter] = shown["deadLetters"]["messages"]
    assert letter["body"]["detail"] == {"id": "poison"}
    assert letter["receiveCount"] == 5
    assert shown["returned"] == 5
    assert shown["deleted"] == 0
    assert [d["outcome"] for d in shown["recent"]] == ["failed"] * 5


def test_a_raised_exception_deletes_none_of_the_batch(route: EventQueue):
    def raise_first(event: dict[str, Any]) -> None:
        if len(handler.events) == 1:
            raise RuntimeError("the function failed")

    handler = Recorder(raise_first)
    put(route, MATCHING, {"id": "e-7"})
    put(route, MATCHING, {"id": "e-8"})
    poller = poller_for(route, handler)
    poller.poll()

    settle(None, poller)

    ids = sorted(json.loads(r["body"])["detail"]["id"] for r in handler.records)
    assert ids == ["e-7", "e-7", "e-8", "e-8"]
    assert depth(route) == 0


def test_a_function_that_does_not_exist_yet_leaves_its_queue_alone(route: EventQueue):
    poller = QueuePoller([route], handlers={})
    put(route, MATCHING, {"id": "e-9"})

    assert poller.poll() == 0
    assert poller.pending() == 0  # settle() does not wait for it
    [shown] = poller.describe()["queues"]
    assert shown["handler"] == "unavailable"
    assert shown["messages"] == 1


def test_settle_follows_the_whole_path_from_a_table_write_to_the_queue_consumer(
    route: EventQueue,
):
    """A stream consumer publishing to the bus (as stream_events does), then the queue."""
    from promptvault.core.settings import get_settings

    table = get_settings().table_name
    key = f"BUS#{uuid.uuid4().hex}"
    events = boto3.client("events")

    def publish(event: dict[str, Any], _context: Any) -> None:
        for record in event["Records"]:
            entry = {
                "Source": SOURCE,
                "DetailType": MATCHING,
                "Detail": json.dumps({"id": record["dynamodb"]["Keys"]["PK"]["S"]}),
                "EventBusName": route.bus,
            }
            events.put_events(Entries=[entry])

    dynamodb = boto3.client("dynamodb")
    arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    only_mine = ({"dynamodb": {"Keys": {"PK": {"S": [key]}}}},)
    pump = StreamPump(
        arn,
        [Consumer("publisher", publish, filters=only_mine)],
        boto3.client("dynamodbstreams"),
    )
    handler = Recorder()
    dynamodb.put_item(TableName=table, Item={"PK": {"S": key}, "SK": {"S": "META"}})

    settle(pump, poller_for(route, handler))

    assert [json.loads(r["body"])["detail"]["id"] for r in handler.records] == [key]


# --- the pieces -----------------------------------------------------------------------------


def test_failed_ids_reads_report_batch_item_failures_as_lambda_does():
    batch = ["a", "b", "c"]

    assert failed_ids(None, batch) == set()
    assert failed_ids({}, batch) == set()
    assert failed_ids({"batchItemFailures": []}, batch) == set()
    assert failed_ids({"batchItemFailures": None}, batch) == set()
    assert failed_ids({"batchItemFailures": [{"itemIdentifier": "b"}]}, batch) == {"b"}
    # an identifier that is empty, missing or not in the batch fails it all
    for bad in ({"itemIdentifier": ""}, {"itemIdentifier": "z"}, {}, {"itemIdentifier": None}):
        assert failed_ids({"batchItemFailures": [bad]}, batch) == set(batch)


def test_message_attributes_take_lambdas_spelling():
    message = {
        "MessageId": "m",
        "ReceiptHandle": "r",
        "Body": "{}",
        "MD5OfBody": "x",
        "MD5OfMessageAttributes": "y",
        "Attributes": {"ApproximateReceiveCount": "1"},
        "MessageAttributes": {
            "kind": {"StringValue": "note", "DataType": "String"},
            "blob": {"BinaryValue": b"\x00\x01", "DataType": "Binary"},
        },
    }

    record = lambda_record(message, "arn:aws:sqs:eu-west-1:123456789012:q")

    assert record["messageAttributes"] == {
        "kind": {
            "stringValue": "note",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        },
        "blob": {
            "binaryValue": "AAE=",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "Binary",
        },
    }
    assert record["md5OfMessageAttributes"] == "y"
    assert record["awsRegion"] == "eu-west-1"


# --- schedules and SES feedback through the gateway -----------------------------------------


def _gateway(handlers: dict[str, Any]) -> Gateway:
    gateway = Gateway()
    add_trigger_actions(gateway, LocalTriggers(handlers))
    return gateway


def _request(method: str, path: str, body: Any = None) -> HttpRequest:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode() if body else b""
    headers = [("Content-Type", "application/json")]
    return HttpRequest(method, path, "", headers, raw, "127.0.0.1")


SCHEDULE = triggers_from("schedule")[0]
FEEDBACK = triggers_from("email:feedback")[0]


@pytest.mark.parametrize("period", [name for name, _ in SCHEDULE.schedules])
def test_a_schedule_endpoint_invokes_the_function_with_its_period(period: str):
    handler = Recorder({"sent": 3})

    response, answered_by = _gateway({SCHEDULE.function: handler}).handle(
        _request("POST", f"/_local/schedules/{period}")
    )

    assert (response.status, answered_by) == (200, "local")
    assert handler.events == [{"period": period}]
    data = json.loads(response.body)["data"]
    assert data["function"] == SCHEDULE.function
    assert data["event"] == {"period": period}
    assert data["result"] == {"sent": 3}


def test_schedules_are_listed_and_only_posted():
    gateway = _gateway({})

    listing, _ = gateway.handle(_request("GET", "/_local/schedules"))
    name = SCHEDULE.schedules[0][0]
    got, _ = gateway.handle(_request("GET", f"/_local/schedules/{name}"))
    missing, _ = gateway.handle(_request("POST", f"/_local/schedules/{name}"))

    periods = {s["name"]: s for s in json.loads(listing.body)}
    assert set(periods) == {n for n, _ in SCHEDULE.schedules}
    assert periods[name]["expression"] == dict(SCHEDULE.schedules)[name]
    assert got.status == 405
    assert missing.status == 501  # no such function (here: none handed in)


def test_a_raising_scheduled_function_answers_500():
    def boom(_event: Any, _context: Any) -> None:
        raise RuntimeError("no digest today")

    response, _ = _gateway({SCHEDULE.function: boom}).handle(
        _request("POST", f"/_local/schedules/{SCHEDULE.schedules[0][0]}")
    )

    assert response.status == 500
    assert json.loads(response.body)["error"]["code"] == "INTERNAL_ERROR"


def _feedback(body: Any) -> tuple[int, dict[str, Any], Recorder]:
    handler = Recorder({"suppressed": 1})
    response, _ = _gateway({FEEDBACK.function: handler}).handle(
        _request("POST", "/_local/email/feedback", body)
    )
    return response.status, json.loads(response.body), handler


def _ses_record(handler: Recorder) -> dict[str, Any]:
    [event] = handler.events
    [record] = event["Records"]
    assert record["EventSource"] == "aws:sns"
    assert record["EventVersion"] == "1.0"
    sns = record["Sns"]
    assert sns["Type"] == "Notification"
    assert sns["TopicArn"] == "arn:aws:sns:us-east-1:123456789012:promptvault-local-email-feedback"
    assert record["EventSubscriptionArn"].startswith(sns["TopicArn"] + ":")
    assert sns["Subject"] is None
    assert sns["MessageAttributes"] == {}
    assert sns["Timestamp"].endswith("Z")
    assert {
        "MessageId",
        "Signature",
        "SignatureVersion",
        "SigningCertUrl",
        "UnsubscribeUrl",
    } <= set(sns)
    message: dict[str, Any] = json.loads(sns["Message"])
    return message


def test_a_bounce_reaches_the_feedback_function_as_ses_publishes_it_through_sns():
    status, answer, handler = _feedback({"type": "Bounce", "email": "reader@example.com"})

    assert status == 200, answer
    assert answer["data"]["result"] == {"suppressed": 1}
    ses = _ses_record(handler)
    assert ses["eventType"] == "Bounce"
    assert "notificationType" not in ses  # event publishing spells it eventType
    assert ses["bounce"]["bounceType"] == "Permanent"
    assert ses["bounce"]["bouncedRecipients"][0]["emailAddress"] == "reader@example.com"
    assert {"timestamp", "feedbackId", "bounceSubType"} <= set(ses["bounce"])
    assert "complaint" not in ses
    mail = ses["mail"]
    assert mail["destination"] == ["reader@example.com"]
    assert mail["sendingAccountId"] == "123456789012"
    assert {"timestamp", "source", "sourceArn", "messageId", "commonHeaders", "tags"} <= set(mail)
    assert answer["data"]["event"] == handler.events[0]


def test_a_complaint_reaches_the_feedback_function_as_ses_publishes_it_through_sns():
    status, _, handler = _feedback({"type": "Complaint", "email": "reader@example.com"})

    assert status == 200
    ses = _ses_record(handler)
    assert ses["eventType"] == "Complaint"
    complaint = ses["complaint"]
    assert complaint["complainedRecipients"] == [{"emailAddress": "reader@example.com"}]
    assert complaint["complaintFeedbackType"] == "abuse"
    assert "bounce" not in ses


def test_the_feedback_is_about_the_last_email_the_outbox_holds_for_that_address():
    sesv2 = boto3.client("sesv2")
    sesv2.create_email_identity(EmailIdentity="promptvault.local")
    sent = sesv2.send_email(
        FromEmailAddress="PromptVault <noreply@promptvault.local>",
        Destination={"ToAddresses": ["bouncer@example.com"]},
        Content={"Simple": {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "Hi"}}}},
    )

    _, _, handler = _feedback({"type": "Bounce", "email": "bouncer@example.com"})

    mail = _ses_record(handler)["mail"]
    assert mail["messageId"] == sent["MessageId"]
    assert mail["commonHeaders"]["subject"] == "Hello"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        ({"type": "Delivery", "email": "reader@example.com"}, 422),
        ({"type": "Bounce", "email": "not-an-address"}, 422),
        ({"type": "Bounce"}, 422),
        ({"type": "Bounce", "email": "reader@example.com", "extra": 1}, 422),
    ],
)
def test_a_bad_feedback_request_is_refused_without_invoking(body: Any, status: int):
    answered, answer, handler = _feedback(body)

    assert answered == status
    assert answer["success"] is False
    assert handler.events == []


def test_moto_as_released_still_needs_the_events_fix(route: EventQueue):
    """moto's default target template drops ``account`` and fills in placeholders spelled in
    the detail (infra/local/moto_events.py). When a moto upgrade fixes both, drop the fix."""
    sqs = boto3.client("sqs")
    depth = 0  # installs are counted (this module's moto world installs it too)
    while moto_events.installed():
        moto_events.uninstall()
        depth += 1
    try:
        put(route, MATCHING, {"note": "<source>"})
        [message] = sqs.receive_message(QueueUrl=route.queue_url)["Messages"]
    finally:
        for _ in range(depth):
            moto_events.install()

    body = json.loads(message["Body"])
    assert "account" not in body
    assert body["detail"] == {"note": SOURCE}
    assert version("moto") == moto_events.MOTO_VERSION  # re-read moto's code when it changes
