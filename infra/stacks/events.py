"""The domain-events backbone: the stage's EventBridge bus and the functions that hang off it.

The table-stream consumer ``stream_events`` (StreamsStack) publishes each domain event to the
bus ``bus_name(prefix)``; an archive keeps every event for ``ARCHIVE_RETENTION`` so any window
can be replayed. The catalogue's other trigger sources live here too:

- ``events:queue``: a rule on the bus (pattern ``event_pattern(trigger)``) sends the trigger's
  detail-types to its own SQS queue; a failed delivery is retried, then dead-lettered in the
  rule target's DLQ. An event source mapping hands the queue to the function with partial
  batch failures; a message received ``MAX_RECEIVE_COUNT`` times moves to the queue's DLQ.
- ``schedule``: one EventBridge Scheduler schedule per (period, expression) pair, in the
  stage's schedule group, invokes the function with ``{"period": <name>}`` through a role
  that may invoke only that function.
- ``email:feedback``: the function is subscribed to SES's bounce and complaint topic
  (EmailStack, by its deterministic name).
- ``uploads:queue``: the stage's imports bucket (``infra/uploads.py``: public access blocked,
  SSL only, S3-managed encryption, objects expire after ``UPLOAD_EXPIRY``) notifies its
  ObjectCreated events under ``imports/`` to the function's own SQS queue (with its DLQ); an
  event source mapping hands it one file per invocation (docs/imports.md).

Scheduler and SNS invoke Lambda asynchronously: a delivery that fails and an invocation whose
retries all fail land in the same DLQ, the trigger's one. Every DLQ is alarmed in the
Observability stack (``dead_letter_queues``). Nothing here is exported: other stacks name the
bus, the queues and the functions by their deterministic names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import uploads
from infra.access import Grantable, statements_for, touches_table
from infra.components.service_function import ServiceFunction, function_name
from infra.components.shared_layer import shared_layer
from infra.consumers import bus_name, event_pattern
from infra.nag import acknowledge
from infra.removal import stateful
from infra.stacks.streams import acknowledge_wildcards
from infra.stages import StageConfig
from promptvault.catalogue import TRIGGERS, Trigger
from promptvault.events.catalogue import SOURCE

ARCHIVE_RETENTION = Duration.days(30)  # longer than any DLQ keeps a message: replay from here
DLQ_RETENTION = Duration.days(14)  # SQS's maximum
MAX_RECEIVE_COUNT = 5  # a notify message failing this often is moved to its DLQ
# Lambda's rule for SQS sources: the visibility timeout at least 6 x the function's timeout,
# so a batch still being retried inside one invocation is never handed out twice.
VISIBILITY_PER_TIMEOUT = 6
SQS_BATCH_SIZE = 10  # a queue trigger without its own batch size: SQS's largest without a window
# Rule targets and schedules retry a failed delivery with backoff for up to this long (at most
# this many times), then dead-letter it.
DELIVERY_RETRY_ATTEMPTS = 185
DELIVERY_MAX_EVENT_AGE = Duration.hours(6)
QUEUE_CONSUME = ("sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage")
UPLOAD_EXPIRY = Duration.days(3)  # an import's file is read within minutes; then it goes
UPLOAD_ABORT = Duration.days(1)  # an unfinished multipart upload
# The import worker reads a whole file in one invocation: 15 minutes, Lambda's longest.
IMPORT_TIMEOUT = Duration.minutes(15)
IMPORT_MEMORY_MB = 1024


@dataclass(frozen=True, slots=True)
class DeadLetterQueue:
    """One DLQ by its deterministic name, and what lands in it (the alarm says so)."""

    name: str
    holds: str


def schedule_group_name(config: StageConfig) -> str:
    return config.prefix


class EventsStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        grantable: Grantable,
        environment: Mapping[str, str],
        feedback_topic_arn: str,
        triggers: Sequence[Trigger] = TRIGGERS,
        **kw: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kw)
        self.config = config
        self._grantable = grantable
        self._environment = environment
        self.bus = events.EventBus(self, "Bus", event_bus_name=bus_name(config.prefix))
        self.archive = events.Archive(
            self,
            "Archive",
            source_event_bus=self.bus,
            archive_name=bus_name(config.prefix),
            description=f"Every PromptVault domain event of {config.name}, for replays",
            event_pattern=events.EventPattern(source=[SOURCE]),
            retention=ARCHIVE_RETENTION,
        )
        self.functions: dict[str, ServiceFunction] = {}
        self.dead_letter_queues: list[DeadLetterQueue] = []
        self._layer: lambda_.ILayerVersion | None = None
        self._group: scheduler.CfnScheduleGroup | None = None
        for trigger in triggers:
            if trigger.source == "events:queue":
                self._queue_consumer(trigger)
            elif trigger.source == "schedule":
                self._scheduled(trigger)
            elif trigger.source == "email:feedback":
                self._feedback_consumer(trigger, feedback_topic_arn)
            elif trigger.source == "uploads:queue":
                self._uploads_consumer(trigger)
        CfnOutput(self, "EventBusArn", value=self.bus.event_bus_arn)
        CfnOutput(self, "EventArchiveArn", value=self.archive.archive_arn)

    # --- shared pieces ----------------------------------------------------------------------

    def _queue_function(
        self, trigger: Trigger, queue: sqs.IQueue, **options: Any
    ) -> ServiceFunction:
        """The trigger's function, allowed to consume its queue, and the SQS mapping that feeds
        it batches with partial failures reported (``events:queue`` and ``uploads:queue``)."""
        function = self._function(
            trigger,
            [iam.PolicyStatement(actions=list(QUEUE_CONSUME), resources=[queue.queue_arn])],
            **options,
        )
        mapping = lambda_.CfnEventSourceMapping(
            function,
            "QueueMapping",
            function_name=function.function.function_name,
            event_source_arn=queue.queue_arn,
            batch_size=trigger.batch_size or SQS_BATCH_SIZE,
            function_response_types=["ReportBatchItemFailures"],
        )
        acknowledge(
            mapping,
            "Serverless-LambdaEventSourceMappingDestination",
            "SQS event source mappings take no on-failure destination (streams and Kafka "
            "only); the queue's redrive policy moves a failing message to its alarmed DLQ.",
        )
        return function

    def _function(
        self,
        trigger: Trigger,
        statements: Sequence[iam.PolicyStatement] = (),
        dead_letter_queue: sqs.IQueue | None = None,
        own_queue: sqs.IQueue | None = None,
        timeout: Duration | None = None,
        memory_size: int | None = None,
    ) -> ServiceFunction:
        if self._layer is None:
            self._layer = shared_layer(self)
        environment = dict(self._environment)
        if own_queue is not None and "queue:send-own" in trigger.access:
            environment["OWN_QUEUE_URL"] = own_queue.queue_url
        if touches_table(trigger.access):
            environment["TABLE_NAME"] = self.config.prefix
        if "secret:read" in trigger.access:
            environment["CURSOR_SECRET_ARN"] = self._grantable.cursor_secret_arn
        function = ServiceFunction(
            self,
            _camel(trigger.function),
            config=self.config,
            package=trigger.function,
            handler=trigger.handler,
            description=trigger.summary,
            layer=self._layer,
            environment=environment,
            statements=[
                *statements,
                *statements_for(
                    trigger.access,
                    self._grantable,
                    auto_confirm_signup=self.config.auto_confirm_signup,
                    own_queue_arn=own_queue.queue_arn if own_queue is not None else None,
                ),
            ],
            dead_letter_queue=dead_letter_queue,
            timeout=timeout,
            memory_size=memory_size,
        )
        acknowledge_wildcards(self.config, trigger.access, function)
        self.functions[trigger.function] = function
        return function

    def _dead_letter_queue(self, scope: Construct, name: str, holds: str) -> sqs.Queue:
        queue = sqs.Queue(
            scope,
            "DeadLetters",
            queue_name=name,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DLQ_RETENTION,
        )
        for rule in ("AwsSolutions-SQS3", "Serverless-SQSRedrivePolicy"):
            acknowledge(
                queue,
                rule,
                "This queue is a dead-letter queue, the end of the line: an alarm fires on its "
                "first message and operators redrive it by hand (docs/runbook.md).",
            )
        self.dead_letter_queues.append(DeadLetterQueue(name, holds))
        return queue

    def _redriven_queue(
        self, scope: Construct, trigger: Trigger, what: str, timeout_seconds: int
    ) -> sqs.Queue:
        """A trigger's queue (``Queue`` in ``scope``), redriving to its alarmed DLQ after
        ``MAX_RECEIVE_COUNT`` receives; visible again after the function's timeout allows."""
        name = function_name(self.config, trigger.function)
        dead_letters = self._dead_letter_queue(
            scope, f"{name}-dlq", f"{trigger.function}: {what} that failed {MAX_RECEIVE_COUNT}x"
        )
        return sqs.Queue(
            scope,
            "Queue",
            queue_name=name,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(VISIBILITY_PER_TIMEOUT * timeout_seconds),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=dead_letters, max_receive_count=MAX_RECEIVE_COUNT
            ),
        )

    def _allow_service(self, queue: sqs.Queue, service: str, source_arn: str) -> None:
        """Only this rule (or topic) may send to the queue, as its service."""
        queue.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(service)],
                actions=["sqs:SendMessage"],
                resources=[queue.queue_arn],
                conditions={"ArnEquals": {"aws:SourceArn": source_arn}},
            )
        )

    # --- events:queue -----------------------------------------------------------------------

    def _queue_consumer(self, trigger: Trigger) -> None:
        name = function_name(self.config, trigger.function)
        scope = Construct(self, f"{_camel(trigger.function)}Queue")
        queue = self._redriven_queue(
            scope, trigger, "messages", self.config.function_timeout_seconds
        )
        undelivered = Construct(scope, "Delivery")
        delivery_dlq = self._dead_letter_queue(
            undelivered,
            f"{name}-delivery-dlq",
            f"{trigger.function}: events the bus could not deliver to its queue",
        )
        rule = events.CfnRule(
            scope,
            "Rule",
            name=name,
            description=f"{', '.join(trigger.events)} -> {trigger.function}"[:512],
            event_bus_name=self.bus.event_bus_name,
            event_pattern=event_pattern(trigger),
            state="ENABLED",
            targets=[
                events.CfnRule.TargetProperty(
                    id="Queue",
                    arn=queue.queue_arn,
                    dead_letter_config=events.CfnRule.DeadLetterConfigProperty(
                        arn=delivery_dlq.queue_arn
                    ),
                    retry_policy=events.CfnRule.RetryPolicyProperty(
                        maximum_event_age_in_seconds=DELIVERY_MAX_EVENT_AGE.to_seconds(),
                        maximum_retry_attempts=DELIVERY_RETRY_ATTEMPTS,
                    ),
                )
            ],
        )
        for target in (queue, delivery_dlq):
            self._allow_service(target, "events.amazonaws.com", rule.attr_arn)
        self._queue_function(trigger, queue, own_queue=queue)

    # --- uploads:queue ----------------------------------------------------------------------

    def _uploads_consumer(self, trigger: Trigger) -> None:
        scope = Construct(self, f"{_camel(trigger.function)}Uploads")
        bucket_name = uploads.bucket_name(self.config)
        queue = self._redriven_queue(scope, trigger, "uploads", int(IMPORT_TIMEOUT.to_seconds()))
        # by name, not by the bucket's attribute: the bucket's notification depends on this
        # policy (S3 checks it can send when the notification is put), so no cycle
        allowed = queue.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("s3.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[queue.queue_arn],
                conditions={
                    "ArnEquals": {"aws:SourceArn": uploads.bucket_arn(self.config)},
                    "StringEquals": {"aws:SourceAccount": self.account},
                },
            )
        )
        bucket = s3.Bucket(
            scope,
            "Bucket",
            bucket_name=bucket_name,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    expiration=UPLOAD_EXPIRY,
                    abort_incomplete_multipart_upload_after=UPLOAD_ABORT,
                )
            ],
            removal_policy=stateful(self.config),
        )
        cfn_bucket = bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            queue_configurations=[
                s3.CfnBucket.QueueConfigurationProperty(
                    event="s3:ObjectCreated:*",
                    queue=queue.queue_arn,
                    filter=s3.CfnBucket.NotificationFilterProperty(
                        s3_key=s3.CfnBucket.S3KeyFilterProperty(
                            rules=[
                                s3.CfnBucket.FilterRuleProperty(name="prefix", value=uploads.PREFIX)
                            ]
                        )
                    ),
                )
            ]
        )
        if allowed.policy_dependable is not None:
            cfn_bucket.node.add_dependency(allowed.policy_dependable)
        acknowledge(
            bucket,
            "AwsSolutions-S1",
            "Uploads are short-lived import files (deleted after 3 days); who uploaded what is "
            "the import's own record in the table, and the object's key names its owner.",
        )
        self._queue_function(trigger, queue, timeout=IMPORT_TIMEOUT, memory_size=IMPORT_MEMORY_MB)

    # --- schedule ---------------------------------------------------------------------------

    def _schedule_group(self) -> scheduler.CfnScheduleGroup:
        if self._group is None:
            self._group = scheduler.CfnScheduleGroup(
                self, "Schedules", name=schedule_group_name(self.config)
            )
        return self._group

    def _scheduled(self, trigger: Trigger) -> None:
        name = function_name(self.config, trigger.function)
        scope = Construct(self, f"{_camel(trigger.function)}Schedules")
        dead_letters = self._dead_letter_queue(
            scope,
            f"{name}-dlq",
            f"{trigger.function}: scheduled runs that could not be delivered or failed",
        )
        function = self._function(trigger, dead_letter_queue=dead_letters)
        group = self._schedule_group()
        role = iam.Role(
            scope,
            "Invoker",
            description=f"EventBridge Scheduler: may invoke {name} only",
            assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com").with_conditions(
                {
                    "StringEquals": {
                        "aws:SourceAccount": self.account,
                        "aws:SourceArn": group.attr_arn,
                    }
                }
            ),
            inline_policies={
                "invoke": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(
                            actions=["lambda:InvokeFunction"],
                            resources=[function.function.function_arn],
                        ),
                        iam.PolicyStatement(
                            actions=["sqs:SendMessage"], resources=[dead_letters.queue_arn]
                        ),
                    ]
                )
            },
        )
        for period, expression in trigger.schedules:
            scheduler.CfnSchedule(
                scope,
                period.title(),
                name=f"{name}-{period}",
                group_name=group.ref,
                description=f"{trigger.function} {{period: {period}}} at {expression} UTC",
                schedule_expression=expression,
                schedule_expression_timezone="UTC",
                flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
                state="ENABLED",
                target=scheduler.CfnSchedule.TargetProperty(
                    arn=function.function.function_arn,
                    role_arn=role.role_arn,
                    input=json.dumps({"period": period}),
                    retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                        maximum_event_age_in_seconds=DELIVERY_MAX_EVENT_AGE.to_seconds(),
                        maximum_retry_attempts=DELIVERY_RETRY_ATTEMPTS,
                    ),
                    dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(
                        arn=dead_letters.queue_arn
                    ),
                ),
            )

    # --- email:feedback ---------------------------------------------------------------------

    def _feedback_consumer(self, trigger: Trigger, topic_arn: str) -> None:
        name = function_name(self.config, trigger.function)
        scope = Construct(self, f"{_camel(trigger.function)}Subscription")
        dead_letters = self._dead_letter_queue(
            scope,
            f"{name}-dlq",
            f"{trigger.function}: SES notifications that could not be delivered or failed",
        )
        function = self._function(trigger, dead_letter_queue=dead_letters)
        topic = sns.Topic.from_topic_arn(scope, "Topic", topic_arn)
        sns.Subscription(
            scope,
            "Subscription",
            topic=topic,
            protocol=sns.SubscriptionProtocol.LAMBDA,
            endpoint=function.function.function_arn,
            dead_letter_queue=dead_letters,
        )
        lambda_.CfnPermission(
            scope,
            "Invoke",
            action="lambda:InvokeFunction",
            function_name=function.function.function_arn,
            principal="sns.amazonaws.com",
            source_arn=topic_arn,
        )


def _camel(package: str) -> str:
    return "".join(part.title() for part in package.split("_"))
