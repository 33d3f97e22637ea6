"""Webhooks on AWS (issue 13): the delivery function sends only to its own queue (the access
word ``queue:send-own``) and is told its URL, runs outside any VPC (it calls the internet),
and no deployed stage may target http://127.0.0.1 (the local runtime's exception)."""

from __future__ import annotations

import pytest

from infra.components.service_function import function_name
from infra.stacks.events import QUEUE_CONSUME
from infra.stages import STAGE_NAMES
from promptvault.catalogue import TRIGGERS
from promptvault.webhooks.targets import LOCAL_STAGES
from tests.support.iam_roles import Resolver, as_list, statements

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

SENDERS = [t.function for t in TRIGGERS if "queue:send-own" in t.access]


def _functions(assembly):
    return {
        f["Properties"]["FunctionName"]: f
        for f in assembly.resources("AWS::Lambda::Function").values()
        if f["Properties"]["Handler"].startswith("functions.")
    }


def test_no_deployed_stage_is_a_local_one():
    assert not set(STAGE_NAMES) & LOCAL_STAGES


def test_no_function_of_a_deployed_stage_may_target_loopback(assembly):
    for name, function in _functions(assembly).items():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        assert "WEBHOOKS_ALLOW_LOOPBACK" not in variables, name
        assert variables.get("STAGE", assembly.stage) not in LOCAL_STAGES, name


def test_the_webhook_functions_run_outside_any_vpc(assembly):
    for name, function in _functions(assembly).items():
        if "webhooks" in name:
            assert "VpcConfig" not in function["Properties"], name


@pytest.mark.parametrize("package", SENDERS)
def test_a_queue_sender_may_send_only_to_its_own_queue_and_knows_its_url(assembly, package):
    config = assembly.stacks.config
    name = function_name(config, package)
    resolver = Resolver(assembly.templates, config.region, config.account)
    template, role = resolver.role_of_function(name)
    sends = [
        statement
        for statement in statements(resolver.policies(template, role))
        if "sqs:SendMessage" in as_list(statement["Action"])
    ]
    variables = _functions(assembly)[name]["Properties"]["Environment"]["Variables"]

    assert len(sends) == 1  # CDK merges it with the queue's polling: the same resource
    assert set(as_list(sends[0]["Action"])) <= {"sqs:SendMessage", *QUEUE_CONSUME}
    assert as_list(sends[0]["Resource"]) == [
        f"arn:aws:sqs:{config.region}:{resolver.account}:{name}"
    ]
    assert "OWN_QUEUE_URL" in variables


def test_no_other_function_may_send_to_a_queue_triggers_queue(assembly):
    """The events:queue triggers' queues take messages from their rule, and from their own
    function where it declares queue:send-own; from no other function."""
    config = assembly.stacks.config
    resolver = Resolver(assembly.templates, config.region, config.account)
    queues = {
        f"arn:aws:sqs:{config.region}:{resolver.account}:{function_name(config, t.function)}": (
            function_name(config, t.function)
        )
        for t in TRIGGERS
        if t.source == "events:queue"
    }
    for name in _functions(assembly):
        template, role = resolver.role_of_function(name)
        for statement in statements(resolver.policies(template, role)):
            if "sqs:SendMessage" not in as_list(statement["Action"]):
                continue
            for resource in as_list(statement["Resource"]):
                if resource in queues:
                    assert name == queues[resource], (name, resource)
                    assert name in {function_name(config, p) for p in SENDERS}, name
