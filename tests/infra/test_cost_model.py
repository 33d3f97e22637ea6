"""The cost model's fixed floor counts the alarms each stage really synthesizes."""

import pytest

from bench import cost

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]


def test_the_cost_model_counts_every_alarm_the_stage_deploys(assembly):
    alarms = assembly.resources("AWS::CloudWatch::Alarm")
    assert cost.ALARMS[assembly.stage] == len(alarms)
