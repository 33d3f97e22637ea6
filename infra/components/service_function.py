"""One PromptVault Lambda: its code, the shared layer, its own log group and its own role.

Every function (endpoint, trigger, stream consumer) is built here so they all share the
same runtime, architecture, tracing and logging, and none can borrow another's rights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import bundling, removal
from infra.nag import acknowledge
from infra.stages import StageConfig

# cdk.json says days; CloudWatch accepts only these.
RETENTION = {
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    731: logs.RetentionDays.TWO_YEARS,
}


def function_name(config: StageConfig, package: str) -> str:
    """Deterministic, so dashboards and alarms can name functions without cross-stack refs."""
    return f"{config.prefix}-{package.replace('_', '-')}"[:64]


class ServiceFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        package: str,
        handler: str,
        description: str,
        layer: lambda_.ILayerVersion,
        environment: Mapping[str, str],
        statements: Sequence[iam.PolicyStatement] = (),
        snap_start: bool = False,
        # Functions invoked asynchronously (EventBridge Scheduler, SNS): where Lambda puts an
        # event whose retries all failed. The others are invoked synchronously.
        dead_letter_queue: sqs.IQueue | None = None,
        # a function that works longer than the stage's default (the import worker: a file)
        timeout: Duration | None = None,
        memory_size: int | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        name = function_name(config, package)
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"/aws/lambda/{name}",
            retention=RETENTION[config.log_retention_days],
            removal_policy=removal.stateful(config),
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{name}: only what its route declares",
            inline_policies={
                "access": iam.PolicyDocument(statements=[self._logging(), *statements])
            },
        )
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=name,
            description=description[:256],
            runtime=bundling.RUNTIME,
            architecture=bundling.ARCHITECTURE,
            handler=handler,
            code=bundling.function_code(package),
            layers=[layer],
            role=self.role,
            log_group=self.log_group,
            memory_size=memory_size or config.function_memory_mb,
            timeout=timeout or Duration.seconds(config.function_timeout_seconds),
            tracing=lambda_.Tracing.ACTIVE,
            dead_letter_queue=dead_letter_queue,
            environment={
                "STAGE": config.name,
                "POWERTOOLS_SERVICE_NAME": "promptvault",
                "POWERTOOLS_METRICS_NAMESPACE": "PromptVault",
                **environment,
            },
            # SnapStart snapshots published versions only; callers then invoke ``target``
            snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if snap_start else None,
            # a replaced version is deleted, or every deploy would leave a cached snapshot
            # (billed per GB-second) behind
            current_version_options=lambda_.VersionOptions(removal_policy=RemovalPolicy.DESTROY)
            if snap_start
            else None,
        )
        # What API Gateway invokes: with SnapStart an alias on the current published version
        # (restored from its snapshot), otherwise the function ($LATEST).
        self.target: lambda_.IFunction = (
            lambda_.Alias(self, "Live", alias_name="live", version=self.function.current_version)
            if snap_start
            else self.function
        )
        self._acknowledge(asynchronous=dead_letter_queue is not None)

    def _logging(self) -> iam.PolicyStatement:
        return iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[self.log_group.log_group_arn],
        )

    def _acknowledge(self, *, asynchronous: bool) -> None:
        acknowledge(
            self,
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.",
        )
        for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"):
            acknowledge(
                self,
                rule,
                "Python 3.12 is the project's pinned runtime (.python-version, layer wheels and "
                "bytecode are built for it); moving runtimes is a deliberate, tested upgrade.",
            )
        if asynchronous:
            return  # it has a dead-letter queue
        acknowledge(
            self,
            "Serverless-LambdaDLQ",
            "Invoked synchronously (API Gateway, Cognito trigger) or by an event source mapping "
            "(table stream: its on-failure queue; SQS: the queue's redrive to its DLQ); there "
            "is no async invocation to dead-letter.",
        )
