"""Stream consumers: partial batch failures, bisect, bounded retries, encrypted failure queue.

No consumer ships yet, so these tests synthesize prod with one probe consumer added.
"""

import pytest

from promptvault.catalogue import ROUTES

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def test_no_streams_stack_without_consumers(prod):
    assert prod.stacks.streams is None


def test_mapping_reports_batch_item_failures_and_bounds_retries(with_consumer):
    (mapping,) = with_consumer.resources("AWS::Lambda::EventSourceMapping").values()
    props = mapping["Properties"]
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
    functions = [
        f
        for f in with_consumer.resources("AWS::Lambda::Function").values()
        if f["Properties"]["Handler"].startswith("functions.")
    ]
    consumers = len(with_consumer.stacks.streams.functions)
    triggers = 1 if with_consumer.stacks.config.auto_confirm_signup else 0

    assert consumers == 1
    assert len(functions) == len(ROUTES) + consumers + triggers
