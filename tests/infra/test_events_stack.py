"""The domain-events backbone (infra/stacks/events.py): the bus and its archive, one rule, queue
and DLQs per queue trigger, the schedules, the SES feedback subscription, an alarm on every
DLQ, and IAM that follows the catalogue's ``events:put`` and ``email:send`` words exactly.
"""

import json

import pytest

from infra.components.service_function import function_name
from infra.consumers import bus_name, event_pattern
from infra.stacks.email import feedback_topic_name
from infra.stacks.events import (
    ARCHIVE_RETENTION,
    DLQ_RETENTION,
    MAX_RECEIVE_COUNT,
    VISIBILITY_PER_TIMEOUT,
    schedule_group_name,
)
from promptvault.catalogue import ROUTES, TRIGGERS, triggers_from
from promptvault.events.catalogue import SOURCE
from tests.support.iam_roles import STAND_IN_ACCOUNT, Resolver, as_list, statements

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

QUEUE_TRIGGERS = triggers_from("events:queue")
SCHEDULED = triggers_from("schedule")
FEEDBACK = triggers_from("email:feedback")
ACCESS = {r.function: r.access for r in ROUTES} | {t.function: t.access for t in TRIGGERS}


def _events(assembly):
    return assembly.stack("Events")["Resources"]


def _of_type(assembly, kind):
    return {k: r for k, r in _events(assembly).items() if r["Type"] == kind}


def _by_property(assembly, kind, name, value):
    (found,) = [
        (k, r) for k, r in _of_type(assembly, kind).items() if r["Properties"][name] == value
    ]
    return found


def _queue(assembly, name):
    return _by_property(assembly, "AWS::SQS::Queue", "QueueName", name)


def _function_id(assembly, package):
    name = function_name(assembly.stacks.config, package)
    return _by_property(assembly, "AWS::Lambda::Function", "FunctionName", name)[0]


def _queue_policy(assembly, queue_id):
    (policy,) = [
        r["Properties"]["PolicyDocument"]["Statement"]
        for r in _of_type(assembly, "AWS::SQS::QueuePolicy").values()
        if r["Properties"]["Queues"] == [{"Ref": queue_id}]
    ]
    return policy


def _resolver(assembly):
    config = assembly.stacks.config
    return Resolver(assembly.templates, config.region, config.account)


def _bus_arn(assembly):
    config = assembly.stacks.config
    account = config.account or STAND_IN_ACCOUNT
    return f"arn:aws:events:{config.region}:{account}:event-bus/{bus_name(config.prefix)}"


def _our_functions(assembly):
    return {
        f["Properties"]["FunctionName"]: f
        for f in assembly.resources("AWS::Lambda::Function").values()
        if f["Properties"]["Handler"].startswith("functions.")
    }


def _role_statements(assembly, package):
    resolver = _resolver(assembly)
    template, role = resolver.role_of_function(function_name(assembly.stacks.config, package))
    return statements(resolver.policies(template, role))


# --- the bus ------------------------------------------------------------------------------


def test_the_stage_has_one_bus_named_for_it(assembly):
    (bus,) = _of_type(assembly, "AWS::Events::EventBus").values()

    assert bus["Properties"]["Name"] == bus_name(assembly.stacks.config.prefix)
    assert len(assembly.resources("AWS::Events::EventBus")) == 1


def test_the_archive_keeps_every_domain_event_for_replays(assembly):
    ((bus_id, _),) = _of_type(assembly, "AWS::Events::EventBus").items()
    (archive,) = _of_type(assembly, "AWS::Events::Archive").values()
    props = archive["Properties"]

    assert props["SourceArn"] == {"Fn::GetAtt": [bus_id, "Arn"]}
    assert props["EventPattern"] == {"source": [SOURCE]}
    assert props["RetentionDays"] == ARCHIVE_RETENTION.to_days()
    assert props["RetentionDays"] > DLQ_RETENTION.to_days()  # a DLQ's window can be replayed


def test_the_events_functions_are_the_catalogues_bus_schedule_and_feedback_triggers(assembly):
    uploads = triggers_from("uploads:queue")  # the import worker (tests/infra/test_imports_stack)
    wanted = {t.function for t in (*QUEUE_TRIGGERS, *SCHEDULED, *FEEDBACK, *uploads)}

    assert wanted
    assert set(assembly.stacks.events.functions) == wanted


# --- events:queue -------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", QUEUE_TRIGGERS, ids=lambda t: t.function)
def test_each_queue_triggers_rule_has_its_pattern_and_targets_its_queue(assembly, trigger):
    name = function_name(assembly.stacks.config, trigger.function)
    ((bus_id, _),) = _of_type(assembly, "AWS::Events::EventBus").items()
    _, rule = _by_property(assembly, "AWS::Events::Rule", "Name", name)
    queue_id, _ = _queue(assembly, name)
    delivery_id, _ = _queue(assembly, f"{name}-delivery-dlq")
    props = rule["Properties"]
    (target,) = props["Targets"]

    assert props["EventPattern"] == event_pattern(trigger)
    assert props["EventBusName"] == {"Ref": bus_id}
    assert props["State"] == "ENABLED"
    assert target["Arn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [delivery_id, "Arn"]}}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert 60 <= target["RetryPolicy"]["MaximumEventAgeInSeconds"] <= 86400


@pytest.mark.parametrize("trigger", QUEUE_TRIGGERS, ids=lambda t: t.function)
def test_each_queue_is_encrypted_ssl_only_and_dead_letters_after_five_receives(assembly, trigger):
    config = assembly.stacks.config
    name = function_name(config, trigger.function)
    queue_id, queue = _queue(assembly, name)
    dlq_id, dlq = _queue(assembly, f"{name}-dlq")
    props = queue["Properties"]

    assert props["SqsManagedSseEnabled"] is True
    assert props["VisibilityTimeout"] == VISIBILITY_PER_TIMEOUT * config.function_timeout_seconds
    assert props["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
        "maxReceiveCount": MAX_RECEIVE_COUNT,
    }
    assert MAX_RECEIVE_COUNT == 5
    assert dlq["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert dlq["Properties"]["SqsManagedSseEnabled"] is True
    for queue_of in (queue_id, dlq_id):
        deny = _queue_policy(assembly, queue_of)[0]
        assert deny["Effect"] == "Deny"
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize("trigger", QUEUE_TRIGGERS, ids=lambda t: t.function)
def test_only_its_rule_may_send_to_the_queue_and_its_delivery_dlq(assembly, trigger):
    name = function_name(assembly.stacks.config, trigger.function)
    rule_id, _ = _by_property(assembly, "AWS::Events::Rule", "Name", name)

    for queue_name in (name, f"{name}-delivery-dlq"):
        queue_id, queue = _queue(assembly, queue_name)
        allows = [s for s in _queue_policy(assembly, queue_id) if s["Effect"] == "Allow"]
        assert allows == [
            {
                "Action": "sqs:SendMessage",
                "Condition": {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]}}},
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Resource": {"Fn::GetAtt": [queue_id, "Arn"]},
            }
        ]
        assert queue["Properties"]["SqsManagedSseEnabled"] is True


@pytest.mark.parametrize("trigger", QUEUE_TRIGGERS, ids=lambda t: t.function)
def test_the_queue_mapping_reports_batch_item_failures_in_the_triggers_batches(assembly, trigger):
    name = function_name(assembly.stacks.config, trigger.function)
    queue_id, _ = _queue(assembly, name)
    (mapping,) = [
        m["Properties"]
        for m in _of_type(assembly, "AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    ]

    assert mapping["FunctionName"] == {"Ref": _function_id(assembly, trigger.function)}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BatchSize"] == trigger.batch_size
    assert trigger.batch_size in {1, 10}  # webhooks: one HTTP attempt per invocation


@pytest.mark.parametrize("trigger", QUEUE_TRIGGERS, ids=lambda t: t.function)
def test_a_queue_consumer_may_poll_only_its_own_queue(assembly, trigger):
    name = function_name(assembly.stacks.config, trigger.function)
    queue_arn = f"arn:aws:sqs:{assembly.stacks.config.region}:"
    sqs = [
        s
        for s in _role_statements(assembly, trigger.function)
        if any(a.startswith("sqs:") for a in as_list(s["Action"]))
    ]
    # queue:send-own (webhooks re-queue their retries) sends to the same queue: CDK merges it
    sends = ["sqs:SendMessage"] if "queue:send-own" in trigger.access else []

    assert len(sqs) == 1
    assert sorted(as_list(sqs[0]["Action"])) == [
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
        *sends,
    ]
    assert sqs[0]["Resource"].startswith(queue_arn)
    assert sqs[0]["Resource"].endswith(f":{name}")


# --- schedule -----------------------------------------------------------------------------


def _schedules(assembly):
    schedules = _of_type(assembly, "AWS::Scheduler::Schedule").values()
    return {s["Properties"]["Name"]: s["Properties"] for s in schedules}


@pytest.mark.parametrize("trigger", SCHEDULED, ids=lambda t: t.function)
def test_each_period_is_a_schedule_with_its_expression_and_input(assembly, trigger):
    name = function_name(assembly.stacks.config, trigger.function)
    function_id = _function_id(assembly, trigger.function)
    dlq_id, _ = _queue(assembly, f"{name}-dlq")
    schedules = _schedules(assembly)

    assert trigger.schedules
    for period, expression in trigger.schedules:
        schedule = schedules[f"{name}-{period}"]
        target = schedule["Target"]
        assert schedule["ScheduleExpression"] == expression
        assert schedule["ScheduleExpressionTimezone"] == "UTC"
        assert schedule["State"] == "ENABLED"
        assert json.loads(target["Input"]) == {"period": period}
        assert target["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}
        assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [dlq_id, "Arn"]}}
        assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
        assert schedule["GroupName"] == {"Ref": "Schedules"}
    assert len(schedules) == sum(len(t.schedules) for t in SCHEDULED)


def test_the_schedules_live_in_the_stages_group(assembly):
    (group,) = _of_type(assembly, "AWS::Scheduler::ScheduleGroup").values()

    assert group["Properties"]["Name"] == schedule_group_name(assembly.stacks.config)


@pytest.mark.parametrize("trigger", SCHEDULED, ids=lambda t: t.function)
def test_the_scheduler_role_may_only_invoke_its_function(assembly, trigger):
    name = function_name(assembly.stacks.config, trigger.function)
    function_id = _function_id(assembly, trigger.function)
    dlq_id, _ = _queue(assembly, f"{name}-dlq")
    resources = _events(assembly)
    (role_id,) = {
        s["Target"]["RoleArn"]["Fn::GetAtt"][0]
        for s in _schedules(assembly).values()
        if s["Target"]["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}
    }
    role = resources[role_id]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    granted = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    attached = [
        r
        for r in resources.values()
        if r["Type"] in {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}
        and {"Ref": role_id} in r["Properties"].get("Roles", [])
    ]

    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"]["StringEquals"]["aws:SourceArn"] == {
        "Fn::GetAtt": ["Schedules", "Arn"]
    }
    assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]
    assert not attached
    assert "ManagedPolicyArns" not in role
    assert sorted((s["Action"], json.dumps(s["Resource"])) for s in granted) == sorted(
        [
            ("lambda:InvokeFunction", json.dumps({"Fn::GetAtt": [function_id, "Arn"]})),
            ("sqs:SendMessage", json.dumps({"Fn::GetAtt": [dlq_id, "Arn"]})),
        ]
    )


# --- email:feedback -----------------------------------------------------------------------


@pytest.mark.parametrize("trigger", FEEDBACK, ids=lambda t: t.function)
def test_the_feedback_function_is_subscribed_to_the_ses_feedback_topic(assembly, trigger):
    config = assembly.stacks.config
    name = function_name(config, trigger.function)
    function_id = _function_id(assembly, trigger.function)
    dlq_id, _ = _queue(assembly, f"{name}-dlq")
    resolver = _resolver(assembly)
    template = f"PromptVault-{assembly.stage}-Events"
    topic_arn = (
        f"arn:aws:sns:{config.region}:{config.account or STAND_IN_ACCOUNT}:"
        f"{feedback_topic_name(config)}"
    )
    (subscription,) = _of_type(assembly, "AWS::SNS::Subscription").values()
    (permission,) = _of_type(assembly, "AWS::Lambda::Permission").values()
    props = subscription["Properties"]
    dlq_allows = [s for s in _queue_policy(assembly, dlq_id) if s["Effect"] == "Allow"]

    assert props["Protocol"] == "lambda"
    assert props["Endpoint"] == {"Fn::GetAtt": [function_id, "Arn"]}
    assert resolver.resolve(props["TopicArn"], template) == topic_arn
    assert props["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]}}
    assert permission["Properties"]["Principal"] == "sns.amazonaws.com"
    assert resolver.resolve(permission["Properties"]["SourceArn"], template) == topic_arn
    assert [s["Principal"] for s in dlq_allows] == [{"Service": "sns.amazonaws.com"}]
    assert resolver.resolve(dlq_allows[0]["Condition"], template) == {
        "ArnEquals": {"aws:SourceArn": topic_arn}
    }


def test_the_feedback_topic_is_the_email_stacks(assembly):
    (topic,) = [
        r for r in assembly.stack("Email")["Resources"].values() if r["Type"] == "AWS::SNS::Topic"
    ]

    assert topic["Properties"]["TopicName"] == feedback_topic_name(assembly.stacks.config)


@pytest.mark.parametrize("trigger", [*SCHEDULED, *FEEDBACK], ids=lambda t: t.function)
def test_asynchronously_invoked_functions_dead_letter_their_failed_events(assembly, trigger):
    name = function_name(assembly.stacks.config, trigger.function)
    dlq_id, _ = _queue(assembly, f"{name}-dlq")
    function = _events(assembly)[_function_id(assembly, trigger.function)]

    assert function["Properties"]["DeadLetterConfig"] == {
        "TargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]}
    }


# --- alarms -------------------------------------------------------------------------------


def test_every_dead_letter_queue_is_alarmed_on_its_first_message(assembly):
    dlqs = [
        r["Properties"]["QueueName"]
        for r in _of_type(assembly, "AWS::SQS::Queue").values()
        if r["Properties"]["QueueName"].endswith("-dlq")
    ]
    alarms = {
        a["Properties"]["Dimensions"][0]["Value"]: a["Properties"]
        for a in assembly.resources("AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
    }
    uploads = triggers_from("uploads:queue")  # the import worker: its queue and one DLQ
    expected = 2 * len(QUEUE_TRIGGERS) + len(SCHEDULED) + len(FEEDBACK) + len(uploads)

    assert len(dlqs) == expected
    queues = expected + len(QUEUE_TRIGGERS) + len(uploads)
    assert len(_of_type(assembly, "AWS::SQS::Queue")) == queues
    for dlq in dlqs:
        alarm = alarms[dlq]
        assert alarm["Namespace"] == "AWS/SQS"
        assert alarm["Threshold"] == 0
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert alarm["EvaluationPeriods"] == 1
        assert alarm["AlarmActions"]


def test_the_new_triggers_errors_and_throttles_are_alarmed(assembly):
    watched = {
        (a["Properties"]["MetricName"], a["Properties"]["Dimensions"][0]["Value"])
        for a in assembly.resources("AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("Namespace") == "AWS/Lambda" and "Dimensions" in a["Properties"]
    }
    config = assembly.stacks.config

    for package in (*assembly.stacks.events.functions, "stream_events"):
        for metric in ("Errors", "Throttles"):
            assert (metric, function_name(config, package)) in watched


# --- IAM from the access words ------------------------------------------------------------


def _grants(assembly, action):
    """Function name -> resources of every statement that allows ``action``."""
    resolver = _resolver(assembly)
    found = {}
    for name in _our_functions(assembly):
        template, role = resolver.role_of_function(name)
        for statement in statements(resolver.policies(template, role)):
            if action in as_list(statement["Action"]):
                found.setdefault(name, []).extend(as_list(statement["Resource"]))
    return found


def _declaring(assembly, word):
    config = assembly.stacks.config
    return {function_name(config, f) for f, access in ACCESS.items() if word in access}


def test_put_events_is_granted_only_to_the_events_publisher_and_only_on_the_bus(assembly):
    grants = _grants(assembly, "events:PutEvents")

    assert set(grants) == _declaring(assembly, "events:put")
    assert set(grants) == {function_name(assembly.stacks.config, "stream_events")}
    for resources in grants.values():
        assert resources == [_bus_arn(assembly)]
    resolver = _resolver(assembly)
    for name in set(_our_functions(assembly)) - set(grants):  # no other events: action at all
        template, role = resolver.role_of_function(name)
        actions = [
            a for s in statements(resolver.policies(template, role)) for a in as_list(s["Action"])
        ]
        assert not [a for a in actions if a.startswith("events:")], name


def test_ses_send_is_granted_only_to_functions_that_declare_email_send(assembly):
    config = assembly.stacks.config
    account = config.account or STAND_IN_ACCOUNT
    ses = f"arn:aws:ses:{config.region}:{account}"

    for action in ("ses:SendEmail", "ses:SendRawEmail"):
        grants = _grants(assembly, action)
        assert set(grants) == _declaring(assembly, "email:send")
        assert grants
        for resources in grants.values():
            assert sorted(resources) == sorted(
                [f"{ses}:configuration-set/{config.prefix}", f"{ses}:identity/*"]
            )


# --- environment --------------------------------------------------------------------------


def test_every_function_is_told_the_stages_bus_sender_configuration_set_and_url(assembly):
    config = assembly.stacks.config
    presignup = function_name(config, "auth_presignup")

    for name, function in _our_functions(assembly).items():
        env = function["Properties"]["Environment"]["Variables"]
        assert env["EVENT_BUS_NAME"] == bus_name(config.prefix), name
        assert env["EMAIL_CONFIGURATION_SET"] == config.prefix, name
        if config.email is None:
            assert env["EMAIL_SENDER"] == "", name
        else:
            assert env["EMAIL_SENDER"].endswith(f" <{config.email.from_address}>"), name
            assert config.email.from_name in env["EMAIL_SENDER"], name
        if name == presignup:  # deployed before the API exists; it builds no links
            assert "PUBLIC_URL" not in env
        else:
            assert "PUBLIC_URL" in env, name


def test_the_public_url_is_the_apis_own_url(assembly):
    config = assembly.stacks.config
    published = (
        f"https://{{{{resolve:ssm:/promptvault/{config.name}/api/id}}}}"
        f".execute-api.{config.region}.amazonaws.com"
    )
    (api_id,) = [
        k
        for k, r in assembly.stack("Api")["Resources"].items()
        if r["Type"] == "AWS::ApiGatewayV2::Api"
    ]
    nested = [
        p
        for r in assembly.stack("Api")["Resources"].values()
        if r["Type"] == "AWS::CloudFormation::Stack"
        for p in r["Properties"].get("Parameters", {}).values()
    ]

    for package in (*assembly.stacks.events.functions, "stream_events"):
        function = _our_functions(assembly)[function_name(config, package)]
        assert function["Properties"]["Environment"]["Variables"]["PUBLIC_URL"] == published
    assert {"Fn::GetAtt": [api_id, "ApiEndpoint"]} in nested
