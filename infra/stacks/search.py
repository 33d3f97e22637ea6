"""The OpenSearch domain, sized per stage, encrypted, HTTPS only, with fine-grained access.

Built from the L1 resource on purpose: the L2 ``Domain`` adds custom-resource Lambdas for
access policies and log-group policies, which we can declare directly instead.
Access is layered: the domain policy admits IAM principals of this account, each function's
own role must allow ``es:ESHttp*`` on the domain, and fine-grained access control maps
those roles to OpenSearch roles; the master role below administers the mappings.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct

from infra.components.service_function import RETENTION
from infra.nag import acknowledge
from infra.stages import StageConfig

ENGINE_VERSION = "OpenSearch_2.19"
TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10"
LOG_TYPES = ("ES_APPLICATION_LOGS", "SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS", "AUDIT_LOGS")


class SearchStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, **kw: Any):
        super().__init__(scope, construct_id, **kw)
        self.domain_name = config.prefix
        self.domain_arn = self.format_arn(
            service="es", resource="domain", resource_name=self.domain_name
        )
        self.master_role = iam.Role(
            self,
            "SearchAdmin",
            assumed_by=iam.AccountRootPrincipal(),
            description="OpenSearch fine-grained access master: maps function roles to roles",
        )
        logs_by_type = self._log_groups(config)
        self.domain = opensearch.CfnDomain(
            self,
            "Domain",
            domain_name=self.domain_name,
            engine_version=ENGINE_VERSION,
            cluster_config=self._cluster(config),
            ebs_options=opensearch.CfnDomain.EBSOptionsProperty(
                ebs_enabled=True, volume_type="gp3", volume_size=config.search.volume_gb
            ),
            encryption_at_rest_options=opensearch.CfnDomain.EncryptionAtRestOptionsProperty(
                enabled=True
            ),
            node_to_node_encryption_options=opensearch.CfnDomain.NodeToNodeEncryptionOptionsProperty(
                enabled=True
            ),
            domain_endpoint_options=opensearch.CfnDomain.DomainEndpointOptionsProperty(
                enforce_https=True, tls_security_policy=TLS_POLICY
            ),
            advanced_security_options=opensearch.CfnDomain.AdvancedSecurityOptionsInputProperty(
                enabled=True,
                internal_user_database_enabled=False,
                master_user_options=opensearch.CfnDomain.MasterUserOptionsProperty(
                    master_user_arn=self.master_role.role_arn
                ),
            ),
            access_policies=self._access_policy(),
            log_publishing_options={
                log_type: opensearch.CfnDomain.LogPublishingOptionProperty(
                    enabled=True, cloud_watch_logs_log_group_arn=group.log_group_arn
                )
                for log_type, group in logs_by_type.items()
            },
        )
        self.domain.apply_removal_policy(
            RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY
        )
        self.domain.node.add_dependency(self._log_policy(logs_by_type))
        self.endpoint = self.domain.attr_domain_endpoint
        self._acknowledge(config)
        CfnOutput(self, "SearchEndpoint", value=f"https://{self.endpoint}")
        CfnOutput(self, "SearchAdminRoleArn", value=self.master_role.role_arn)

    def _cluster(self, config: StageConfig) -> opensearch.CfnDomain.ClusterConfigProperty:
        sizing = config.search
        zones = sizing.availability_zones
        return opensearch.CfnDomain.ClusterConfigProperty(
            instance_type=sizing.instance_type,
            instance_count=sizing.instance_count,
            dedicated_master_enabled=sizing.dedicated_masters,
            dedicated_master_type=sizing.master_instance_type if sizing.dedicated_masters else None,
            dedicated_master_count=sizing.master_count if sizing.dedicated_masters else None,
            zone_awareness_enabled=zones > 1,
            zone_awareness_config=(
                opensearch.CfnDomain.ZoneAwarenessConfigProperty(availability_zone_count=zones)
                if zones > 1
                else None
            ),
        )

    def _access_policy(self) -> dict[str, Any]:
        """Admit this account's IAM principals; their own policies and FGAC decide the rest."""
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{self.partition}:iam::{self.account}:root"},
                    "Action": "es:ESHttp*",
                    "Resource": f"{self.domain_arn}/*",
                }
            ],
        }

    def _log_groups(self, config: StageConfig) -> dict[str, logs.LogGroup]:
        return {
            log_type: logs.LogGroup(
                self,
                f"Logs{log_type.title().replace('_', '')}",
                log_group_name=f"/aws/opensearch/{config.prefix}/{log_type.lower()}",
                retention=RETENTION[config.log_retention_days],
                removal_policy=RemovalPolicy.RETAIN
                if config.retain_data
                else RemovalPolicy.DESTROY,
            )
            for log_type in LOG_TYPES
        }

    def _log_policy(self, groups: dict[str, logs.LogGroup]) -> logs.CfnResourcePolicy:
        """OpenSearch writes its logs only where a resource policy lets it."""
        document = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "es.amazonaws.com"},
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": [group.log_group_arn for group in groups.values()],
                    "Condition": {"StringEquals": {"aws:SourceAccount": self.account}},
                }
            ],
        }
        return logs.CfnResourcePolicy(
            self,
            "OpenSearchLogsPolicy",
            policy_name=f"{self.domain_name}-opensearch-logs",
            policy_document=self.to_json_string(document),
        )

    def _acknowledge(self, config: StageConfig) -> None:
        acknowledge(
            self.domain,
            "AwsSolutions-OS1",
            "No VPC: the Lambdas run outside a VPC (no NAT cost, fast cold starts); every "
            "request is SigV4-signed, HTTPS-only, and authorised by IAM plus fine-grained access.",
        )
        acknowledge(
            self.domain,
            "AwsSolutions-OS3",
            "Callers are Lambdas with changing IPs; access is by SigV4-signed IAM identity "
            "(this account only) plus fine-grained roles, not by IP allowlist.",
        )
        acknowledge(
            self.domain,
            "AwsSolutions-OS5",
            "Not anonymous: the policy admits only this account's IAM principals and FGAC "
            "maps each role; cdk-nag cannot see that the account principal is not public.",
        )
        if not config.search.dedicated_masters:
            acknowledge(
                self.domain,
                "AwsSolutions-OS4",
                f"{config.name} is a non-production stage sized for cost; prod runs three "
                "dedicated masters (cdk.json promptvault:stages.prod.search).",
            )
        if config.search.availability_zones < 2:
            acknowledge(
                self.domain,
                "AwsSolutions-OS7",
                f"{config.name} runs one small node; prod is multi-AZ with zone awareness.",
            )
