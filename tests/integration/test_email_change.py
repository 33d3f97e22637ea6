"""A change of the account's email address (issue 11): asked with the password, verified with
the code Cognito emails to the new address; then sign-in, notifications and the email guard
follow the new address, the old address's suppression and unsubscribe links are gone."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from infra.local.outbox import sent_emails
from promptvault.data.models import UserItem
from promptvault.notifications import suppression
from tests.support.api import Reply, call
from tests.support.factories import PASSWORD, User, sign_up
from tests.support.identity import api_key, ask_email_change, verification_code
from tests.support.streams import drain

CHANGE, VERIFY = "/v1/users/me/email", "/v1/users/me/email/verify"
ONE_CLICK = "List-Unsubscribe=One-Click"
FORM = {"content-type": "application/x-www-form-urlencoded"}


def new_address() -> str:
    return f"n{uuid.uuid4().hex[:12]}@example.org"


def emails_to(address: str) -> list[dict]:
    return [e for e in sent_emails() if address in e["to"]]


def login(email: str) -> Reply:
    return call("POST", "/v1/auth/login", {"email": email, "password": PASSWORD})


def me(user: User) -> dict:
    reply = call("GET", "/v1/users/me", token=user.token)
    assert reply.status == 200, reply.body
    return reply.data


def stored(user: User) -> UserItem:
    return UserItem.get(f"USER#{user.id}", "PROFILE")


def follow(fan: User, user: User) -> None:
    assert call("PUT", f"/v1/users/{user.username}/follow", token=fan.token).status == 200
    drain()


def unsubscribe_token(email: dict) -> str:
    url = re.search(r"<([^>]+)>", email["headers"]["List-Unsubscribe"]).group(1)
    return parse_qs(urlsplit(url).query)["token"][0]


def one_click(token: str) -> Reply:
    return call(
        "POST", "/v1/email/unsubscribe", raw=ONE_CLICK, headers=FORM, query={"token": token}
    )


def verify(user: User, code: str) -> Reply:
    return call("POST", VERIFY, {"code": code}, token=user.token)


def change(user: User, address: str) -> User:
    """The whole flow; the user as they are now (same token: it names the same person)."""
    reply = verify(user, ask_email_change(user, address))
    assert reply.status == 200, reply.body
    return User(user.id, user.username, address, user.token)


def test_the_request_sends_cognitos_code_to_the_new_address_and_changes_nothing_yet():
    person, address = sign_up(), new_address()

    reply = call("PUT", CHANGE, {"email": address, "password": PASSWORD}, token=person.token)

    assert reply.status == 202, reply.body
    assert reply.data == {"email": address, "status": "verification-sent"}
    [code_email] = emails_to(address)
    assert re.search(r"\b\d{6}\b", code_email["text"])
    assert emails_to(person.email) == []  # the old address hears nothing from Cognito
    assert me(person)["email"] == person.email
    assert login(person.email).status == 200  # the old address signs in until verified
    assert login(address).status == 401
    profile = stored(person)
    assert (profile.email, profile.pending_email) == (person.email, address)


def test_the_verified_change_moves_sign_in_and_notification_email_to_the_new_address():
    person, fan, address = sign_up(), sign_up(), new_address()
    old = person.email

    code = ask_email_change(person, address)
    reply = verify(person, code)

    assert reply.status == 200, reply.body
    assert reply.data["email"] == address
    assert reply.data["username"] == person.username
    assert reply.data["emailStatus"]["suppressed"] is False
    assert me(person)["email"] == address
    assert login(address).status == 200
    assert login(old).status == 401
    assert stored(person).pending_email is None
    follow(fan, person)
    [followed] = [e for e in emails_to(address) if fan.username in e["subject"]]
    assert followed["to"] == [address]
    assert emails_to(old) == []


def test_an_address_is_lower_cased_and_trimmed_like_at_sign_up():
    person = sign_up()
    address = new_address()

    reply = call(
        "PUT", CHANGE, {"email": address.upper(), "password": PASSWORD}, token=person.token
    )

    assert reply.status == 202, reply.body
    assert reply.data["email"] == address
    assert verify(person, verification_code(address)).data["email"] == address


def test_the_old_unsubscribe_link_is_refused_after_the_change_and_the_new_one_works():
    person, ada, bob = sign_up(), sign_up(), sign_up()
    follow(ada, person)
    [old_email] = [e for e in emails_to(person.email) if ada.username in e["subject"]]
    old_link = unsubscribe_token(old_email)

    moved = change(person, new_address())

    refused = one_click(old_link)
    assert refused.status == 410, refused.body
    assert refused.error["code"] == "LINK_REVOKED"
    prefs = call("GET", "/v1/users/me/notification-preferences", token=person.token).data
    assert prefs["preferences"]["user.followed"]["email"] == "instant"
    follow(bob, moved)
    [new_email] = [e for e in emails_to(moved.email) if bob.username in e["subject"]]
    assert one_click(unsubscribe_token(new_email)).status == 200


def test_a_suppressed_address_is_cleared_by_the_change():
    person, fan = sign_up(), sign_up()
    assert suppression.suppress(person.email, "bounce")
    assert me(person)["emailStatus"]["suppressed"] is True

    moved = change(person, new_address())

    assert me(moved)["emailStatus"]["suppressed"] is False
    profile = stored(moved)
    assert (profile.email_suppressed_at, profile.email_suppressed_reason) == (None, None)
    follow(fan, moved)
    assert [e for e in emails_to(moved.email) if fan.username in e["subject"]]


def test_an_address_another_account_uses_is_409_and_nothing_is_asked_of_cognito():
    person, other = sign_up(), sign_up()

    reply = call("PUT", CHANGE, {"email": other.email, "password": PASSWORD}, token=person.token)

    assert reply.status == 409, reply.body
    assert reply.error["code"] == "CONFLICT"
    assert reply.error["details"] == [{"field": "email", "message": "taken"}]
    assert emails_to(other.email) == []
    assert stored(person).pending_email is None
    assert me(person)["email"] == person.email


def test_an_address_taken_before_the_code_is_used_is_409_and_nothing_changes():
    person, address = sign_up(), new_address()
    code = ask_email_change(person, address)
    newcomer = sign_up_as(address)

    reply = verify(person, code)

    assert reply.status == 409, reply.body
    assert reply.error["details"] == [{"field": "email", "message": "taken"}]
    assert me(person)["email"] == person.email
    assert login(person.email).status == 200
    assert login(address).status == 200  # the newcomer's account
    assert login(address).data["accessToken"] != person.token
    assert me(newcomer)["email"] == address


def sign_up_as(address: str) -> User:
    username = f"u{uuid.uuid4().hex[:10]}"
    body = {"email": address, "password": PASSWORD, "username": username}
    created = call("POST", "/v1/auth/signup", body)
    assert created.status == 201, created.body
    token = login(address).data["accessToken"]
    return User(created.data["id"], username, address, token)


def test_the_current_address_is_422():
    person = sign_up()

    reply = call("PUT", CHANGE, {"email": person.email, "password": PASSWORD}, token=person.token)

    assert reply.status == 422, reply.body
    assert reply.error["details"][0]["field"] == "email"


def test_a_wrong_password_is_401_and_no_code_is_sent():
    person, address = sign_up(), new_address()

    reply = call("PUT", CHANGE, {"email": address, "password": "Wrong-Horse-9"}, person.token)

    assert reply.status == 401, reply.body
    assert emails_to(address) == []
    assert stored(person).pending_email is None


def test_a_wrong_code_is_400_and_nothing_changes_and_the_right_one_still_works():
    person, address = sign_up(), new_address()
    code = ask_email_change(person, address)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    reply = verify(person, wrong)

    assert reply.status == 400, reply.body
    assert reply.error["code"] == "INVALID_CODE"
    assert reply.error["details"][0]["field"] == "code"
    assert me(person)["email"] == person.email
    assert login(address).status == 401
    assert verify(person, code).status == 200


def test_a_code_with_no_change_waiting_is_400():
    person = sign_up()

    reply = verify(person, "123456")

    assert reply.status == 400, reply.body
    assert reply.error["code"] == "INVALID_CODE"


def test_a_change_whose_time_ran_out_is_400_and_nothing_changes():
    person, address = sign_up(), new_address()
    code = ask_email_change(person, address)
    UserItem(f"USER#{person.id}", "PROFILE").update(
        actions=[UserItem.pending_email_until.set("2000-01-01T00:00:00.000Z")]
    )

    reply = verify(person, code)

    assert reply.status == 400, reply.body
    assert me(person)["email"] == person.email


def test_a_second_request_replaces_the_first():
    person, first, second = sign_up(), new_address(), new_address()
    first_code = ask_email_change(person, first)
    second_code = ask_email_change(person, second)

    if first_code != second_code:  # the first code is Cognito's no more
        assert verify(person, first_code).status == 400
    assert verify(person, second_code).data["email"] == second
    assert sign_up_as(first).email == first  # never the account's: free


def test_the_old_address_can_sign_up_again_and_the_new_one_cannot():
    person = sign_up()
    old = person.email
    moved = change(person, new_address())

    again = sign_up_as(old)
    taken = call(
        "POST",
        "/v1/auth/signup",
        {"email": moved.email, "password": PASSWORD, "username": f"u{uuid.uuid4().hex[:10]}"},
    )

    assert me(again)["email"] == old
    assert taken.status == 409, taken.body
    assert taken.error["details"] == [{"field": "email", "message": "taken"}]


def test_deleting_the_account_after_a_change_frees_the_new_address():
    moved = change(sign_up(), new_address())

    gone = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=moved.token)

    assert gone.status == 204, gone.body
    assert login(moved.email).status == 401
    assert me(sign_up_as(moved.email))["email"] == moved.email


@pytest.mark.parametrize(
    ("method", "path", "body"), [("PUT", CHANGE, None), ("POST", VERIFY, None)]
)
def test_an_api_key_may_not_change_the_address(method, path, body):
    person = sign_up()
    key = api_key(person, ("read", "write"))["key"]
    payload = (
        {"email": new_address(), "password": PASSWORD} if method == "PUT" else {"code": "1234"}
    )

    reply = call(method, path, body or payload, token=key)

    assert reply.status == 403, reply.body
    assert me(person)["email"] == person.email


def test_the_moto_addition_is_written_for_this_moto():
    """infra/local/moto_cognito.py adds VerifyUserAttribute and keeps a changed email waiting
    for its code; re-read moto's cognitoidp when moto changes (it may do both itself)."""
    from importlib.metadata import version

    from infra.local import moto_cognito

    assert version("moto") == moto_cognito.MOTO_VERSION
    assert moto_cognito.installed()
