"""One realistic request per endpoint, with the setup it needs (setup calls are not measured).

The world: a signed-up owner and a public prompt with two versions. Requests that change or
remove a prompt get a fresh prompt of their own, so every scenario can run any number of times
in any order. Used by the AWS call count (in-process moto) and the first-request timing
(moto in server mode); both drive the real handlers through ``tests.support.api``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support.api import call, event, match
from tests.support.factories import PASSWORD, User, create_prompt, prompt_body, sign_up

AUTO_CONFIRM = "cognito-idp auto-confirm"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: Any = None
    token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    owner: User
    prompt: dict[str, Any]  # a public prompt at version 2: id, slug, etag


@dataclass(frozen=True)
class Scenario:
    label: str  # what the tables show: "GET /v1/prompts/{id} (by slug)"
    function: str  # the catalogue function that serves it
    prepare: Callable[[World], Request]
    status: int  # the status a correct run returns


def _unique(prefix: str = "b") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def two_version_prompt(owner: User, versions: int = 2) -> dict[str, Any]:
    """A fresh public prompt with ``versions`` versions; its current ETag under ``etag``."""
    prompt = create_prompt(owner, title=f"Bench {_unique()}")
    for number in range(2, versions + 1):
        edited = call(
            "PATCH",
            f"/v1/prompts/{prompt['id']}",
            {"content": f"{prompt['content']} Edit {number}.", "changeMessage": f"edit {number}"},
            token=owner.token,
            headers={"If-Match": prompt["etag"]},
        )
        assert edited.status == 200, edited.body
        prompt = {**edited.data, "etag": edited.headers["ETag"]}
    return prompt


def make_world() -> World:
    owner = sign_up()
    return World(owner, two_version_prompt(owner))


def _cognito() -> Any:
    import boto3

    return boto3.client("cognito-idp")


def _signup(_: World) -> Request:
    name = _unique("u")
    body = {"email": f"{name}@example.com", "password": PASSWORD, "username": name}
    return Request("POST", "/v1/auth/signup", body)


def _confirm(_: World) -> Request:
    from promptvault.settings import get_settings

    email = f"{_unique('c')}@example.com"
    # An unconfirmed account, made straight in Cognito (the API's sign-up auto-confirms here).
    _cognito().sign_up(
        ClientId=get_settings().user_pool_client_id,
        Username=email,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    return Request("POST", "/v1/auth/confirm", {"email": email, "code": "123456"})


def _login(world: World) -> Request:
    body = {"email": world.owner.email, "password": PASSWORD}
    return Request("POST", "/v1/auth/login", body)


def _refresh(world: World) -> Request:
    login = call("POST", "/v1/auth/login", {"email": world.owner.email, "password": PASSWORD})
    assert login.status == 200, login.body
    return Request("POST", "/v1/auth/refresh", {"refreshToken": login.data["refreshToken"]})


def _forgot(world: World) -> Request:
    return Request("POST", "/v1/auth/forgot-password", {"email": world.owner.email})


def _reset(_: World) -> Request:
    someone = sign_up()  # not the owner: the owner's password must stay what the world knows
    asked = call("POST", "/v1/auth/forgot-password", {"email": someone.email})
    assert asked.status in {200, 202}, asked.body
    body = {"email": someone.email, "code": "123456", "password": "Another-Horse-7"}
    return Request("POST", "/v1/auth/reset-password", body)


def _me(world: World) -> Request:
    return Request("GET", "/v1/users/me", token=world.owner.token)


def _my_prompts(world: World) -> Request:
    return Request("GET", "/v1/users/me/prompts", token=world.owner.token)


def _create(world: World) -> Request:
    body = prompt_body(title=f"Bench {_unique()}")  # a new slug: no collision retry
    return Request("POST", "/v1/prompts", body, token=world.owner.token)


def _public(_: World) -> Request:
    return Request("GET", "/v1/prompts")


def _get_by_id(world: World) -> Request:
    return Request("GET", f"/v1/prompts/{world.prompt['id']}", token=world.owner.token)


def _get_by_slug(world: World) -> Request:
    return Request("GET", f"/v1/prompts/{world.prompt['slug']}")


def _update(world: World) -> Request:
    prompt = create_prompt(world.owner, title=f"Bench {_unique()}")
    body = {"content": prompt["content"] + " Be brief.", "changeMessage": "brief"}
    return Request(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        body,
        token=world.owner.token,
        headers={"If-Match": prompt["etag"]},
    )


def _delete(world: World) -> Request:
    prompt = two_version_prompt(world.owner)
    return Request("DELETE", f"/v1/prompts/{prompt['id']}", token=world.owner.token)


def _delete_many(world: World) -> Request:
    prompt = two_version_prompt(world.owner, versions=30)
    return Request("DELETE", f"/v1/prompts/{prompt['id']}", token=world.owner.token)


def _versions(world: World) -> Request:
    return Request("GET", f"/v1/prompts/{world.prompt['id']}/versions")


def _version(world: World) -> Request:
    return Request("GET", f"/v1/prompts/{world.prompt['id']}/versions/1")


def _restore(world: World) -> Request:
    prompt = two_version_prompt(world.owner)
    return Request(
        "POST", f"/v1/prompts/{prompt['id']}/versions/1/restore", token=world.owner.token
    )


def _diff(world: World) -> Request:
    return Request("GET", f"/v1/prompts/{world.prompt['id']}/diff", query={"from": "1", "to": "2"})


def _categories(_: World) -> Request:
    return Request("GET", "/v1/categories")


def _models(_: World) -> Request:
    return Request("GET", "/v1/models")


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("POST /v1/auth/signup", "auth_signup", _signup, 201),
    Scenario("POST /v1/auth/confirm", "auth_confirm", _confirm, 200),
    Scenario("POST /v1/auth/login", "auth_login", _login, 200),
    Scenario("POST /v1/auth/refresh", "auth_refresh", _refresh, 200),
    Scenario("POST /v1/auth/forgot-password", "auth_forgot_password", _forgot, 202),
    Scenario("POST /v1/auth/reset-password", "auth_reset_password", _reset, 200),
    Scenario("GET /v1/users/me", "users_me", _me, 200),
    Scenario("GET /v1/users/me/prompts", "users_me_prompts", _my_prompts, 200),
    Scenario("POST /v1/prompts", "prompts_create", _create, 201),
    Scenario("GET /v1/prompts", "prompts_list", _public, 200),
    Scenario("GET /v1/prompts/{id}", "prompts_get", _get_by_id, 200),
    Scenario("GET /v1/prompts/{id} (by slug)", "prompts_get", _get_by_slug, 200),
    Scenario("PATCH /v1/prompts/{id}", "prompts_update", _update, 200),
    Scenario("DELETE /v1/prompts/{id} (2 versions)", "prompts_delete", _delete, 204),
    Scenario("DELETE /v1/prompts/{id} (30 versions)", "prompts_delete", _delete_many, 204),
    Scenario("GET /v1/prompts/{id}/versions", "versions_list", _versions, 200),
    Scenario("GET /v1/prompts/{id}/versions/{n}", "versions_get", _version, 200),
    Scenario("POST /v1/prompts/{id}/versions/{n}/restore", "versions_restore", _restore, 201),
    Scenario("GET /v1/prompts/{id}/diff", "prompts_diff", _diff, 200),
    Scenario("GET /v1/categories", "reference_categories", _categories, 200),
    Scenario("GET /v1/models", "reference_models", _models, 200),
)


def send(request: Request) -> Any:
    """The request through the real handler, in this process."""
    return call(
        request.method,
        request.path,
        request.body,
        token=request.token,
        headers=request.headers,
        query=request.query,
    )


def to_event(request: Request) -> dict[str, Any]:
    """The API Gateway HTTP API event ``send`` would build, for a handler in another process."""
    import json

    found = match(request.method, request.path)
    assert found, f"no route for {request.method} {request.path}"
    route, params = found
    headers = {"content-type": "application/json", **request.headers}
    if request.token:
        headers["authorization"] = f"Bearer {request.token}"
    body = None if request.body is None else json.dumps(request.body)
    return event(route, request.path, params, body, headers, dict(request.query))


def presignup_event() -> dict[str, Any]:
    """What Cognito sends the pre-sign-up trigger."""
    return {
        "version": "1",
        "triggerSource": "PreSignUp_SignUp",
        "region": "us-east-1",
        "userPoolId": "us-east-1_bench",
        "userName": "bench@example.com",
        "callerContext": {"awsSdkVersion": "1", "clientId": "bench"},
        "request": {"userAttributes": {"email": "bench@example.com"}},
        "response": {},
    }
