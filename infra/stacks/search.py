"""The OpenSearch domain, sized per stage, encrypted, HTTPS only, with fine-grained access.

Built from the L1 resource on purpose: the L2 ``Domain`` adds custom-resource Lambdas for
access policies and log-group policies, which we can declare directly instead.
Access is layered: the domain policy admits IAM principals of this account, each function's
own role must allow ``es:ESHttp*`` on the domain, and fine-grained access control maps
those roles to OpenSearch roles; the master role below administers the mappings.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchservice as opensearch
from constructs import Construct

from infra import parameters, removal
from infra.components.service_function import RETENTION
from infra.nag import acknowledge
from infra.stages import StageConfig

ENGINE_VERSION = "OpenSearch_2.19"
TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10"
LOG_TYPES = ("ES_APPLICATION_LOGS", "SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS", "AUDIT_LOGS")
# What the master role sends (infra/search_mapping/handler.py, promptvault.streams.reindex).
MASTER_ACTIONS = ("es:ESHttpDelete", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut")
REINDEX_READS = ("dynamodb:BatchGetItem", "dynamodb:Scan")
# An operator's IAM principal with this tag set to the stage's name may assume the master role.
OPERATOR_TAG = "promptvault-search-admin"


def mapping_role_name(config: StageConfig) -> str:
    """The SearchAccess custom resource's role, named so the master role can trust it before
    it exists (by aws:PrincipalArn: a trust policy may not name a role that does not exist)."""
    return f"{config.prefix}-search-mapping"


class SearchStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, **kw: Any):
        super().__init__(scope, construct_id, **kw)
        self.domain_name = config.prefix
        self.domain_arn = self.format_arn(
            service="es", resource="domain", resource_name=self.domain_name
        )
        self.master_role = self._master_role(config)
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
        self.domain.apply_removal_policy(removal.stateful(config))
        self.domain.node.add_dependency(self._log_policy(logs_by_type))
        self.endpoint = self.domain.attr_domain_endpoint
        self._acknowledge(config)
        parameters.publish(
            self, "EndpointParameter", config, parameters.SEARCH_ENDPOINT, self.endpoint
        )
        parameters.publish(
            self,
            "AdminRoleParameter",
            config,
            parameters.SEARCH_ADMIN_ROLE_ARN,
            self.master_role.role_arn,
        )
        CfnOutput(self, "SearchEndpoint", value=f"https://{self.endpoint}")
        CfnOutput(self, "SearchAdminRoleArn", value=self.master_role.role_arn)

    def _master_role(self, config: StageConfig) -> iam.Role:
        """The FGAC master: assumed by the deploy's custom resource (SearchAccess) and by
        operators tagged for this stage (``make reindex``), no one else in the account. It may
        do what those two do: put the index template, the index, roles and mappings (PUT,
        HEAD), and rebuild the index from a Scan of the table (DELETE, POST, BatchGetItem)."""
        mapping_role = f"arn:{self.partition}:iam::{self.account}:role/{mapping_role_name(config)}"
        table = self.format_arn(service="dynamodb", resource="table", resource_name=config.prefix)
        role = iam.Role(
            self,
            "SearchAdmin",
            assumed_by=iam.AccountRootPrincipal().with_conditions(
                {"ArnEquals": {"aws:PrincipalArn": mapping_role}}
            ),
            description="OpenSearch fine-grained access master: maps function roles to roles",
            inline_policies={
                "access": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(
                            actions=list(MASTER_ACTIONS), resources=[f"{self.domain_arn}/*"]
                        ),
                        iam.PolicyStatement(actions=list(REINDEX_READS), resources=[table]),
                    ]
                )
            },
        )
        assert role.assume_role_policy is not None
        role.assume_role_policy.add_statements(
            iam.PolicyStatement(
                actions=["sts:AssumeRole"],
                principals=[iam.AccountRootPrincipal()],
                conditions={"StringEquals": {f"aws:PrincipalTag/{OPERATOR_TAG}": config.name}},
            )
        )
        account = config.account or "<AWS::AccountId>"  # how cdk-nag renders the token
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:es:{config.region}:{account}:"
            f"domain/{config.prefix}/*]",
            "OpenSearch paths (indexes, templates, the security plugin's API) are not IAM "
            "resources; the grant is limited to this stage's domain.",
        )
        return role

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
                removal_policy=removal.stateful(config),
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
