"""POST /_local/roles {email, role}: the local runtime's way to make a moderator or an admin."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import Account, new_account, prompt_body

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _login(http: httpx.Client, account: Account) -> Account:
    login = http.post("/v1/auth/login", json={"email": account.email, "password": account.password})
    assert login.status_code == 200, login.text
    token = login.json()["data"]["accessToken"]
    return Account(account.email, account.username, account.password, token)


def _archive(http: httpx.Client, moderator: Account, owner: Account) -> httpx.Response:
    created = http.post("/v1/prompts", json=prompt_body(), headers=owner.auth)
    assert created.status_code == 201, created.text
    path = f"/v1/moderation/prompts/{created.json()['data']['id']}/archive"
    return http.post(path, json={"reason": "Spam"}, headers=moderator.auth)


def test_a_moderator_made_locally_can_archive_someones_prompt(http: httpx.Client, owner: Account):
    someone = new_account(http)
    assert _archive(http, someone, owner).status_code == 403

    made = http.post("/_local/roles", json={"email": someone.email, "role": "moderator"})

    assert made.status_code == 200, made.text
    assert made.json()["data"] == {
        "email": someone.email.lower(),
        "username": someone.username,
        "role": "moderator",
    }
    # the role is in the next token, as after PUT /v1/admin/users/{username}/role
    moderator = _login(http, someone)
    archived = _archive(http, moderator, owner)
    assert archived.status_code == 201, archived.text


def test_a_role_set_locally_replaces_the_one_before(http: httpx.Client, owner: Account):
    someone = new_account(http)
    for role in ("admin", "user"):
        made = http.post("/_local/roles", json={"email": someone.email, "role": role})
        assert made.status_code == 200, made.text

    assert _archive(http, _login(http, someone), owner).status_code == 403


def test_an_admin_made_locally_can_set_roles_through_the_api(http: httpx.Client):
    admin, someone = new_account(http), new_account(http)
    assert http.post("/_local/roles", json={"email": admin.email, "role": "admin"}).is_success

    reply = http.put(
        f"/v1/admin/users/{someone.username}/role",
        json={"role": "moderator"},
        headers=_login(http, admin).auth,
    )

    assert reply.status_code == 200, reply.text


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"email": "nobody-here@example.com", "role": "moderator"}, 404, None),
        ({"email": "ada@example.com", "role": "superuser"}, 422, "role"),
        ({"email": "not-an-email", "role": "moderator"}, 422, "email"),
        ({"role": "moderator"}, 422, "email"),
        ({"email": "ada@example.com", "role": "admin", "extra": 1}, 422, "extra"),
        ([{"email": "ada@example.com", "role": "admin"}], 422, "body"),
    ],
    ids=["unknown-email", "unknown-role", "bad-email", "no-email", "unknown-field", "array"],
)
def test_a_bad_role_request_is_refused_in_the_envelope(http: httpx.Client, body, status, field):
    reply = http.post("/_local/roles", json=body)

    assert reply.status_code == status, reply.text
    error = reply.json()["error"]
    assert reply.json()["success"] is False
    if field:
        assert field in [d["field"] for d in error["details"]], error


def test_invalid_json_is_400(http: httpx.Client):
    reply = http.post("/_local/roles", content=b"{", headers={"Content-Type": "application/json"})

    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "BAD_REQUEST"


def test_roles_take_only_post(http: httpx.Client):
    reply = http.get("/_local/roles")

    assert reply.status_code == 405
    assert reply.headers["Allow"] == "POST"


def test_the_roles_endpoint_is_not_in_the_api_document(http: httpx.Client):
    paths = http.get("/openapi.json").json()["paths"]

    assert not [path for path in paths if path.startswith("/_local")]
