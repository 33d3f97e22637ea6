"""Email to creators (issue 11), in moto: preferences with their defaults, one SES send per
email read back by the local outbox, and the unsubscribe link of a real email followed end to
end, as a person (the page, then its button) and as a mail provider (RFC 8058 one-click)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from bench.counting import counting_aws_calls
from infra.local.outbox import sent_emails
from promptvault.core.errors import ValidationFailed
from promptvault.core.settings import get_settings
from promptvault.email import compose, preferences, repository, sender
from promptvault.email.compose import Notice, Recipient
from promptvault.email.preferences import DEFAULTS, Change, Preference
from promptvault.email.tokens import unsubscribe_token
from promptvault.web.envelope import FORM
from tests.support.api import Reply, call
from tests.support.factories import PASSWORD, User, sign_up
from tests.support.settings import stage_env

ONE_CLICK = "List-Unsubscribe=One-Click"
PREFERENCES = "/v1/users/me/notification-preferences"


def items() -> int:
    table = boto3.client("dynamodb").describe_table(TableName=get_settings().table_name)
    return int(table["Table"]["ItemCount"])


def recipient(user: User) -> Recipient:
    return Recipient(user_id=user.id, username=user.username, email=user.email)


def rated(user: User, category: str = "prompt.rated", epoch: int = 0) -> compose.Email:
    """The email a rating of the user's prompt sends."""
    notice = Notice(
        type="prompt.rated",
        actors=["ada"],
        count=3,
        target_title="Summarise a meeting",
        link=f"{get_settings().public_url}/v1/prompts/p_{'0' * 32}",
    )
    return compose.notification_email(recipient(user), notice, category, epoch)


def token_of(link: str) -> str:
    (token,) = parse_qs(urlsplit(link).query)["token"]
    return token


def open_link(token: str) -> Reply:
    return call("GET", "/v1/email/unsubscribe", query={"token": token})


def one_click(token: str, raw: str = ONE_CLICK, **headers: str) -> Reply:
    sent = {"content-type": FORM, **headers}
    return call("POST", "/v1/email/unsubscribe", query={"token": token}, headers=sent, raw=raw)


def email_modes(user: User) -> dict[str, str]:
    reply = call("GET", PREFERENCES, token=user.token)
    assert reply.status == 200, reply.body
    return {kind: choice["email"] for kind, choice in reply.data["preferences"].items()}


# --- sending --------------------------------------------------------------------------------


def test_one_email_is_one_ses_v2_send_email_call():
    email = rated(sign_up())

    with counting_aws_calls() as counter:
        message_id = sender.send("grace@example.com", email)

    assert counter.snapshot() == {"SendEmail": 1}
    assert message_id


def test_what_was_sent_reads_back_in_the_local_outbox_as_text_html_and_headers():
    email = rated(sign_up())

    message_id = sender.send("grace@example.com", email)

    (sent,) = [m for m in sent_emails() if m["id"] == message_id]
    assert sent["raw"] is True
    assert sent["from"] == get_settings().email_sender
    assert sent["to"] == ["grace@example.com"]
    assert sent["subject"] == email.subject == "ada and 2 others rated “Summarise a meeting”"
    assert sent["text"].replace("\r\n", "\n") == email.text
    assert sent["html"].replace("\r\n", "\n") == email.html
    assert sent["headers"]["List-Unsubscribe"] == email.headers["List-Unsubscribe"]
    assert sent["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent["headers"]["From"] == get_settings().email_sender


def test_the_message_is_multipart_alternative_with_the_text_first():
    message = sender.mime("grace@example.com", rated(sign_up()))

    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in message.iter_parts())


def sent_arguments(**env: str) -> dict[str, Any]:
    seen: list[dict[str, Any]] = []

    def listen(model: Any, request: dict[str, Any]) -> None:
        if model.name == "SendEmail":
            seen.append(json.loads(request["body"]))

    with stage_env(**env), counting_aws_calls(listen):
        sender.send("grace@example.com", rated(sign_up()))
    (arguments,) = seen
    return arguments


def test_the_stage_configuration_set_is_named_when_there_is_one():
    arguments = sent_arguments(EMAIL_CONFIGURATION_SET="promptvault-test-email")

    assert arguments["ConfigurationSetName"] == "promptvault-test-email"
    assert arguments["Destination"] == {"ToAddresses": ["grace@example.com"]}
    assert set(arguments["Content"]) == {"Raw"}


def test_no_configuration_set_is_named_when_the_stage_has_none():
    assert "ConfigurationSetName" not in sent_arguments(EMAIL_CONFIGURATION_SET="")


# --- preferences ----------------------------------------------------------------------------


def test_a_person_who_never_chose_has_the_issues_defaults():
    chosen = preferences.load(sign_up().id)

    assert chosen.token_epoch == 0
    assert chosen.by_type == {
        "prompt.rated": Preference(in_app=True, email="daily"),
        "prompt.bookmarked": Preference(in_app=True, email="daily"),
        "prompt.forked": Preference(in_app=True, email="instant"),
        "user.followed": Preference(in_app=True, email="instant"),
        # comments (issue 12)
        "comment.created": Preference(in_app=True, email="instant"),
        "comment.replied": Preference(in_app=True, email="instant"),
        "user.mentioned": Preference(in_app=True, email="instant"),
    }
    assert chosen.of("prompt.version.created") == Preference(in_app=False, email="off")


def test_loading_is_one_get_item():
    user = sign_up()

    with counting_aws_calls() as counter:
        preferences.load(user.id)

    assert counter.snapshot() == {"GetItem": 1}


def test_a_change_keeps_what_it_does_not_name():
    user = sign_up()
    preferences.update(user.id, {"prompt.rated": Change(email="weekly")})

    after = preferences.update(user.id, {"prompt.rated": Change(in_app=False)})

    assert after.of("prompt.rated") == Preference(in_app=False, email="weekly")
    assert after.of("user.followed") == DEFAULTS["user.followed"]
    assert preferences.load(user.id) == after


def test_a_change_to_what_is_already_stored_writes_nothing():
    user = sign_up()
    preferences.update(user.id, {"prompt.rated": Change(email="off")})

    with counting_aws_calls() as counter:
        preferences.update(user.id, {"prompt.rated": Change(email="off")})

    assert counter.snapshot() == {"GetItem": 1}


def test_an_unknown_type_or_mode_is_refused_and_writes_nothing():
    user = sign_up()
    before = items()

    for changes in (
        {"prompt.commented": Change(email="off")},
        {"prompt.rated": Change(email="hourly")},  # type: ignore[arg-type]
    ):
        with pytest.raises(ValidationFailed):
            preferences.update(user.id, changes)

    assert items() == before


def test_a_change_racing_another_is_applied_on_top_of_it(monkeypatch):
    user = sign_up()
    real_save = repository.save
    raced: list[bool] = []

    def save_after_a_rival(item: Any, read_revision: int) -> None:
        if not raced:
            raced.append(True)
            preferences.update(user.id, {"user.followed": Change(in_app=False)})
        real_save(item, read_revision)

    monkeypatch.setattr(repository, "save", save_after_a_rival)

    after = preferences.update(user.id, {"prompt.rated": Change(email="weekly")})

    assert after.of("prompt.rated").email == "weekly"
    assert after.of("user.followed").in_app is False
    assert preferences.load(user.id) == after


def test_account_deletion_takes_the_preferences_along():
    user = sign_up()
    preferences.update(user.id, {"prompt.rated": Change(email="off")})
    assert repository.get(user.id) is not None

    gone = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token)

    assert gone.status == 204, gone.body
    assert repository.get(user.id) is None


# --- unsubscribing ----------------------------------------------------------------------------


def test_unsubscribing_from_a_type_turns_its_email_off_and_nothing_else():
    user = sign_up()

    assert preferences.unsubscribe(user.id, "user.followed", 0) is True

    after = preferences.load(user.id)
    assert after.of("user.followed") == Preference(in_app=True, email="off")
    assert after.of("prompt.forked") == DEFAULTS["prompt.forked"]


def test_unsubscribing_from_a_digest_turns_off_every_type_of_that_period():
    user = sign_up()
    preferences.update(user.id, {"prompt.forked": Change(email="weekly")})

    assert preferences.unsubscribe(user.id, "digest:daily", 0) is True

    assert {kind: choice.email for kind, choice in preferences.load(user.id).by_type.items()} == {
        "prompt.rated": "off",
        "prompt.bookmarked": "off",
        "prompt.forked": "weekly",
        "user.followed": "instant",
        "comment.created": "instant",
        "comment.replied": "instant",
        "user.mentioned": "instant",
    }
    assert preferences.unsubscribe(user.id, "digest:weekly", 0) is True
    assert preferences.load(user.id).of("prompt.forked").email == "off"


def test_unsubscribing_again_answers_the_same_and_writes_nothing():
    user = sign_up()
    assert preferences.unsubscribe(user.id, "prompt.rated", 0)

    with counting_aws_calls() as counter:
        again = preferences.unsubscribe(user.id, "prompt.rated", 0)

    assert again is True
    assert counter.snapshot() == {"GetItem": 1}


def test_unsubscribing_is_one_read_and_one_conditional_write():
    user = sign_up()

    with counting_aws_calls() as counter:
        preferences.unsubscribe(user.id, "prompt.forked", 0)

    assert counter.snapshot() == {"GetItem": 1, "TransactWriteItems": 1}


def test_revoking_the_links_stops_every_older_link_and_keeps_the_choices():
    user = sign_up()
    preferences.update(user.id, {"prompt.rated": Change(email="weekly")})

    assert preferences.revoke_links(user.id) == 1
    before = items()

    assert preferences.unsubscribe(user.id, "prompt.forked", 0) is False
    assert items() == before
    assert preferences.load(user.id).of("prompt.forked").email == "instant"
    assert preferences.load(user.id).of("prompt.rated").email == "weekly"
    assert preferences.unsubscribe(user.id, "prompt.forked", 1) is True


def test_a_revocation_racing_an_unsubscribe_wins(monkeypatch):
    user = sign_up()
    real = repository.save_while_account_exists
    raced: list[bool] = []

    def revoked_first(item: Any, read_revision: int) -> None:
        if not raced:
            raced.append(True)
            preferences.revoke_links(user.id)
        real(item, read_revision)

    monkeypatch.setattr(repository, "save_while_account_exists", revoked_first)

    assert preferences.unsubscribe(user.id, "prompt.forked", 0) is False
    assert preferences.load(user.id).of("prompt.forked").email == "instant"


def test_a_link_of_a_deleted_account_brings_nothing_back():
    user = sign_up()
    assert call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token).status == 204
    before = items()

    assert preferences.unsubscribe(user.id, "prompt.forked", 0) is False

    assert items() == before
    assert repository.get(user.id) is None


# --- over HTTP: the preferences endpoints ------------------------------------------------------


def test_the_preferences_endpoint_answers_every_type_with_the_defaults():
    reply = call("GET", PREFERENCES, token=sign_up().token)

    assert reply.status == 200, reply.body
    assert reply.data == {
        "preferences": {
            "prompt.rated": {"inApp": True, "email": "daily"},
            "prompt.bookmarked": {"inApp": True, "email": "daily"},
            "prompt.forked": {"inApp": True, "email": "instant"},
            "user.followed": {"inApp": True, "email": "instant"},
            "comment.created": {"inApp": True, "email": "instant"},
            "comment.replied": {"inApp": True, "email": "instant"},
            "user.mentioned": {"inApp": True, "email": "instant"},
        }
    }


def test_a_change_over_http_answers_and_keeps_every_type():
    user = sign_up()
    body = {"preferences": {"prompt.rated": {"email": "off", "inApp": False}}}

    changed = call("PUT", PREFERENCES, body, token=user.token)

    assert changed.status == 200, changed.body
    assert changed.data["preferences"]["prompt.rated"] == {"inApp": False, "email": "off"}
    assert len(changed.data["preferences"]) == 7
    assert call("GET", PREFERENCES, token=user.token).data == changed.data


def test_another_persons_preferences_are_never_reached():
    one, other = sign_up(), sign_up()
    call("PUT", PREFERENCES, {"preferences": {"prompt.rated": {"email": "off"}}}, token=one.token)

    assert email_modes(other)["prompt.rated"] == "daily"


# --- over HTTP: the link of a real email ---------------------------------------------------


def sent_link(user: User, category: str = "prompt.rated") -> str:
    """The List-Unsubscribe link of an email sent to the user, as their mailbox has it."""
    message_id = sender.send(user.email, rated(user, category))
    (sent,) = [m for m in sent_emails() if m["id"] == message_id]
    return str(sent["headers"]["List-Unsubscribe"]).strip("<>")


def test_opening_the_link_shows_what_it_stops_and_changes_nothing():
    user = sign_up()
    link = sent_link(user)
    before = items()

    page = open_link(token_of(link))

    assert page.status == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Unsubscribe from emails about ratings of your prompts?" in page.body
    assert f'action="?token={token_of(link)}"' in page.body
    assert 'name="List-Unsubscribe" value="One-Click"' in page.body
    assert items() == before
    assert email_modes(user)["prompt.rated"] == "daily"


def test_the_page_works_under_its_content_security_policy():
    page = open_link(unsubscribe_token(sign_up().id, "prompt.rated", 0))
    policy = page.headers["Content-Security-Policy"]

    assert "default-src 'none'" in policy
    assert "form-action 'self'" in policy  # its one form posts back to the same link
    assert "frame-ancestors 'none'" in policy  # no site can frame the button
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"  # the token never leaks onwards
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    for blocked in ("<script", "<style", "style=", "<link", "<img", "<iframe", " on"):
        assert blocked not in page.body.lower()


def test_the_pages_button_unsubscribes():
    """What a browser posts for the page's form: the same link, the one-click field."""
    user = sign_up()
    token = token_of(sent_link(user))

    done = one_click(token, **{"accept": "text/html,application/xhtml+xml"})

    assert done.status == 200, done.body
    assert done.data == {"category": "prompt.rated", "email": "off"}
    assert done.headers["Cache-Control"] == "no-store"
    assert email_modes(user)["prompt.rated"] == "off"


def test_a_mail_providers_one_click_post_unsubscribes_without_signing_in():
    user = sign_up()
    token = token_of(sent_link(user, "digest:daily"))

    done = one_click(token, authorization="Bearer not-a-token")  # public: never read

    assert done.status == 200, done.body
    assert done.data == {"category": "digest:daily", "email": "off"}
    modes = email_modes(user)
    assert (modes["prompt.rated"], modes["prompt.bookmarked"]) == ("off", "off")
    assert (modes["prompt.forked"], modes["user.followed"]) == ("instant", "instant")


def test_posting_the_same_link_again_answers_the_same_and_writes_nothing():
    user = sign_up()
    token = token_of(sent_link(user))
    first = one_click(token)
    before = items()

    again = one_click(token)

    assert (again.status, again.data) == (first.status, first.data)
    assert items() == before


def test_a_revoked_link_is_410_and_writes_nothing():
    user = sign_up()
    token = token_of(sent_link(user))
    preferences.revoke_links(user.id)
    before = items()

    refused = one_click(token)

    assert refused.status == 410, refused.body
    assert refused.error["code"] == "LINK_REVOKED"
    assert items() == before
    assert email_modes(user)["prompt.rated"] == "daily"


def test_the_link_of_a_deleted_account_is_410_and_leaves_no_trace():
    user = sign_up()
    token = token_of(sent_link(user))
    assert call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=user.token).status == 204
    before = items()

    refused = one_click(token)

    assert refused.status == 410, refused.body
    assert items() == before
    assert repository.get(user.id) is None


def test_a_tampered_link_is_400_as_json_when_posted_and_as_a_page_when_opened():
    token = unsubscribe_token(sign_up().id, "prompt.rated", 0)
    altered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    posted, opened = one_click(altered), open_link(altered)

    assert posted.status == 400
    assert posted.error["code"] == "INVALID_TOKEN"
    assert opened.status == 400
    assert opened.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "This link does not work" in opened.body
    assert "Content-Security-Policy" in opened.headers


def test_a_json_answer_carries_no_page_policy():
    reply = call("GET", PREFERENCES, token=sign_up().token)

    assert "Content-Security-Policy" not in reply.headers


def test_a_stage_without_a_sender_sends_nothing():
    email = rated(sign_up())

    with stage_env(EMAIL_SENDER=""), counting_aws_calls() as counter:
        message_id = sender.send("grace@example.com", email)

    assert message_id == ""
    assert counter.snapshot() == {}
