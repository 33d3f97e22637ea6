"""Creates the stage's AWS resources in moto from the same definitions CDK reads.

The table comes from ``table_definition()`` (the pynamodb models), the user pool from
``promptvault.identity.pool``, the event bus's rules from the catalogue's ``events:queue``
triggers (``infra.consumers.event_pattern``); nothing here restates a key, an index, a policy
or a pattern.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3

from infra.local.environment import EMAIL_DOMAIN

if TYPE_CHECKING:
    from promptvault.catalogue import Trigger

POOL_NAME = "promptvault-local-users"
CLIENT_NAME = "promptvault-local-api"


@dataclass(frozen=True, slots=True)
class UserPool:
    pool_id: str
    client_id: str


def create_user_pool() -> UserPool:
    """The pool, its public API client (no secret, like CDK's) and the role groups."""
    import promptvault.identity.pool as pool

    cognito = boto3.client("cognito-idp")
    created = cognito.create_user_pool(PoolName=POOL_NAME, **pool_arguments())["UserPool"]
    pool_id = created["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=list(pool.CLIENT_AUTH_FLOWS),
        AccessTokenValidity=pool.ACCESS_TOKEN_MINUTES,
        IdTokenValidity=pool.ID_TOKEN_MINUTES,
        RefreshTokenValidity=pool.REFRESH_TOKEN_DAYS,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]
    for group in pool.GROUPS:
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    return UserPool(pool_id=pool_id, client_id=client["ClientId"])


def pool_arguments() -> dict[str, Any]:
    """CreateUserPool arguments (also the test suite's pool, tests/support/aws.py); optional
    attributes are read when the pool module has them."""
    import promptvault.identity.pool as pool

    arguments: dict[str, Any] = {
        "Policies": {"PasswordPolicy": dict(pool.PASSWORD_POLICY)},
        "UsernameAttributes": list(getattr(pool, "USERNAME_ATTRIBUTES", ("email",))),
        "AutoVerifiedAttributes": list(getattr(pool, "AUTO_VERIFIED_ATTRIBUTES", ("email",))),
    }
    # the old address stays (and signs in) until the new one is verified (decision 56);
    # moto keeps the setting and infra/local/moto_cognito.py acts on it
    kept = getattr(pool, "ATTRIBUTES_REQUIRE_VERIFICATION_BEFORE_UPDATE", ())
    if kept:
        arguments["UserAttributeUpdateSettings"] = {
            "AttributesRequireVerificationBeforeUpdate": list(kept)
        }
    schema = getattr(pool, "SCHEMA", None)
    if schema:
        arguments["Schema"] = [dict(attribute) for attribute in schema]
    return arguments


def create_table() -> str:
    """The single table with its stream; TTL is a separate call, as in the real API."""
    from promptvault.data.models import table_definition

    definition = table_definition()
    ttl = definition.pop("TimeToLive", None)
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(**definition)
    if ttl:
        dynamodb.update_time_to_live(TableName=definition["TableName"], TimeToLiveSpecification=ttl)
    return str(definition["TableName"])


def create_email_identity() -> None:
    """Verify the sending domain, so any ``…@promptvault.local`` sender is accepted."""
    boto3.client("sesv2").create_email_identity(EmailIdentity=EMAIL_DOMAIN)


# --- the event bus and its queues ------------------------------------------------------------

# As infra/stacks/events.py deploys them (MAX_RECEIVE_COUNT, SQS_BATCH_SIZE; not imported:
# that module pulls in CDK), but for the visibility timeout: 6 x the function's timeout there,
# short here so a failed message comes back quickly.
MAX_RECEIVE_COUNT = 5  # receives before SQS moves a message to the queue's DLQ
QUEUE_VISIBILITY_SECONDS = 1
QUEUE_BATCH_SIZE = 10  # a queue trigger without its own batch size


@dataclass(frozen=True, slots=True)
class EventQueue:
    """One ``events:queue`` trigger's route: its rule on the bus, its queue and the DLQ."""

    function: str
    bus: str
    rule: str
    rule_arn: str
    pattern: dict[str, Any]
    queue_url: str
    queue_arn: str
    dlq_url: str
    dlq_arn: str
    batch_size: int
    visibility_timeout: int
    max_receive_count: int


def resource_name(prefix: str, function: str) -> str:
    """A trigger's queue and rule name, as CDK names them (the function's name,
    ``infra.components.service_function.function_name``, not imported: it pulls in CDK)."""
    return f"{prefix}-{function.replace('_', '-')}"[:64]


def create_event_bus(name: str) -> str:
    """The stage's custom bus (``infra.consumers.bus_name``); its ARN."""
    return str(boto3.client("events").create_event_bus(Name=name)["EventBusArn"])


def _queue_arn(sqs: Any, url: str) -> str:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return str(attributes["Attributes"]["QueueArn"])


def _queue_with_dlq(
    sqs: Any, name: str, visibility_timeout: int, max_receive_count: int
) -> tuple[str, str, str, str]:
    """A DLQ and the queue redriving to it after ``max_receive_count`` receives: (queue url,
    queue ARN, DLQ url, DLQ ARN)."""
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = _queue_arn(sqs, dlq_url)
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count}
    queue_url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": str(visibility_timeout),
            "RedrivePolicy": json.dumps(redrive),
        },
    )["QueueUrl"]
    return queue_url, _queue_arn(sqs, queue_url), dlq_url, dlq_arn


def _allow_send(sqs: Any, queue_url: str, queue_arn: str, service: str, source_arn: str) -> None:
    """The queue policy letting one AWS service send, from one source (a rule, a bucket)."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": source_arn}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})


def create_event_queue(
    bus: str,
    trigger: Trigger,
    prefix: str,
    *,
    visibility_timeout: int = QUEUE_VISIBILITY_SECONDS,
    max_receive_count: int = MAX_RECEIVE_COUNT,
) -> EventQueue:
    """What AWS has for an ``events:queue`` trigger: a DLQ, the function's queue redriving to
    it after ``max_receive_count`` receives, a queue policy letting the rule send, and the
    rule (pattern ``infra.consumers.event_pattern``) with the queue as its target."""
    from infra.consumers import event_pattern

    sqs, events = boto3.client("sqs"), boto3.client("events")
    name = resource_name(prefix, trigger.function)
    queue_url, queue_arn, dlq_url, dlq_arn = _queue_with_dlq(
        sqs, name, visibility_timeout, max_receive_count
    )
    pattern = event_pattern(trigger)
    rule_arn = events.put_rule(
        Name=name, EventBusName=bus, EventPattern=json.dumps(pattern), State="ENABLED"
    )["RuleArn"]
    _allow_send(sqs, queue_url, queue_arn, "events.amazonaws.com", rule_arn)
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "queue", "Arn": queue_arn}])
    return EventQueue(
        function=trigger.function,
        bus=bus,
        rule=name,
        rule_arn=str(rule_arn),
        pattern=pattern,
        queue_url=queue_url,
        queue_arn=queue_arn,
        dlq_url=dlq_url,
        dlq_arn=dlq_arn,
        batch_size=trigger.batch_size or QUEUE_BATCH_SIZE,
        visibility_timeout=visibility_timeout,
        max_receive_count=max_receive_count,
    )


def create_event_queues(
    bus: str, prefix: str, *, visibility_timeout: int = QUEUE_VISIBILITY_SECONDS
) -> list[EventQueue]:
    """One route per ``events:queue`` trigger of the catalogue."""
    from promptvault.catalogue import triggers_from

    return [
        create_event_queue(bus, trigger, prefix, visibility_timeout=visibility_timeout)
        for trigger in triggers_from("events:queue")
    ]


# --- uploads:queue: the imports bucket, its ObjectCreated events into the worker's queue ----

UPLOAD_VISIBILITY_SECONDS = 60  # a whole file per message: longer than the worker takes


def imports_bucket_name(prefix: str) -> str:
    """The stage's imports bucket (``infra.stacks.events.imports_bucket_name`` on AWS adds the
    account and region: bucket names are global)."""
    return f"{prefix}-imports"


def create_upload_queue(
    bucket: str,
    trigger: Trigger,
    prefix: str,
    *,
    visibility_timeout: int = UPLOAD_VISIBILITY_SECONDS,
    max_receive_count: int = MAX_RECEIVE_COUNT,
) -> EventQueue:
    """What AWS has for an ``uploads:queue`` trigger: the bucket, a DLQ, the function's queue
    redriving to it, a queue policy letting the bucket send, and the bucket's notification of
    ObjectCreated under ``imports/`` to the queue (moto delivers it in-process, as S3 does)."""
    sqs, s3 = boto3.client("sqs"), boto3.client("s3")
    s3.create_bucket(Bucket=bucket)
    name = resource_name(prefix, trigger.function)
    queue_url, queue_arn, dlq_url, dlq_arn = _queue_with_dlq(
        sqs, name, visibility_timeout, max_receive_count
    )
    bucket_arn = f"arn:aws:s3:::{bucket}"
    _allow_send(sqs, queue_url, queue_arn, "s3.amazonaws.com", bucket_arn)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "Id": trigger.function,
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "imports/"}]}},
                }
            ]
        },
    )
    return EventQueue(
        function=trigger.function,
        bus="",
        rule=f"s3://{bucket}/imports/ ObjectCreated",
        rule_arn=bucket_arn,
        pattern={"source": ["aws.s3"], "bucket": [bucket], "prefix": ["imports/"]},
        queue_url=queue_url,
        queue_arn=queue_arn,
        dlq_url=dlq_url,
        dlq_arn=dlq_arn,
        batch_size=trigger.batch_size or QUEUE_BATCH_SIZE,
        visibility_timeout=visibility_timeout,
        max_receive_count=max_receive_count,
    )


def create_upload_queues(bucket: str, prefix: str) -> list[EventQueue]:
    """One route per ``uploads:queue`` trigger of the catalogue (the import worker)."""
    from promptvault.catalogue import triggers_from

    return [
        create_upload_queue(bucket, trigger, prefix) for trigger in triggers_from("uploads:queue")
    ]


def own_queue_environment(routes: list[EventQueue]) -> dict[str, str]:
    """``OWN_QUEUE_URL`` for the trigger that sends to its own queue (``queue:send-own``: the
    webhook deliveries and their retries). On AWS each function has its own environment; here
    all share the process's, so at most one trigger may declare the word."""
    from promptvault.catalogue import TRIGGERS

    senders = {t.function for t in TRIGGERS if "queue:send-own" in t.access}
    if len(senders) > 1:
        raise RuntimeError(f"the local runtime runs one queue:send-own trigger, not {senders}")
    urls = [route.queue_url for route in routes if route.function in senders]
    return {"OWN_QUEUE_URL": urls[0]} if urls else {}
