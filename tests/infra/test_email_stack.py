"""SES: a configuration set that suppresses bounces and complaints and reports them."""

import pytest

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def test_bounces_and_complaints_are_suppressed(assembly):
    (config_set,) = assembly.resources("AWS::SES::ConfigurationSet").values()

    assert config_set["Properties"]["SuppressionOptions"]["SuppressedReasons"] == [
        "BOUNCE",
        "COMPLAINT",
    ]


def test_bounce_and_complaint_events_go_to_an_encrypted_topic(assembly):
    (destination,) = assembly.resources("AWS::SES::ConfigurationSetEventDestination").values()
    topics = assembly.stack("Email")["Resources"]
    (topic,) = [r for r in topics.values() if r["Type"] == "AWS::SNS::Topic"]
    event = destination["Properties"]["EventDestination"]

    assert sorted(event["MatchingEventTypes"]) == ["bounce", "complaint"]
    assert "SnsDestination" in event
    assert "KmsMasterKeyId" in topic["Properties"]
