"""Bad credentials are 401 on every route that reads a token, and nothing is written.

Tokens are forged with moto's own signing key (the one the pool's JWKS publishes), so each
forgery differs from a genuine token in exactly one way.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from promptvault.catalogue import ROUTES
from promptvault.core.settings import get_settings
from tests.support.api import call
from tests.support.factories import PASSWORD, User, create_prompt, prompt_body, sign_up

MOTO_KEY = jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json"))
HEADERS = {"kid": MOTO_KEY.key_id or "dummy"}
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
READS_TOKENS = [route for route in ROUTES if route.auth != "public"]


def table_items() -> int:
    # moto keeps ItemCount live (AWS refreshes it every few hours), and unlike a Scan it
    # costs the same however big the shared table has grown.
    table = boto3.client("dynamodb").describe_table(TableName=get_settings().table_name)
    return table["Table"]["ItemCount"]


@pytest.fixture(scope="module")
def user() -> User:
    return sign_up()


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def signed(claims: dict[str, Any], key: Any = None) -> str:
    return jwt.encode(claims, key or MOTO_KEY.key, algorithm="RS256", headers=HEADERS)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _expired(c: dict[str, Any], _u: User) -> str:
    now = int(time.time())
    return signed({**c, "iat": now - 7200, "exp": now - 3600})


def _wrong_signature(c: dict[str, Any], _u: User) -> str:
    return signed(c, OTHER_KEY)


def _alg_none(c: dict[str, Any], _u: User) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT', **HEADERS})}.{_b64(c)}."


def _hs256_with_public_key(c: dict[str, Any], _u: User) -> str:
    header = _b64({"alg": "HS256", "typ": "JWT", **HEADERS})
    body = _b64(c)
    return f"{header}.{body}.{_b64({'sig': 'forged'})}"


def _edited_payload(c: dict[str, Any], u: User) -> str:
    header, _, signature = u.token.split(".")
    return f"{header}.{_b64({**c, 'sub': 'someone-else'})}.{signature}"


def _id_token(_c: dict[str, Any], u: User) -> str:
    login = call("POST", "/v1/auth/login", {"email": u.email, "password": PASSWORD})
    return login.data["idToken"]


def _without(claim: str) -> Callable[[dict[str, Any], User], str]:
    return lambda c, _u: signed({k: v for k, v in c.items() if k != claim})


BAD_TOKENS: dict[str, Callable[[dict[str, Any], User], str]] = {
    "garbage": lambda c, u: "garbage",
    "three-dots": lambda c, u: "a.b.c",
    "empty-segments": lambda c, u: "..",
    "expired": _expired,
    "wrong-signature": _wrong_signature,
    "alg-none": _alg_none,
    "hs256-confusion": _hs256_with_public_key,
    "edited-payload": _edited_payload,
    "wrong-issuer": lambda c, u: signed(
        {**c, "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_someoneelse"}
    ),
    "wrong-client": lambda c, u: signed({**c, "client_id": "another-app-client"}),
    "id-token": _id_token,
    "token-use-id": lambda c, u: signed({**c, "token_use": "id"}),
    "unknown-kid": lambda c, u: jwt.encode(
        c, MOTO_KEY.key, algorithm="RS256", headers={"kid": "not-in-jwks"}
    ),
    "not-yet-valid": lambda c, u: signed({**c, "nbf": int(time.time()) + 3600}),
    "no-exp": _without("exp"),
    "no-sub": _without("sub"),
    "no-token-use": _without("token_use"),
    "no-client-id": _without("client_id"),
}


def test_a_token_forged_with_the_pool_key_and_genuine_claims_is_accepted(user):
    """The control: forging works, so each refusal below is for its one defect."""
    token = signed(claims_of(user.token))

    assert call("GET", "/v1/users/me", token=token).status == 200


def _request(route_key: str, user: User, prompt: dict[str, Any]) -> dict[str, Any]:
    path = route_key.split(" ", 1)[1].format(
        id=prompt["id"],
        n="1",
        username=user.username,
        label="production",
        promptId=prompt["id"],
        shareId="sh_" + "0" * 32,
        token="pvs_" + "0" * 107,
        invitationId="iv_" + "0" * 32,
        userId=user.id,
    )
    request: dict[str, Any] = {"method": route_key.split(" ")[0], "path": path}
    if route_key == "POST /v1/prompts":
        request["body"] = prompt_body()
    if route_key == "PATCH /v1/prompts/{id}":
        request["body"] = {"title": "Edited by a forger"}
        request["headers"] = {"If-Match": prompt["etag"]}
    if route_key.endswith("/diff"):
        request["query"] = {"from": "1", "to": "1"}
    return request


@pytest.fixture(scope="module")
def prompt(user) -> dict[str, Any]:
    return create_prompt(user)


@pytest.mark.parametrize("route", READS_TOKENS, ids=lambda r: r.route_key)
@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_a_bad_token_is_401_on_every_route_that_reads_one(route, kind, user, prompt):
    request = _request(route.route_key, user, prompt)
    token = BAD_TOKENS[kind](claims_of(user.token), user)
    before = table_items()

    reply = call(**request, token=token)

    assert reply.status == 401, reply.body
    assert reply.error["code"] == "UNAUTHORIZED"
    assert table_items() == before


@pytest.mark.parametrize("route", READS_TOKENS, ids=lambda r: r.route_key)
@pytest.mark.parametrize(
    "authorization", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "Token abc", "bearer"]
)
def test_a_malformed_authorization_header_is_401(route, authorization, user, prompt):
    request = _request(route.route_key, user, prompt)

    headers = {**request.pop("headers", {}), "Authorization": authorization}

    reply = call(**request, headers=headers)

    assert reply.status == 401, reply.body
    assert reply.error["code"] == "UNAUTHORIZED"


def test_the_bearer_scheme_is_case_insensitive(user):
    reply = call("GET", "/v1/users/me", headers={"Authorization": f"bearer {user.token}"})

    assert reply.status == 200, reply.body


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.auth == "user"], ids=lambda r: r.route_key
)
def test_routes_for_signed_in_users_are_401_without_a_token(route, user, prompt):
    request = _request(route.route_key, user, prompt)
    before = table_items()

    reply = call(**request)

    assert reply.status == 401, reply.body
    assert reply.error["code"] == "UNAUTHORIZED"
    assert table_items() == before


def test_a_token_of_a_deleted_account_is_401_everywhere_it_is_read():
    """The token is still well signed and unexpired; the account behind it is gone."""
    doomed = sign_up()
    token = doomed.token
    gone = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=token)
    assert gone.status == 204, gone.body

    for route in [r for r in READS_TOKENS if r.auth == "user"][:12]:
        request = _request(route.route_key, doomed, {"id": "p_" + "0" * 32, "etag": '"r1"'})
        reply = call(**request, token=token)
        assert reply.status == 401, (route.route_key, reply.body)
