"""Stream consumers: partial batch failures, bisect, bounded retries, encrypted failure queue.

These tests synthesize prod with the shipped consumers (infra/consumers.py) plus one probe.
"""

import pytest

from infra.consumers import CONSUMERS
from promptvault.catalogue import ROUTES

# Deploy-time helpers, not consumers: the search role-mapping custom resource and CDK's
# Provider framework in front of it (infra/stacks/search_access.py).
INFRASTRUCTURE_HANDLERS = ("handler.on_event", "framework.onEvent")

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def test_the_shipped_consumers_each_get_a_function(prod):
    assert set(prod.stacks.streams.functions) == {c.package for c in CONSUMERS}


def test_mapping_reports_batch_item_failures_and_bounds_retries(with_consumer):
    mappings = [
        r
        for r in with_consumer.stack("Streams")["Resources"].values()
        if r["Type"] == "AWS::Lambda::EventSourceMapping"
    ]
    assert len(mappings) == len(CONSUMERS) + 1
    props = next(
        m["Properties"] for m in mappings if "StreamProbe" in str(m["Properties"]["FunctionName"])
    )
    policy = with_consumer.stacks.config.streams

    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BisectBatchOnFunctionError"] is True
    assert props["MaximumRetryAttempts"] == policy.retry_attempts
    assert props["MaximumRecordAgeInSeconds"] == policy.max_record_age_seconds
    assert "OnFailure" in props["DestinationConfig"]
    assert props["FilterCriteria"]["Filters"]


def test_failure_queue_is_encrypted_and_refuses_plain_http(with_consumer):
    streams = with_consumer.stack("Streams")["Resources"]
    (queue,) = [r for r in streams.values() if r["Type"] == "AWS::SQS::Queue"]
    (policy,) = [r for r in streams.values() if r["Type"] == "AWS::SQS::QueuePolicy"]

    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    statement = policy["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_failure_queue_depth_and_iterator_age_are_alarmed(with_consumer):
    alarms = [a["Properties"] for a in with_consumer.resources("AWS::CloudWatch::Alarm").values()]
    metrics = {a.get("MetricName") for a in alarms}

    assert {"ApproximateNumberOfMessagesVisible", "IteratorAge"} <= metrics


def test_function_count_is_routes_plus_consumers_plus_triggers(with_consumer):
    handlers = [
        f["Properties"]["Handler"]
        for f in with_consumer.resources("AWS::Lambda::Function").values()
    ]
    functions = [h for h in handlers if h.startswith("functions.")]
    infrastructure = sorted(h for h in handlers if not h.startswith("functions."))
    consumers = len(with_consumer.stacks.streams.functions)
    triggers = (1 if with_consumer.stacks.config.auto_confirm_signup else 0) + len(
        with_consumer.stacks.events.functions
    )

    assert consumers == len(CONSUMERS) + 1
    assert len(functions) == len(ROUTES) + consumers + triggers
    assert infrastructure == sorted(INFRASTRUCTURE_HANDLERS)
