"""One dashboard and the alarms that page, per stage, sent to one encrypted topic that the
stage's subscribers (cdk.json ``alarm_subscriptions``) receive.

Metrics are addressed by name (function, table, queue and domain names are deterministic, see
``function_name``; the API id is read from its SSM parameter), so this stack takes no export.

What pages: API 5xx rate and p99 latency; per function errors and throttles; stream failures
and iterator age; the first message in any dead-letter queue of the events backbone; the
search domain (cluster red, yellow where replicas can be placed, free storage, JVM memory
pressure, writes blocked); table throttles (reads, writes, GSIs included); the account's
Lambda concurrency against the stage's threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Aws, CfnOutput, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import parameters
from infra.components.encrypted_topic import EncryptedTopic
from infra.nag import acknowledge
from infra.stacks.events import DeadLetterQueue
from infra.stages import StageConfig

PERIOD = Duration.minutes(1)
ITERATOR_AGE_ALARM_MS = 60_000  # a consumer a minute behind the table is falling behind
FREE_STORAGE_FRACTION = 0.25  # of a data node's volume; AWS's recommended floor
JVM_PRESSURE_PERCENT = 95  # above this OpenSearch starts refusing requests (circuit breakers)
YELLOW_MINUTES = 5  # replicas are briefly unassigned during blue/green updates
_PROTOCOLS = {"email": sns.SubscriptionProtocol.EMAIL, "https": sns.SubscriptionProtocol.HTTPS}


def failure_queue_name(config: StageConfig) -> str:
    """The streams stack's on-failure queue (StreamsStack names it so)."""
    return f"{config.prefix}-stream-failures"


class ObservabilityStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        function_names: Sequence[str],
        consumer_names: Sequence[str] = (),
        table_index_names: Sequence[str] = (),
        dead_letter_queues: Sequence[DeadLetterQueue] = (),
        **kw: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kw)
        self.config = config
        self.alerts = EncryptedTopic(
            self,
            "Alarms",
            topic_name=f"{config.prefix}-alarms",
            publishers=["cloudwatch.amazonaws.com"],
        )
        self._subscribe()
        self._action = actions.SnsAction(self.alerts.topic)
        self.alarms: list[cloudwatch.Alarm] = []
        api = self._api_alarms(parameters.resolve(config, parameters.API_ID))
        lambdas = self._function_alarms(function_names)
        streams = self._stream_alarms(consumer_names)
        dead_letters = self._dead_letter_alarms(dead_letter_queues)
        search = self._search_alarms()
        capacity = [*self._table_alarms(table_index_names), self._concurrency_alarm()]
        rows = [row for row in (api, lambdas, streams, dead_letters, search, capacity) if row]
        cloudwatch.Dashboard(self, "Dashboard", dashboard_name=config.prefix, widgets=rows)
        CfnOutput(self, "AlarmTopicArn", value=self.alerts.topic.topic_arn)

    def _subscribe(self) -> None:
        """Every subscriber of cdk.json's ``alarm_subscriptions``; failed deliveries are
        kept in a queue instead of being dropped (email subscribers confirm once)."""
        if not self.config.alarm_subscriptions:
            return
        undelivered = sqs.Queue(
            self,
            "UndeliveredAlarms",
            queue_name=f"{self.config.prefix}-alarms-undelivered",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        for rule in ("AwsSolutions-SQS3", "Serverless-SQSRedrivePolicy"):
            acknowledge(
                undelivered,
                rule,
                "This queue is the dead-letter end of the alarm subscriptions: SNS parks "
                "notifications it could not deliver here for an operator to read.",
            )
        for number, subscription in enumerate(self.config.alarm_subscriptions, start=1):
            sns.Subscription(
                self,
                f"AlarmSubscriber{number}",
                topic=self.alerts.topic,
                protocol=_PROTOCOLS[subscription.protocol],
                endpoint=subscription.endpoint,
                dead_letter_queue=undelivered,
            )

    def _alarm(self, construct_id: str, description: str, **props: Any) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            alarm_description=description,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            **props,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms.append(alarm)
        return alarm

    def _api_metric(self, name: str, api_id: str, statistic: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/ApiGateway",
            metric_name=name,
            dimensions_map={"ApiId": api_id, "Stage": "$default"},
            statistic=statistic,
            period=PERIOD,
        )

    def _api_alarms(self, api_id: str) -> list[cloudwatch.IWidget]:
        policy = self.config.alarms
        errors = cloudwatch.MathExpression(
            expression="IF(requests > 0, 100 * errors / requests, 0)",
            using_metrics={
                "errors": self._api_metric("5xx", api_id, "Sum"),
                "requests": self._api_metric("Count", api_id, "Sum"),
            },
            label="5xx %",
            period=PERIOD,
        )
        latency = self._api_metric("Latency", api_id, "p99")
        self._alarm(
            "Api5xxRate",
            f"More than {policy.error_rate_percent}% of API requests fail with 5xx",
            metric=errors,
            threshold=policy.error_rate_percent,
            evaluation_periods=policy.evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        )
        self._alarm(
            "ApiP99Latency",
            f"API p99 latency above {policy.p99_latency_ms} ms",
            metric=latency,
            threshold=policy.p99_latency_ms,
            evaluation_periods=policy.evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        )
        return [
            cloudwatch.GraphWidget(
                title="API requests",
                left=[
                    self._api_metric("Count", api_id, "Sum"),
                    self._api_metric("4xx", api_id, "Sum"),
                    self._api_metric("5xx", api_id, "Sum"),
                ],
                width=8,
            ),
            cloudwatch.GraphWidget(title="API 5xx %", left=[errors], width=8),
            cloudwatch.GraphWidget(
                title="API latency",
                left=[self._api_metric("Latency", api_id, "p50"), latency],
                width=8,
            ),
        ]

    def _lambda_metric(self, name: str, function: str, statistic: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/Lambda",
            metric_name=name,
            dimensions_map={"FunctionName": function},
            statistic=statistic,
            period=PERIOD,
        )

    def _function_alarms(self, names: Sequence[str]) -> list[cloudwatch.IWidget]:
        periods = self.config.alarms.evaluation_periods
        for name in names:
            for metric in ("Errors", "Throttles"):
                self._alarm(
                    f"{metric}{_camel(name)}",
                    f"{name}: {metric.lower()}",
                    metric=self._lambda_metric(metric, name, "Sum"),
                    threshold=0,
                    evaluation_periods=periods,
                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                )
        return [
            cloudwatch.GraphWidget(
                title=f"Lambda {metric.lower()}",
                left=[self._lambda_metric(metric, n, stat) for n in names],
                legend_position=cloudwatch.LegendPosition.HIDDEN,
                width=8,
            )
            for metric, stat in (("Errors", "Sum"), ("Throttles", "Sum"), ("Duration", "p99"))
        ]

    def _stream_alarms(self, consumers: Sequence[str]) -> list[cloudwatch.IWidget]:
        if not consumers:
            return []
        depth = cloudwatch.Metric(
            namespace="AWS/SQS",
            metric_name="ApproximateNumberOfMessagesVisible",
            dimensions_map={"QueueName": failure_queue_name(self.config)},
            statistic="Maximum",
            period=PERIOD,
        )
        self._alarm(
            "StreamFailures",
            "Stream records gave up after retries and landed in the on-failure queue",
            metric=depth,
            threshold=0,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        )
        ages = [self._lambda_metric("IteratorAge", name, "Maximum") for name in consumers]
        for name, age in zip(consumers, ages, strict=True):
            self._alarm(
                f"IteratorAge{_camel(name)}",
                f"{name} is more than {ITERATOR_AGE_ALARM_MS // 1000} s behind the table stream",
                metric=age,
                threshold=ITERATOR_AGE_ALARM_MS,
                evaluation_periods=self.config.alarms.evaluation_periods,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            )
        return [
            cloudwatch.GraphWidget(title="Stream failures queue", left=[depth], width=12),
            cloudwatch.GraphWidget(title="Stream iterator age", left=ages, width=12),
        ]

    def _queue_depth(self, queue_name: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/SQS",
            metric_name="ApproximateNumberOfMessagesVisible",
            dimensions_map={"QueueName": queue_name},
            statistic="Maximum",
            period=PERIOD,
        )

    def _dead_letter_alarms(self, queues: Sequence[DeadLetterQueue]) -> list[cloudwatch.IWidget]:
        """Any message in a DLQ of the events backbone pages, as the stream failures do
        (docs/runbook.md: *A dead-letter queue alarm*)."""
        depths = []
        for queue in queues:
            depth = self._queue_depth(queue.name)
            self._alarm(
                f"DeadLetters{_camel(queue.name)}",
                f"{queue.name} holds messages: {queue.holds}",
                metric=depth,
                threshold=0,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            )
            depths.append(depth)
        if not depths:
            return []
        return [cloudwatch.GraphWidget(title="Dead-letter queues", left=depths, width=24)]

    def _search_metric(
        self, name: str, statistic: str, period: Duration = PERIOD
    ) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/ES",
            metric_name=name,
            dimensions_map={
                "DomainName": self.config.prefix,
                "ClientId": self.config.account or Aws.ACCOUNT_ID,
            },
            statistic=statistic,
            period=period,
        )

    def _search_alarms(self) -> list[cloudwatch.IWidget]:
        sizing = self.config.search
        at_least = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
        red = self._search_metric("ClusterStatus.red", "Maximum")
        self._alarm(
            "SearchClusterRed",
            "Search cluster red: a primary shard is unassigned; searches and indexing fail",
            metric=red,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=at_least,
        )
        yellow = self._search_metric("ClusterStatus.yellow", "Maximum")
        if sizing.instance_count > 1:  # one node cannot hold replicas: always yellow
            self._alarm(
                "SearchClusterYellow",
                f"Search cluster yellow for {YELLOW_MINUTES} min: replicas unassigned",
                metric=yellow,
                threshold=1,
                evaluation_periods=YELLOW_MINUTES,
                comparison_operator=at_least,
            )
        free = self._search_metric("FreeStorageSpace", "Minimum")  # MiB, per node
        floor = sizing.volume_gb * 1024 * FREE_STORAGE_FRACTION
        self._alarm(
            "SearchFreeStorage",
            f"A search node has under {FREE_STORAGE_FRACTION:.0%} of its "
            f"{sizing.volume_gb} GiB volume free; writes block at the flood stage",
            metric=free,
            threshold=floor,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
        )
        jvm = self._search_metric("JVMMemoryPressure", "Maximum")
        self._alarm(
            "SearchJvmPressure",
            f"Search JVM memory pressure at or above {JVM_PRESSURE_PERCENT}% for 3 min",
            metric=jvm,
            threshold=JVM_PRESSURE_PERCENT,
            evaluation_periods=3,
            comparison_operator=at_least,
        )
        blocked = self._search_metric("ClusterIndexWritesBlocked", "Maximum", Duration.minutes(5))
        self._alarm(
            "SearchWritesBlocked",
            "Search cluster refuses writes: the indexer is failing (disk or memory)",
            metric=blocked,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=at_least,
        )
        return [
            cloudwatch.GraphWidget(title="Search cluster status", left=[red, yellow], width=8),
            cloudwatch.GraphWidget(title="Search free storage (MiB)", left=[free], width=8),
            cloudwatch.GraphWidget(
                title="Search JVM / writes blocked", left=[jvm], right=[blocked], width=8
            ),
        ]

    def _table_alarms(self, index_names: Sequence[str]) -> list[cloudwatch.IWidget]:
        """Throttle events on the table and its GSIs (a throttled GSI throttles table writes)."""
        widgets: list[cloudwatch.IWidget] = []
        for kind in ("Read", "Write"):
            dimensions = [{"TableName": self.config.prefix}]
            dimensions += [
                {"TableName": self.config.prefix, "GlobalSecondaryIndexName": name}
                for name in index_names
            ]
            metrics = {
                f"m{number}": cloudwatch.Metric(
                    namespace="AWS/DynamoDB",
                    metric_name=f"{kind}ThrottleEvents",
                    dimensions_map=where,
                    statistic="Sum",
                    period=PERIOD,
                )
                for number, where in enumerate(dimensions)
            }
            total = cloudwatch.MathExpression(
                expression="SUM(METRICS())",
                using_metrics=metrics,
                label=f"{kind} throttle events",
                period=PERIOD,
            )
            self._alarm(
                f"Table{kind}Throttles",
                f"DynamoDB throttled {kind.lower()}s on {self.config.prefix} or its GSIs",
                metric=total,
                threshold=0,
                evaluation_periods=self.config.alarms.evaluation_periods,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            )
            widgets.append(
                cloudwatch.GraphWidget(
                    title=f"Table {kind.lower()} throttles", left=[total], width=6
                )
            )
        return widgets

    def _concurrency_alarm(self) -> cloudwatch.IWidget:
        """The account's concurrency is shared by every function of every stage in it."""
        limit = self.config.alarms.account_concurrency
        concurrency = cloudwatch.Metric(
            namespace="AWS/Lambda",
            metric_name="ConcurrentExecutions",
            statistic="Maximum",
            period=PERIOD,
        )
        self._alarm(
            "AccountConcurrency",
            f"Lambda concurrency in this account and region above {limit}: near the quota, "
            "functions of every stage here start to throttle",
            metric=concurrency,
            threshold=limit,
            evaluation_periods=self.config.alarms.evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        )
        return cloudwatch.GraphWidget(
            title="Account Lambda concurrency", left=[concurrency], width=12
        )


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.replace("_", "-").split("-"))
