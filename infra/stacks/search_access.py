"""Fine-grained access mappings for the OpenSearch domain, as a custom resource.

Wired last (after the API and streams stacks) because it needs their functions' role ARNs;
nothing references it, so it adds no cycle. A ``custom_resources.Provider`` runs
``infra/search_mapping/handler.py``, which creates two OpenSearch roles on the prompts
index and maps IAM roles to them as backend roles:

- ``promptvault_read``: the search routes' roles (read on ``prompts*``);
- ``promptvault_write``: the stream indexer's role (all index actions on ``prompts*``, so it
  can also create and rebuild the index).

The handler assumes the master role (``SearchAdminRoleArn``) rather than being the master
user itself: the master role already exists before the domain, trusts this account, and
keeps its own identity; the handler's role only gains ``sts:AssumeRole`` on it. Making the
handler's role the master user would pull the function into the search stack, before the
roles it maps exist. Operators run ``make reindex`` as the master role (``all_access``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aws_cdk import CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

from infra import bundling
from infra.components.service_function import RETENTION, function_name
from infra.nag import acknowledge
from infra.stages import StageConfig

HANDLER_DIR = Path(__file__).resolve().parent.parent / "search_mapping"
INDEX_PATTERNS = ["prompts*"]
READ_ROLE = "promptvault_read"
WRITE_ROLE = "promptvault_write"


class SearchAccessStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        endpoint: str,
        master_role_arn: str,
        read_role_arns: Sequence[str],
        write_role_arns: Sequence[str],
        **kw: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kw)
        on_event = self._on_event(config, master_role_arn)
        provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=on_event,
            log_group=self._log_group(config, "search-mapping-provider"),
        )
        self.mapping = CustomResource(
            self,
            "RolesMapping",
            service_token=provider.service_token,
            resource_type="Custom::OpenSearchRolesMapping",
            properties={
                "Endpoint": endpoint,
                "MasterRoleArn": master_role_arn,
                "Roles": {
                    READ_ROLE: {
                        "ClusterPermissions": ["cluster_composite_ops_ro"],
                        "IndexPatterns": INDEX_PATTERNS,
                        "AllowedActions": ["read"],
                        "BackendRoles": list(read_role_arns),
                    },
                    WRITE_ROLE: {
                        "ClusterPermissions": ["cluster_composite_ops"],
                        "IndexPatterns": INDEX_PATTERNS,
                        "AllowedActions": ["indices_all"],
                        "BackendRoles": list(write_role_arns),
                    },
                },
            },
        )
        self._acknowledge(provider, on_event)

    def _log_group(self, config: StageConfig, suffix: str) -> logs.LogGroup:
        return logs.LogGroup(
            self,
            "".join(part.title() for part in suffix.split("-")) + "Logs",
            log_group_name=f"/aws/lambda/{config.prefix}-{suffix}",
            retention=RETENTION[config.log_retention_days],
            removal_policy=RemovalPolicy.DESTROY,
        )

    def _on_event(self, config: StageConfig, master_role_arn: str) -> lambda_.Function:
        log_group = self._log_group(config, "search-mapping")
        role = iam.Role(
            self,
            "MappingRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Assumes the OpenSearch master role to write role mappings",
            inline_policies={
                "access": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(
                            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                            resources=[log_group.log_group_arn],
                        ),
                        iam.PolicyStatement(
                            actions=["sts:AssumeRole"], resources=[master_role_arn]
                        ),
                    ]
                )
            },
        )
        function = lambda_.Function(
            self,
            "MappingHandler",
            function_name=function_name(config, "search_mapping"),
            description="Custom resource: OpenSearch FGAC roles and role mappings",
            runtime=bundling.RUNTIME,
            architecture=bundling.ARCHITECTURE,
            handler="handler.on_event",
            code=lambda_.Code.from_asset(str(HANDLER_DIR), exclude=["__pycache__", "*.pyc"]),
            role=role,
            log_group=log_group,
            memory_size=256,
            timeout=Duration.minutes(2),
        )
        for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"):
            acknowledge(
                function,
                rule,
                "Python 3.12 is the project's pinned runtime; moving runtimes is a deliberate, "
                "tested upgrade of every function at once.",
            )
        acknowledge(
            function,
            "Serverless-LambdaDLQ",
            "Invoked synchronously by the custom-resource provider framework, which reports "
            "failures to CloudFormation; there is no async invocation to dead-letter.",
        )
        acknowledge(
            function,
            "Serverless-LambdaTracing",
            "A deploy-time custom resource that makes two HTTPS calls per OpenSearch role; "
            "its log group and CloudFormation events are the useful trace.",
        )
        return function

    def _acknowledge(self, provider: cr.Provider, on_event: lambda_.Function) -> None:
        """The Provider framework's own function and role are CDK's, not ours to shape."""
        managed = "arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        cfn_function = on_event.node.default_child
        assert isinstance(cfn_function, lambda_.CfnFunction)
        target = f"<{self.get_logical_id(cfn_function)}.Arn>:*"
        reasons = {
            f"AwsSolutions-IAM4[Policy::{managed}]": (
                "CDK's custom-resource Provider framework role uses AWSLambdaBasicExecutionRole "
                "for its own logs; that role is not configurable."
            ),
            f"AwsSolutions-IAM5[Resource::{target}]": (
                "CDK's Provider framework may invoke every version of the one on_event "
                "function (function ARN:*); the grant is scoped to that function."
            ),
            "Serverless-LambdaDLQ": (
                "The Provider framework is invoked by CloudFormation, which waits for its "
                "answer and fails the stack operation on error; nothing to dead-letter."
            ),
            "Serverless-LambdaTracing": (
                "The Provider framework function is CDK's deploy-time shim; CloudFormation "
                "events and its log group are the trace."
            ),
            "Serverless-LambdaDefaultMemorySize": (
                "The Provider framework function's memory is CDK's default, enough to relay "
                "one deploy-time event; the Provider API does not expose it."
            ),
        }
        for rule, reason in reasons.items():
            acknowledge(provider, rule, reason)
