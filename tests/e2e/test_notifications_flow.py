"""Creators hear about it, end to end on the local runtime (issue 11): others rate, follow and
fork; the creator's unread count rises, the grouped notification reads right, each email
arrives in the outbox once, one-click unsubscribe stops the next one, and a simulated bounce
suppresses the address."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.conftest import Account, new_account, prompt_body

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def until(check: Callable[[], Any], seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {check.__doc__ or check}")


def emails_to(http: httpx.Client, account: Account) -> list[dict[str, Any]]:
    return [
        sent
        for sent in http.get("/_local/outbox").json()
        if account.email.lower() in {to.lower() for to in sent["to"]}
    ]


def notifications(http: httpx.Client, account: Account) -> dict[str, dict[str, Any]]:
    reply = http.get("/v1/users/me/notifications", headers=account.auth)
    assert reply.status_code == 200, reply.text
    return {item["type"]: item for item in reply.json()["data"]}


def test_the_creator_hears_once_can_unsubscribe_and_a_bounce_suppresses(http: httpx.Client):
    creator = new_account(http)
    created = http.post(
        "/v1/prompts", json=prompt_body(title="Summarise a meeting"), headers=creator.auth
    )
    assert created.status_code == 201, created.text
    pid = created.json()["data"]["id"]
    ada, bob = new_account(http), new_account(http)
    for fan in (ada, bob):
        rated = http.put(f"/v1/prompts/{pid}/rating", json={"score": 5}, headers=fan.auth)
        assert rated.status_code == 200, rated.text
    assert http.put(f"/v1/users/{creator.username}/follow", headers=ada.auth).status_code == 200
    forked = http.post(f"/v1/prompts/{pid}/fork", json={}, headers=bob.auth)
    assert forked.status_code == 201, forked.text

    def three_unread() -> bool:
        reply = http.get("/v1/users/me/notifications/unread-count", headers=creator.auth)
        return reply.json()["data"]["unread"] == 3

    until(three_unread)
    seen = notifications(http, creator)
    assert seen["prompt.rated"]["text"] == f"{bob.username} and 1 other rated “Summarise a meeting”"
    assert seen["prompt.rated"]["count"] == 2
    assert seen["user.followed"]["text"] == f"{ada.username} followed you"

    # follows and forks: at once, one email each; ratings wait for the daily digest
    until(lambda: len(emails_to(http, creator)) == 2)
    time.sleep(1)
    subjects = sorted(e["subject"] for e in emails_to(http, creator))
    assert len(subjects) == 2
    assert emails_to(http, ada) == []
    assert emails_to(http, bob) == []

    # one click on the fork email's link: the next fork sends nothing, in-app still counts it
    [fork_email] = [e for e in emails_to(http, creator) if "forked" in e["subject"]]
    link = urlsplit(fork_email["headers"]["List-Unsubscribe"].strip("<>"))
    done = http.post(
        f"{link.path}?{link.query}", content=b"List-Unsubscribe=One-Click", headers=FORM
    )
    assert done.status_code == 200, done.text
    cy = new_account(http)
    assert http.post(f"/v1/prompts/{pid}/fork", json={}, headers=cy.auth).status_code == 201
    until(lambda: notifications(http, creator)["prompt.forked"]["count"] == 2)
    assert len(emails_to(http, creator)) == 2

    # the daily digest: one email for the two ratings
    digest = http.post("/_local/schedules/daily")
    assert digest.status_code == 200, digest.text
    assert len(emails_to(http, creator)) == 3

    # SES reports a bounce: the address is suppressed, the profile says so, nothing more is sent
    bounced = http.post("/_local/email/feedback", json={"type": "Bounce", "email": creator.email})
    assert bounced.status_code == 200, bounced.text
    me = http.get("/v1/users/me", headers=creator.auth).json()["data"]
    assert me["emailStatus"]["suppressed"] is True
    dee = new_account(http)
    assert http.put(f"/v1/users/{creator.username}/follow", headers=dee.auth).status_code == 200
    until(lambda: notifications(http, creator)["user.followed"]["count"] == 2)
    assert len(emails_to(http, creator)) == 3
