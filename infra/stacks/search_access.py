"""The search index and who may use it, put on the OpenSearch domain by the deploy itself.

Wired last (after the API and streams stacks) because it maps their functions' roles; nothing
references it. A ``custom_resources.Provider`` runs ``infra/search_mapping/handler.py`` for two
custom resources, in this order:

1. ``Custom::OpenSearchIndexTemplate``: ``PUT _index_template/prompts`` with the settings and
   mapping of ``promptvault.search.opensearch_body.index_body()``, then creates the ``prompts``
   index when it is missing (an existing one gets the mapping and dynamic settings again, so an
   additive change lands; an incompatible one fails the deploy: reindex, docs/runbook.md);
2. ``Custom::OpenSearchRolesMapping``: two OpenSearch roles on the prompts index, with IAM roles
   mapped as backend roles: ``promptvault_read`` (the search routes) and ``promptvault_write``
   (the stream indexer; all index actions, so it can also rebuild the index).

The mapping depends on the template: a function can write to the domain only once its role is
mapped, so no write can ever reach the domain before the index and its mapping exist, and the
indexer never meets an auto-created, dynamically mapped index.

The handler assumes the master role (``SearchAdminRoleArn``) rather than being the master
user itself: the master role already exists before the domain and keeps its own identity; the
handler's role only gains ``sts:AssumeRole`` on it, and every request to the domain is signed
with the master role's credentials. Operators run ``make reindex`` as the master role.

Role ARNs, the endpoint and the master role come from SSM parameters their owners publish
(``infra/parameters.py``), not from exports, so the API and streams stacks stay free to change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

from infra import bundling, parameters
from infra.components.service_function import RETENTION, ServiceFunction, function_name
from infra.nag import acknowledge
from infra.stacks.search import mapping_role_name
from infra.stages import StageConfig
from promptvault.search.opensearch_body import index_body

HANDLER_DIR = Path(__file__).resolve().parent.parent / "search_mapping"
INDEX_NAME = "prompts"  # promptvault.core.settings: search_index_name's default
INDEX_PATTERNS = ["prompts*"]
READ_ROLE = "promptvault_read"
WRITE_ROLE = "promptvault_write"


@dataclass(frozen=True, slots=True)
class SearchRole:
    """A function role FGAC maps, as its own stack published it."""

    parameter_key: str  # infra/parameters.py key holding the role ARN
    source: str  # the role's construct path: changes exactly when the role is replaced


def publish_search_role(config: StageConfig, package: str, function: ServiceFunction) -> SearchRole:
    """Publish a function's role ARN beside the role (same stack), for SearchAccess to map."""
    key = parameters.SEARCH_ROLE_PREFIX + function_name(config, package)
    parameters.publish(function, "SearchRoleParameter", config, key, function.role.role_arn)
    return SearchRole(parameter_key=key, source=function.role.node.path)


def index_template_body() -> dict[str, Any]:
    """``PUT _index_template/prompts``: what the index is created with, also when
    something creates it implicitly."""
    return {"index_patterns": INDEX_PATTERNS, "priority": 100, "template": index_body()}


class SearchAccessStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        readers: Sequence[SearchRole],
        writers: Sequence[SearchRole],
        **kw: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kw)
        endpoint = parameters.template_parameter(self, config, parameters.SEARCH_ENDPOINT)
        master_role_arn = parameters.template_parameter(
            self, config, parameters.SEARCH_ADMIN_ROLE_ARN
        )
        on_event = self._on_event(config, master_role_arn)
        provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=on_event,
            log_group=self._log_group(config, "search-mapping-provider"),
        )
        self.index_template = CustomResource(
            self,
            "IndexTemplate",
            service_token=provider.service_token,
            resource_type="Custom::OpenSearchIndexTemplate",
            properties={
                "Endpoint": endpoint,
                "MasterRoleArn": master_role_arn,
                "TemplateName": INDEX_NAME,
                "IndexName": INDEX_NAME,
                # A JSON string: CloudFormation would turn the body's numbers into strings.
                "Template": json.dumps(index_template_body(), sort_keys=True),
            },
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
                        "BackendRoles": self._role_arns(config, readers),
                    },
                    WRITE_ROLE: {
                        "ClusterPermissions": ["cluster_composite_ops"],
                        "IndexPatterns": INDEX_PATTERNS,
                        "AllowedActions": ["indices_all"],
                        "BackendRoles": self._role_arns(config, writers),
                    },
                },
                # SSM values are re-read only when this template changes: a replaced role
                # changes its path, so the mapping is written again with the new ARN.
                "RoleSources": sorted(role.source for role in [*readers, *writers]),
            },
        )
        self.mapping.node.add_dependency(self.index_template)
        self._acknowledge(provider, on_event)

    def _role_arns(self, config: StageConfig, roles: Sequence[SearchRole]) -> list[str]:
        return [parameters.template_parameter(self, config, r.parameter_key) for r in roles]

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
            role_name=mapping_role_name(config),  # the master role trusts it by this name
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
            description="Custom resource: OpenSearch index template, FGAC roles and mappings",
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
            "A deploy-time custom resource making a handful of HTTPS calls to the domain; "
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
