"""The single DynamoDB table, built from the pynamodb models' own definition.

``table_definition()`` is the schema's one source: the local runtime creates its table from
it, this stack builds the CloudFormation table from it, and a test compares the two.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from infra import parameters, removal
from infra.stages import StageConfig

_TYPES = {
    "S": dynamodb.AttributeType.STRING,
    "N": dynamodb.AttributeType.NUMBER,
    "B": dynamodb.AttributeType.BINARY,
}
_PROJECTIONS = {
    "ALL": dynamodb.ProjectionType.ALL,
    "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
    "INCLUDE": dynamodb.ProjectionType.INCLUDE,
}
_STREAM_VIEWS = {view.value: view for view in dynamodb.StreamViewType}


def model_table_definition() -> dict[str, Any]:
    from promptvault.data.models import table_definition  # reads settings at import

    return table_definition()


def _keys(
    schema: list[dict[str, str]], types: dict[str, str]
) -> tuple[dynamodb.Attribute, dynamodb.Attribute | None]:
    """(partition key, sort key) from a CreateTable-style key schema."""
    by_role = {
        key["KeyType"]: dynamodb.Attribute(
            name=key["AttributeName"], type=_TYPES[types[key["AttributeName"]]]
        )
        for key in schema
    }
    return by_role["HASH"], by_role.get("RANGE")


class DataStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, **kw: Any):
        super().__init__(scope, construct_id, **kw)
        definition = model_table_definition()
        types = {a["AttributeName"]: a["AttributeType"] for a in definition["AttributeDefinitions"]}
        if definition["BillingMode"] != "PAY_PER_REQUEST":
            raise ValueError("the models must declare on-demand billing")
        partition_key, sort_key = _keys(definition["KeySchema"], types)
        self.table = dynamodb.Table(
            self,
            "Table",
            table_name=config.prefix,
            partition_key=partition_key,
            sort_key=sort_key,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            stream=_STREAM_VIEWS[definition["StreamSpecification"]["StreamViewType"]],
            time_to_live_attribute=definition["TimeToLive"]["AttributeName"],
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=config.retain_data,
            removal_policy=removal.stateful(config),
        )
        self.index_names: list[str] = []
        for gsi in definition["GlobalSecondaryIndexes"]:
            projection = gsi["Projection"]
            partition_key, sort_key = _keys(gsi["KeySchema"], types)
            self.table.add_global_secondary_index(
                index_name=gsi["IndexName"],
                partition_key=partition_key,
                sort_key=sort_key,
                projection_type=_PROJECTIONS[projection["ProjectionType"]],
                non_key_attributes=projection.get("NonKeyAttributes"),
            )
            self.index_names.append(gsi["IndexName"])
        parameters.publish(
            self, "StreamArnParameter", config, parameters.TABLE_STREAM_ARN, self.stream_arn
        )
        CfnOutput(self, "TableName", value=self.table.table_name)

    @property
    def stream_arn(self) -> str:
        arn = self.table.table_stream_arn
        assert arn is not None, "the table has a stream"
        return arn


def table_arn(stack: Stack, config: StageConfig) -> str:
    """The table's ARN from its deterministic name: other stacks name it without an export."""
    return stack.format_arn(service="dynamodb", resource="table", resource_name=config.prefix)


def index_arns(table: str, index_names: list[str]) -> tuple[str, ...]:
    return tuple(f"{table}/index/{name}" for name in index_names)
