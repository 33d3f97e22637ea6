"""AWS API calls per request, per endpoint, against the documented minimum.

Runs every scenario once inside in-process moto (``tests.support.aws.moto_aws``) and counts
the botocore API calls the request makes (``bench.counting``). tests/integration/
test_aws_calls.py asserts the same table.
"""

from __future__ import annotations

from typing import Any

# The fewest calls each endpoint can make, by operation (layers/promptvault/prompts/
# repository.py and identity/accounts.py explain why). A token check makes no AWS call:
# the JWKS is fetched once per container and cached.
MINIMUM: dict[str, dict[str, int]] = {
    # guards (1 transaction), SignUp, AdminConfirmSignUp where the stage auto-confirms
    # without the trigger, then the profile with the guards pointed at it (1 transaction)
    "POST /v1/auth/signup": {"TransactWriteItems": 2, "SignUp": 1, "AdminConfirmSignUp": 1},
    "POST /v1/auth/confirm": {"ConfirmSignUp": 1},
    "POST /v1/auth/login": {"InitiateAuth": 1},
    "POST /v1/auth/refresh": {"InitiateAuth": 1},
    "POST /v1/auth/forgot-password": {"ForgotPassword": 1},
    "POST /v1/auth/reset-password": {"ConfirmForgotPassword": 1},
    "GET /v1/users/me": {"GetItem": 1},
    "GET /v1/users/me/prompts": {"Query": 1},
    # head + version 1 + slug guard in one transaction (a second one only on a slug collision)
    "POST /v1/prompts": {"TransactWriteItems": 1},
    "GET /v1/prompts": {"Query": 1},
    "GET /v1/prompts/{id}": {"GetItem": 1},
    # slug guard, then the head
    "GET /v1/prompts/{id} (by slug)": {"GetItem": 2},
    # the head (ownership, If-Match), then new head + new version conditionally
    "PATCH /v1/prompts/{id}": {"GetItem": 1, "TransactWriteItems": 1},
    # the head, head + slug in one transaction, the version keys, one batch per 25 versions
    "DELETE /v1/prompts/{id} (2 versions)": {
        "GetItem": 1,
        "TransactWriteItems": 1,
        "Query": 1,
        "BatchWriteItem": 1,
    },
    "DELETE /v1/prompts/{id} (30 versions)": {
        "GetItem": 1,
        "TransactWriteItems": 1,
        "Query": 1,
        "BatchWriteItem": 2,
    },
    "GET /v1/prompts/{id}/versions": {"GetItem": 1, "Query": 1},
    "GET /v1/prompts/{id}/versions/{n}": {"GetItem": 2},
    "POST /v1/prompts/{id}/versions/{n}/restore": {"GetItem": 2, "TransactWriteItems": 1},
    "GET /v1/prompts/{id}/diff": {"GetItem": 1, "BatchGetItem": 1},
    "GET /v1/categories": {},
    "GET /v1/models": {},
    # the Cognito pre-sign-up trigger only edits the event it is given
    "trigger auth_presignup": {},
}

# Endpoints whose observed calls exceed MINIMUM because of the product code: label -> why.
# The test marks them xfail(strict=True), so fixing the code makes the test say so.
ABOVE_MINIMUM: dict[str, str] = {}


def observe() -> list[dict[str, Any]]:
    """Each scenario once, inside in-process moto; the calls each request made."""
    import tests.conftest  # noqa: F401  (the test environment, before promptvault is imported)
    from bench.counting import counting_aws_calls
    from bench.scenarios import SCENARIOS, make_world, presignup_event, send
    from tests.support.aws import moto_aws

    rows: list[dict[str, Any]] = []
    with moto_aws(), counting_aws_calls() as counter:
        world = make_world()
        for scenario in SCENARIOS:
            request = scenario.prepare(world)
            counter.reset()
            reply = send(request)
            calls = counter.snapshot()
            rows.append(_row(scenario.label, scenario.function, calls, reply.status))
        from functions.auth_presignup.handler import handler

        counter.reset()
        handler(presignup_event(), None)
        rows.append(_row("trigger auth_presignup", "auth_presignup", counter.snapshot(), None))
    return rows


def _row(label: str, function: str, calls: dict[str, int], status: int | None) -> dict[str, Any]:
    minimum = MINIMUM[label]
    return {
        "endpoint": label,
        "function": function,
        "status": status,
        "calls": calls,
        "total": sum(calls.values()),
        "minimum": minimum,
        "minimum_total": sum(minimum.values()),
        "at_minimum": calls == minimum,
    }


def run() -> dict[str, Any]:
    rows = observe()
    return {
        "method": "botocore before-call events on every client, one request per endpoint, "
        "in-process moto",
        "endpoints": rows,
        "all_at_minimum": all(row["at_minimum"] for row in rows),
    }
