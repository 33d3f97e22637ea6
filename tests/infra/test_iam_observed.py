"""IAM from observed calls: each function's synthesized role allows every AWS request the
function makes, on the resource it touched, and grants nothing the function never does.

The requests come from running every catalogue scenario, variant, trigger and stream consumer
in moto with each call recorded (``tests.support.iam_observed``); the decisions from moto's IAM
policy evaluator over the role's resolved policies (``tests.support.iam_roles``). moto does not
enforce IAM on its own, which is how a search function came to be unable to read the caller's
profile on AWS (issue 10, finding 3) while every other test passed.
"""

from __future__ import annotations

from typing import Any

import pytest

from infra.components.service_function import function_name
from promptvault.catalogue import ROUTES, TRIGGERS
from tests.infra.conftest import Assembly
from tests.support.iam_observed import SEARCH_ADMIN, Need, Observed, observe
from tests.support.iam_roles import (
    Resolver,
    allows,
    as_list,
    prefix_conditions,
    statements,
)

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

FUNCTIONS = sorted({r.function for r in ROUTES} | {t.function for t in TRIGGERS})

# Granted to every function but used by Lambda on the function's behalf, never by its code:
# the runtime's logs and traces, the event source mapping's stream reads and its on-failure
# destination, an SQS mapping's polling of its queue, an asynchronous function's dead-letter
# queue. Other tests pin them (test_api_stack, test_streams_stack, test_events_stack).
SERVICE_SIDE = frozenset(
    {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
        "sqs:SendMessage",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
    }
)


@pytest.fixture(scope="module")
def observed() -> dict[str, Observed]:
    return observe()


def _role(assembly: Assembly, function: str) -> tuple[Resolver, list[dict[str, Any]]] | None:
    config = assembly.stacks.config
    resolver = Resolver(assembly.templates, config.region, config.account)
    if function == SEARCH_ADMIN:
        template = f"PromptVault-{assembly.stage}-Search"
        (role,) = (
            logical_id
            for logical_id, resource in assembly.templates[template]["Resources"].items()
            if resource["Type"] == "AWS::IAM::Role" and logical_id.startswith("SearchAdmin")
        )
        return resolver, resolver.policies(template, role)
    try:
        template, role = resolver.role_of_function(function_name(config, function))
    except KeyError:
        return None  # not deployed in this stage (the pre-sign-up trigger where it is off)
    return resolver, resolver.policies(template, role)


def _needs(
    assembly: Assembly, observed: dict[str, Observed], function: str
) -> dict[Need, set[str]]:
    if function not in observed:
        pytest.fail(
            f"{function} has no scenario: add one in bench/scenarios.py (docs/architecture.md)"
        )
    needs = dict(observed[function].needs)
    if not assembly.stacks.config.auto_confirm_signup:  # the code path is off in this stage
        needs = {n: at for n, at in needs.items() if n.action != "cognito-idp:AdminConfirmSignUp"}
    return needs


def test_every_function_is_observed(observed: dict[str, Observed]) -> None:
    assert sorted(set(observed) - {SEARCH_ADMIN}) == FUNCTIONS


@pytest.mark.parametrize("function", [*FUNCTIONS, SEARCH_ADMIN])
def test_the_role_allows_every_call_the_function_makes(
    assembly: Assembly, observed: dict[str, Observed], function: str
) -> None:
    found = _role(assembly, function)
    if found is None:
        pytest.skip(f"{function} is not deployed in {assembly.stage}")
    resolver, documents = found
    arns = resolver.stage_arns()
    with prefix_conditions():
        denied = sorted(
            f"{need.action} on {arns.of(need.resource)} (key {need.leading_key}): {min(at)}"
            for need, at in _needs(assembly, observed, function).items()
            if not allows(documents, need.action, arns.of(need.resource), need.leading_key)
        )
    assert not denied, f"{function} ({assembly.stage}) would be refused:\n" + "\n".join(denied)


@pytest.mark.parametrize("function", [*FUNCTIONS, SEARCH_ADMIN])
def test_the_role_grants_nothing_the_function_never_does(
    assembly: Assembly, observed: dict[str, Observed], function: str
) -> None:
    found = _role(assembly, function)
    if found is None:
        pytest.skip(f"{function} is not deployed in {assembly.stage}")
    resolver, documents = found
    arns = resolver.stage_arns()
    needs = _needs(assembly, observed, function)
    unused = []
    with prefix_conditions():
        for statement in statements(documents):
            assert statement["Effect"] == "Allow", statement
            for action in as_list(statement["Action"]):
                if action in SERVICE_SIDE:
                    continue
                for resource in as_list(statement["Resource"]):
                    alone = [{**statement, "Action": action, "Resource": resource}]
                    document = {"Version": "2012-10-17", "Statement": alone}
                    if not any(
                        need.action == action
                        and allows([document], action, arns.of(need.resource), need.leading_key)
                        for need in needs
                    ):
                        unused.append(f"{action} on {resource}")
    assert not unused, f"{function} ({assembly.stage}) never does:\n" + "\n".join(sorted(unused))
