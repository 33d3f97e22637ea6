"""Accounts: unique usernames and emails, the password policy, login, refresh and reset."""

from __future__ import annotations

import uuid

import boto3
import pytest

from promptvault.core.settings import get_settings
from tests.support.api import call
from tests.support.factories import PASSWORD, sign_up


def new_name() -> str:
    return f"u{uuid.uuid4().hex[:12]}"


def pool_users() -> int:
    pages = (
        boto3.client("cognito-idp")
        .get_paginator("list_users")
        .paginate(UserPoolId=get_settings().user_pool_id)
    )
    return sum(len(page["Users"]) for page in pages)


def table_items() -> int:
    # moto keeps ItemCount live (AWS refreshes it every few hours), and unlike a Scan it
    # costs the same however big the shared table has grown.
    table = boto3.client("dynamodb").describe_table(TableName=get_settings().table_name)
    return table["Table"]["ItemCount"]


def signup(email: str, username: str, password: str = PASSWORD):
    return call(
        "POST", "/v1/auth/signup", {"email": email, "password": password, "username": username}
    )


def test_a_new_account_is_created_confirmed_and_can_log_in():
    name = new_name()

    created = signup(f"{name}@example.com", name)

    assert created.status == 201, created.body
    assert created.data["username"] == name
    assert created.data["confirmed"] is True
    login = call("POST", "/v1/auth/login", {"email": f"{name}@example.com", "password": PASSWORD})
    assert login.status == 200, login.body
    assert set(login.data) >= {"accessToken", "idToken", "refreshToken", "expiresIn"}


def test_a_taken_username_is_409_and_creates_nobody():
    taken = sign_up()
    before = (table_items(), pool_users())

    reply = signup(f"{new_name()}@example.com", taken.username)

    assert reply.status == 409, reply.body
    assert reply.error["code"] == "CONFLICT"
    assert reply.error["details"] == [{"field": "username", "message": "taken"}]
    assert (table_items(), pool_users()) == before


@pytest.mark.parametrize("spelling", [str.upper, str.title, lambda e: e])
def test_a_taken_email_in_any_case_is_409_and_creates_nobody(spelling):
    taken = sign_up()
    before = (table_items(), pool_users())

    reply = signup(spelling(taken.email), new_name())

    assert reply.status == 409, reply.body
    assert reply.error["details"] == [{"field": "email", "message": "taken"}]
    assert (table_items(), pool_users()) == before


def test_emails_are_stored_lower_case():
    name = new_name()

    reply = signup(f"{name.upper()}@Example.COM", name)

    assert reply.data["email"] == f"{name}@example.com"


@pytest.mark.parametrize(
    "password", ["alllowercase1!", "ALLUPPERCASE1!", "NoDigitsHere!", "NoSymbols123", "Sh0rt!"]
)
def test_a_weak_password_is_422_and_creates_nobody(password):
    before = (table_items(), pool_users())

    reply = signup(f"{new_name()}@example.com", new_name(), password)

    assert reply.status == 422, reply.body
    assert "password" in [d["field"] for d in reply.error["details"]]
    assert (table_items(), pool_users()) == before


def test_a_weak_password_does_not_keep_the_username_reserved():
    name = new_name()
    assert signup(f"{name}@example.com", name, "weakpassword").status == 422

    reply = signup(f"{name}@example.com", name)

    assert reply.status == 201, reply.body


def test_login_with_a_wrong_password_is_401():
    user = sign_up()

    reply = call("POST", "/v1/auth/login", {"email": user.email, "password": "Wrong-Horse-9"})

    assert reply.status == 401, reply.body
    assert reply.error["code"] == "UNAUTHORIZED"


def test_login_for_an_unknown_email_looks_like_a_wrong_password():
    user = sign_up()
    wrong = call("POST", "/v1/auth/login", {"email": user.email, "password": "Wrong-Horse-9"})

    unknown = call(
        "POST", "/v1/auth/login", {"email": "nobody@example.com", "password": "Wrong-Horse-9"}
    )

    assert (unknown.status, unknown.body) == (wrong.status, wrong.body)


def test_login_ignores_the_case_of_the_email():
    user = sign_up()

    reply = call("POST", "/v1/auth/login", {"email": user.email.upper(), "password": PASSWORD})

    assert reply.status == 200, reply.body


def test_a_refresh_token_buys_a_working_access_token():
    user = sign_up()
    login = call("POST", "/v1/auth/login", {"email": user.email, "password": PASSWORD})

    refreshed = call("POST", "/v1/auth/refresh", {"refreshToken": login.data["refreshToken"]})

    assert refreshed.status == 200, refreshed.body
    me = call("GET", "/v1/users/me", token=refreshed.data["accessToken"])
    assert me.data["id"] == user.id


def test_an_unknown_refresh_token_is_401():
    reply = call("POST", "/v1/auth/refresh", {"refreshToken": str(uuid.uuid4())})

    assert reply.status == 401, reply.body


@pytest.mark.parametrize("known", [True, False], ids=["known-email", "unknown-email"])
def test_forgot_password_answers_202_whether_or_not_the_account_exists(known):
    email = sign_up().email if known else f"{new_name()}@example.com"

    reply = call("POST", "/v1/auth/forgot-password", {"email": email})

    assert reply.status == 202, reply.body
    assert reply.data["message"] == "If an account exists, a reset code was sent"


def test_categories_are_reference_data_with_their_fields():
    reply = call("GET", "/v1/categories")

    assert reply.status == 200, reply.body
    assert reply.data
    slugs = {c["slug"] for c in reply.data}
    for category in reply.data:
        assert set(category) == {
            "slug", "name", "description", "icon", "color", "parent", "promptCount"
        }  # fmt: skip
        assert isinstance(category["promptCount"], int)
        assert category["parent"] is None or category["parent"] in slugs
    assert len(slugs) == len(reply.data)


def test_models_are_reference_data_with_their_fields():
    reply = call("GET", "/v1/models")

    assert reply.status == 200, reply.body
    assert reply.data
    for model in reply.data:
        assert set(model) == {"slug", "name", "provider"}
    assert len({m["slug"] for m in reply.data}) == len(reply.data)
