"""Email sending guard rails: an SES configuration set that suppresses bounced and
complaining addresses, and publishes those events to a topic the email consumers read."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_ses as ses
from constructs import Construct

from infra.components.encrypted_topic import EncryptedTopic
from infra.stages import StageConfig


def configuration_set_name(config: StageConfig) -> str:
    """The stage's configuration set: the user pool and every email function send through it."""
    return config.prefix


def feedback_topic_name(config: StageConfig) -> str:
    """The bounce and complaint topic; the email feedback function subscribes to it by name."""
    return f"{config.prefix}-email-feedback"


class EmailStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, **kw: Any):
        super().__init__(scope, construct_id, **kw)
        self.feedback = EncryptedTopic(
            self,
            "Feedback",
            topic_name=feedback_topic_name(config),
            publishers=["ses.amazonaws.com"],
        )
        self.configuration_set = ses.ConfigurationSet(
            self,
            "Sending",
            configuration_set_name=configuration_set_name(config),
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
            reputation_metrics=True,
            sending_enabled=True,
            tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
        )
        self.configuration_set.add_event_destination(
            "BouncesAndComplaints",
            destination=ses.EventDestination.sns_topic(self.feedback.topic),
            events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
        )
        self.configuration_set_arn = self.format_arn(
            service="ses",
            resource="configuration-set",
            resource_name=self.configuration_set.configuration_set_name,
        )
        CfnOutput(self, "ConfigurationSetName", value=self.configuration_set.configuration_set_name)
        CfnOutput(self, "EmailFeedbackTopicArn", value=self.feedback.topic.topic_arn)
