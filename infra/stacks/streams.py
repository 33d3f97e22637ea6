"""Table-stream consumers (``infra/consumers.py``) with Lambda's batch failure semantics.

Delivery is at-least-once: a failing record is retried with the batch bisected until it is
isolated, within a bounded number of attempts and a maximum age, then its metadata goes to
one encrypted on-failure queue per stage, where an alarm watches the depth.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import uploads
from infra.access import Grantable, statements_for
from infra.components.service_function import ServiceFunction
from infra.components.shared_layer import shared_layer
from infra.consumers import StreamConsumer
from infra.nag import acknowledge
from infra.stages import StageConfig

STREAM_READ = (
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
)


def acknowledge_wildcards(
    config: StageConfig, access: Sequence[str], function: ServiceFunction
) -> None:
    """Index documents and email identities are not IAM resources; the domain and the
    account's verified identities are the narrowest scope IAM offers."""
    account = config.account or "<AWS::AccountId>"  # how cdk-nag renders the token
    arn = f"arn:<AWS::Partition>:{{service}}:{config.region}:{account}"
    if {"search:read", "search:write"} & set(access):
        acknowledge(
            function.role,
            f"AwsSolutions-IAM5[Resource::{arn.format(service='es')}:domain/{config.prefix}/*]",
            "OpenSearch paths (indexes, documents) are not IAM resources; the grant is "
            "limited to this stage's domain and FGAC roles narrow it further.",
        )
    acknowledge_email(config, access, function)
    acknowledge_uploads(config, access, function)


def acknowledge_email(
    config: StageConfig, access: Sequence[str], function: ServiceFunction
) -> None:
    """The stage's sending identities (verified outside the template) for email:send, a
    trigger's (the notifier) or a route's (an invitation, issue 14)."""
    if "email:send" in access:
        account = config.account or "<AWS::AccountId>"  # how cdk-nag renders the token
        acknowledge(
            function.role,
            f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:{config.region}:{account}"
            ":identity/*]",
            "Sending identities are verified per stage outside the template; the "
            "configuration set (suppression, feedback) is named exactly.",
        )


def acknowledge_uploads(
    config: StageConfig, access: Sequence[str], function: ServiceFunction
) -> None:
    """Each import is its own object, named when it is started: the grant is the imports/
    prefix of the stage's imports bucket, one action (put or get) per access word."""
    if {"uploads:put", "uploads:get"} & set(access):
        acknowledge(
            function.role,
            f"AwsSolutions-IAM5[Resource::{uploads.nag_objects(config)}]",
            "An import's object is named when the import starts (imports/<owner>/<id>); the "
            "grant is that prefix of this stage's imports bucket, and one action.",
        )


class StreamsStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        consumers: Sequence[StreamConsumer],
        stream_arn: str,
        grantable: Grantable,
        environment: dict[str, str],
        **kw: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kw)
        self.on_failure = self._on_failure_queue(config)
        layer = shared_layer(self)
        self.functions: dict[str, ServiceFunction] = {}
        for consumer in consumers:
            statements = [
                iam.PolicyStatement(actions=list(STREAM_READ), resources=[stream_arn]),
                iam.PolicyStatement(
                    actions=["sqs:SendMessage"], resources=[self.on_failure.queue_arn]
                ),
                *statements_for(
                    consumer.access, grantable, auto_confirm_signup=config.auto_confirm_signup
                ),
            ]
            function = ServiceFunction(
                self,
                "".join(part.title() for part in consumer.package.split("_")),
                config=config,
                package=consumer.package,
                handler=consumer.handler,
                description=consumer.summary,
                layer=layer,
                environment=environment,
                statements=statements,
            )
            acknowledge_wildcards(config, consumer.access, function)
            self._mapping(config, consumer, function, stream_arn)
            self.functions[consumer.package] = function

    def _on_failure_queue(self, config: StageConfig) -> sqs.Queue:
        queue = sqs.Queue(
            self,
            "OnFailure",
            queue_name=f"{config.prefix}-stream-failures",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        for rule in ("AwsSolutions-SQS3", "Serverless-SQSRedrivePolicy"):
            acknowledge(
                queue,
                rule,
                "This queue is the end of the line: Lambda's on-failure destination for stream "
                "batches. Operators inspect and replay it; an alarm fires on its depth.",
            )
        return queue

    def _mapping(
        self,
        config: StageConfig,
        consumer: StreamConsumer,
        function: ServiceFunction,
        stream_arn: str,
    ) -> None:
        policy = config.streams
        lambda_.CfnEventSourceMapping(
            function,
            "StreamMapping",
            function_name=function.function.function_name,
            event_source_arn=stream_arn,
            starting_position="TRIM_HORIZON",
            batch_size=consumer.batch_size or policy.batch_size,
            bisect_batch_on_function_error=True,
            maximum_retry_attempts=policy.retry_attempts,
            maximum_record_age_in_seconds=policy.max_record_age_seconds,
            function_response_types=["ReportBatchItemFailures"],
            destination_config=lambda_.CfnEventSourceMapping.DestinationConfigProperty(
                on_failure=lambda_.CfnEventSourceMapping.OnFailureProperty(
                    destination=self.on_failure.queue_arn
                )
            ),
            filter_criteria=(
                lambda_.CfnEventSourceMapping.FilterCriteriaProperty(
                    filters=[
                        lambda_.CfnEventSourceMapping.FilterProperty(pattern=self.to_json_string(f))
                        for f in consumer.filters
                    ]
                )
                if consumer.filters
                else None
            ),
        )
