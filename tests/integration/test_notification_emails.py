"""Email to creators (issue 11): instant by preference, digests daily and weekly, exactly
once under duplicate delivery, a per-day cap, one-click unsubscribe, suppression on bounce."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from infra.local.outbox import sent_emails
from promptvault.notifications import digests, suppression
from tests.support.api import call
from tests.support.factories import User, create_prompt, sign_up
from tests.support.streams import drain


def _emails_to(user: User) -> list[dict]:
    return [e for e in sent_emails() if user.email in e["to"]]


def _follow(fan: User, user: User) -> None:
    assert call("PUT", f"/v1/users/{user.username}/follow", token=fan.token).status == 200


def _token_of(email: dict) -> str:
    header = email["headers"]["List-Unsubscribe"]
    url = re.search(r"<([^>]+)>", header).group(1)
    return parse_qs(urlsplit(url).query)["token"][0]


def test_a_follow_emails_the_creator_once_with_one_click_unsubscribe():
    creator, fan = sign_up(), sign_up()
    _follow(fan, creator)
    drain()
    drain()  # nothing more: delivered once
    [email] = _emails_to(creator)
    assert fan.username in email["subject"]
    assert email["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email["html"]
    assert email["text"]
    assert _emails_to(fan) == []  # the actor hears nothing


def test_one_click_unsubscribe_stops_the_next_email_and_a_tampered_token_changes_nothing():
    creator, ada, bob = sign_up(), sign_up(), sign_up()
    _follow(ada, creator)
    drain()
    [email] = _emails_to(creator)
    token = _token_of(email)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    refused = call(
        "POST",
        "/v1/email/unsubscribe",
        raw="List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
        query={"token": tampered},
    )
    assert refused.status == 400
    prefs = call("GET", "/v1/users/me/notification-preferences", token=creator.token)
    assert prefs.data["preferences"]["user.followed"]["email"] == "instant"
    done = call(
        "POST",
        "/v1/email/unsubscribe",
        raw="List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
        query={"token": token},
    )
    assert done.status == 200, done.body
    _follow(bob, creator)
    drain()
    assert len(_emails_to(creator)) == 1  # no second email
    listed = call("GET", "/v1/users/me/notifications", token=creator.token).data
    assert listed[0]["count"] == 2  # in-app still on


def test_ratings_wait_for_the_daily_digest_which_goes_out_once():
    creator = sign_up()
    prompt = create_prompt(creator, title="Digest me")
    for _ in range(3):
        fan = sign_up()
        call("PUT", f"/v1/prompts/{prompt['id']}/rating", {"score": 5}, token=fan.token)
    drain()
    assert _emails_to(creator) == []  # ratings: daily by default
    first = digests.handle({"period": "daily"})
    again = digests.handle({"period": "daily"})
    assert first["sent"] >= 1
    assert again["sent"] == 0
    [email] = _emails_to(creator)
    assert "Digest me" in email["text"]
    assert digests.handle({"period": "weekly"})["sent"] == 0  # nothing weekly to say


def test_nothing_to_say_sends_nothing():
    before = len(sent_emails())
    assert digests.handle({"period": "daily"}) == {
        "period": "daily",
        "sent": 0,
        "empty": 0,
        "suppressed": 0,
        "skipped": 0,
    }
    assert len(sent_emails()) == before


def test_a_bounce_suppresses_the_address_and_nothing_more_is_sent():
    creator, ada, bob = sign_up(), sign_up(), sign_up()
    _follow(ada, creator)
    drain()
    assert len(_emails_to(creator)) == 1
    message = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bouncedRecipients": [{"emailAddress": creator.email}],
        },
        "mail": {},
    }
    import json

    event = {"Records": [{"Sns": {"Message": json.dumps(message)}}]}
    assert suppression.handle(event) == {"suppressed": 1}
    me = call("GET", "/v1/users/me", token=creator.token).data
    assert me["emailStatus"]["suppressed"] is True
    assert me["emailStatus"]["reason"] == "bounce"
    assert me["emailStatus"]["howToFix"]
    _follow(bob, creator)
    drain()
    assert len(_emails_to(creator)) == 1  # nothing to a suppressed address


def test_a_transient_bounce_suppresses_nothing():
    person = sign_up()
    message = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Transient",
            "bouncedRecipients": [{"emailAddress": person.email}],
        },
    }
    import json

    assert suppression.handle({"Records": [{"Sns": {"Message": json.dumps(message)}}]}) == {
        "suppressed": 0
    }
    assert (
        call("GET", "/v1/users/me", token=person.token).data["emailStatus"]["suppressed"] is False
    )


def test_the_daily_cap_bounds_instant_emails(monkeypatch: pytest.MonkeyPatch):
    from promptvault.core.settings import get_settings

    monkeypatch.setenv("EMAIL_DAILY_CAP", "2")
    get_settings.cache_clear()
    try:
        creator = sign_up()
        for _ in range(5):
            _follow(sign_up(), creator)
        drain()
        assert len(_emails_to(creator)) == 2  # the rest wait for the daily digest
        digests.handle({"period": "daily"})
        assert len(_emails_to(creator)) == 3
    finally:
        monkeypatch.delenv("EMAIL_DAILY_CAP")
        get_settings.cache_clear()
