"""An SNS topic encrypted with its own KMS key, SSL enforced, publishable by AWS services.

The AWS-managed ``alias/aws/sns`` key cannot be granted to services such as CloudWatch
alarms or SES, so each topic gets a customer-managed key with a policy naming its publishers.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct


class EncryptedTopic(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topic_name: str,
        publishers: Sequence[str],  # service principals, e.g. "cloudwatch.amazonaws.com"
    ) -> None:
        super().__init__(scope, construct_id)
        account = Stack.of(self).account
        self.key = kms.Key(
            self,
            "Key",
            description=f"Encrypts SNS topic {topic_name}",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY,  # notifications are transient
        )
        self.topic = sns.Topic(
            self, "Topic", topic_name=topic_name, master_key=self.key, enforce_ssl=True
        )
        for service in publishers:
            principal = iam.ServicePrincipal(service)
            condition = {"StringEquals": {"aws:SourceAccount": account}}
            self.key.add_to_resource_policy(
                iam.PolicyStatement(
                    principals=[principal],
                    actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                    resources=["*"],  # in a key policy, "*" means this key
                    conditions=condition,
                )
            )
            self.topic.add_to_resource_policy(
                iam.PolicyStatement(
                    principals=[principal],
                    actions=["sns:Publish"],
                    resources=[self.topic.topic_arn],
                    conditions=condition,
                )
            )
