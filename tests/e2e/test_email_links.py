"""An email's unsubscribe link over HTTP, on the local runtime: someone follows a creator, the
notifier emails them at once (follows are ``instant`` by default), and the List-Unsubscribe
link of that email, read back from the local outbox, opens its page and unsubscribes with the
one-click form a mail provider posts (docs/email.md)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.conftest import Account, new_account

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

ONE_CLICK = b"List-Unsubscribe=One-Click"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def email_to(http: httpx.Client, account: Account, seconds: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        mine = [
            sent
            for sent in http.get("/_local/outbox").json()
            if account.email.lower() in {to.lower() for to in sent["to"]}
        ]
        if mine:
            return mine[-1]
        time.sleep(0.25)
    raise AssertionError(f"no email reached {account.email} within {seconds} s")


def link_of(sent: dict[str, Any]) -> str:
    """The List-Unsubscribe link, as a path on this runtime."""
    link = urlsplit(sent["headers"]["List-Unsubscribe"].strip("<>"))
    return f"{link.path}?{link.query}"


@pytest.fixture(scope="module")
def followed(http: httpx.Client) -> tuple[Account, dict[str, Any]]:
    creator, fan = new_account(http), new_account(http)
    followed = http.put(f"/v1/users/{creator.username}/follow", headers=fan.auth)
    assert followed.status_code == 200, followed.text
    return creator, email_to(http, creator)


def test_the_email_carries_one_click_headers_and_both_parts(followed):
    _, sent = followed

    assert sent["subject"].endswith("followed you")
    assert sent["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/v1/email/unsubscribe?token=" in sent["headers"]["List-Unsubscribe"]
    assert sent["text"]
    assert sent["html"]
    assert link_of(sent).split("token=")[1] in sent["html"]


def test_the_link_opens_a_page_under_its_policy_and_one_click_unsubscribes(http, followed):
    creator, sent = followed
    link = link_of(sent)

    page = http.get(link)
    done = http.post(link, content=ONE_CLICK, headers=FORM)  # no sign-in, as Gmail posts it
    again = http.post(link, content=ONE_CLICK, headers=FORM)
    choices = http.get("/v1/users/me/notification-preferences", headers=creator.auth)

    assert page.status_code == 200, page.text
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "form-action 'self'" in page.headers["content-security-policy"]
    assert "Unsubscribe from emails about new followers?" in page.text
    assert done.status_code == 200, done.text
    assert done.json()["data"] == {"category": "user.followed", "email": "off"}
    assert again.json() == done.json()
    assert choices.json()["data"]["preferences"]["user.followed"] == {
        "inApp": True,
        "email": "off",
    }


def test_an_altered_link_is_refused_and_json_is_not_a_form(http, followed):
    _, sent = followed
    link = link_of(sent)

    altered = http.post(link[:-4] + "AAAA", content=ONE_CLICK, headers=FORM)
    as_json = http.post(link, json={"List-Unsubscribe": "One-Click"})
    page = http.get(link[:-4] + "AAAA")

    assert altered.status_code == 400, altered.text
    assert altered.json()["error"]["code"] == "INVALID_TOKEN"
    assert as_json.status_code == 415, as_json.text
    assert page.status_code == 400
    assert page.headers["content-type"] == "text/html; charset=utf-8"
