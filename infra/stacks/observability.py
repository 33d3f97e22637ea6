"""One dashboard and the alarms that page, per stage, all sent to one encrypted topic.

Metrics are addressed by name (function names are deterministic, see ``function_name``),
so this stack depends only on the API id and the on-failure queue, never on functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.components.encrypted_topic import EncryptedTopic
from infra.stages import StageConfig

PERIOD = Duration.minutes(1)
ITERATOR_AGE_ALARM_MS = 60_000  # a consumer a minute behind the table is falling behind


class ObservabilityStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        api_id: str,
        function_names: Sequence[str],
        consumer_names: Sequence[str] = (),
        on_failure_queue: sqs.IQueue | None = None,
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
        self._action = actions.SnsAction(self.alerts.topic)
        self.alarms: list[cloudwatch.Alarm] = []
        api = self._api_alarms(api_id)
        lambdas = self._function_alarms(function_names)
        streams = self._stream_alarms(consumer_names, on_failure_queue)
        cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=config.prefix,
            widgets=[api, lambdas, streams] if streams else [api, lambdas],
        )
        CfnOutput(self, "AlarmTopicArn", value=self.alerts.topic.topic_arn)

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

    def _stream_alarms(
        self, consumers: Sequence[str], queue: sqs.IQueue | None
    ) -> list[cloudwatch.IWidget]:
        if queue is None:
            return []
        depth = queue.metric_approximate_number_of_messages_visible(period=PERIOD)
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


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.replace("_", "-").split("-"))
