"""A dashboard per stage and alarms to one topic; prod pages sooner than dev."""

import pytest

from promptvault.catalogue import ROUTES

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def _alarms(assembly):
    return [a["Properties"] for a in assembly.resources("AWS::CloudWatch::Alarm").values()]


def _alarm(assembly, metric_name):
    for alarm in _alarms(assembly):
        metrics = alarm.get("Metrics", [])
        names = [alarm.get("MetricName")] + [
            m.get("MetricStat", {}).get("Metric", {}).get("MetricName") for m in metrics
        ]
        if metric_name in names:
            return alarm
    raise AssertionError(f"no alarm on {metric_name}")


def test_dashboard_exists(assembly):
    assert len(assembly.resources("AWS::CloudWatch::Dashboard")) == 1


def test_every_alarm_notifies_the_alarm_topic(assembly):
    for alarm in _alarms(assembly):
        assert alarm["AlarmActions"], alarm["AlarmDescription"]


def test_api_5xx_rate_latency_and_per_function_errors_and_throttles_are_alarmed(assembly):
    _alarm(assembly, "5xx")
    _alarm(assembly, "Latency")
    names = [a.get("MetricName") for a in _alarms(assembly)]

    assert names.count("Errors") >= len(ROUTES)
    assert names.count("Throttles") >= len(ROUTES)


def test_prod_alarms_are_stricter_than_dev(prod, dev):
    assert _alarm(prod, "5xx")["Threshold"] < _alarm(dev, "5xx")["Threshold"]
    assert _alarm(prod, "Latency")["Threshold"] < _alarm(dev, "Latency")["Threshold"]
