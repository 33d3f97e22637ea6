"""Reports and the moderation queue (issue 12): one open report per person and target; three
people hide a prompt pending review; moderators resolve from the queue, the action is applied
and recorded, and each reporter learns the outcome."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import boto3
import pytest

from promptvault.core import settings as settings_module
from promptvault.core.settings import get_settings
from tests.support.api import Reply, call
from tests.support.factories import PASSWORD, User, create_prompt, sign_up
from tests.support.identity import with_role
from tests.support.streams import drain


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


@pytest.fixture(scope="module")
def moderator() -> User:
    return with_role("moderator")


def public_prompt(user: User) -> dict[str, Any]:
    return create_prompt(user, title=f"Reported prompt {uuid.uuid4().hex[:8]}")


def report(user: User, target_id: str, target_type: str = "prompt", **extra: Any) -> Reply:
    body = {"targetType": target_type, "targetId": target_id, "reason": "spam", **extra}
    return call("POST", "/v1/reports", body, token=user.token)


def reported_by(count: int, prompt: dict[str, Any]) -> list[User]:
    people = [sign_up() for _ in range(count)]
    for person in people:
        reply = report(person, prompt["id"], details="Links to a casino in every line")
        assert reply.status == 201, reply.body
    return people


def read(user: User | None, prompt: dict[str, Any]) -> Reply:
    return call("GET", f"/v1/prompts/{prompt['id']}", token=user.token if user else None)


def queue(moderator: User, status: str = "open") -> list[dict[str, Any]]:
    reply = call(
        "GET",
        "/v1/moderation/reports",
        token=moderator.token,
        query={"status": status, "limit": "100"},
    )
    assert reply.status == 200, reply.body
    return reply.data


def resolve(moderator: User, report_id: str, action: str, note: str = "Reviewed") -> Reply:
    path = f"/v1/moderation/reports/{report_id}/resolve"
    return call("POST", path, {"action": action, "note": note}, token=moderator.token)


def open_report_of(moderator: User, target_id: str) -> dict[str, Any]:
    return next(r for r in queue(moderator) if r["targetId"] == target_id)


def test_a_report_is_filed_once_per_person_and_target(owner):
    prompt = public_prompt(owner)
    someone = sign_up()

    first = report(someone, prompt["id"], details="Spam links")
    again = report(someone, prompt["id"], reason="abuse")

    assert first.status == 201, first.body
    assert first.data["status"] == "open"
    assert (first.data["targetType"], first.data["targetId"]) == ("prompt", prompt["id"])
    assert again.status == 409
    assert again.error["details"][0]["field"] == "targetId"


def test_nobody_reports_their_own_content_or_what_they_cannot_see(owner):
    mine = public_prompt(owner)
    private = create_prompt(owner, visibility="private")
    someone = sign_up()

    own = report(owner, mine["id"])
    hidden = report(someone, private["id"])
    unknown = report(someone, "p_" + "0" * 32)
    nobody = report(someone, "0" * 36, target_type="user")

    assert own.status == 422
    assert (hidden.status, unknown.status, nobody.status) == (404, 404, 404)


def test_three_people_hide_a_prompt_from_everyone_but_its_owner_and_moderators(owner, moderator):
    prompt = public_prompt(owner)
    reported_by(2, prompt)
    assert read(None, prompt).status == 200  # two are not enough

    reported_by(1, prompt)

    assert read(None, prompt).status == 404
    assert read(sign_up(), prompt).status == 404
    assert read(moderator, prompt).status == 200
    mine = read(owner, prompt)
    assert mine.status == 200
    assert mine.data["moderation"]["action"] == "hide"
    assert "pending review" in mine.data["moderation"]["reason"]
    drain()
    feed = call("GET", "/v1/prompts", query={"limit": "100"})
    assert prompt["id"] not in {p["id"] for p in feed.data}
    found = call("GET", "/v1/search", query={"q": prompt["title"]})
    assert prompt["id"] not in {p["id"] for p in found.data}
    theirs = call("GET", f"/v1/users/{owner.username}/prompts", query={"limit": "100"})
    assert prompt["id"] not in {p["id"] for p in theirs.data}
    assert prompt["id"] in {
        p["id"]
        for p in call("GET", "/v1/users/me/prompts", token=owner.token, query={"limit": "100"}).data
    }


def test_the_threshold_is_the_stages(owner, monkeypatch):
    monkeypatch.setattr(
        settings_module, "get_settings", lambda: replace(get_settings(), report_hide_threshold=1)
    )
    from promptvault.reports import service

    monkeypatch.setattr(service, "get_settings", settings_module.get_settings)
    prompt = public_prompt(owner)

    reported_by(1, prompt)

    assert read(None, prompt).status == 404


def test_a_dismissal_closes_every_open_report_and_shows_the_prompt_again(owner, moderator):
    prompt = public_prompt(owner)
    reporters = reported_by(3, prompt)
    entry = open_report_of(moderator, prompt["id"])

    done = resolve(moderator, entry["id"], "dismiss", "Not spam: a link list prompt")

    assert done.status == 200, done.body
    assert (done.data["action"], done.data["resolved"]) == ("dismiss", 3)
    assert read(None, prompt).status == 200
    assert prompt["id"] not in {r["targetId"] for r in queue(moderator)}
    for person in reporters:
        mine = call("GET", "/v1/users/me/reports", token=person.token).data
        assert [(r["status"], r["action"]) for r in mine] == [("resolved", "dismiss")]
    resolved = [r for r in queue(moderator, "resolved") if r["targetId"] == prompt["id"]]
    assert {r["moderatorId"] for r in resolved} == {moderator.id}
    assert resolve(moderator, entry["id"], "hide").status == 409  # resolved already


def test_each_reporter_gets_an_outcome_the_report_resolved_event_comes_from(owner, moderator):
    prompt = public_prompt(owner)
    reporters = reported_by(2, prompt)
    entry = open_report_of(moderator, prompt["id"])

    assert resolve(moderator, entry["id"], "hide", "Spam").status == 200

    table = boto3.resource("dynamodb").Table(get_settings().table_name)
    for person in reporters:
        found = table.query(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
            ExpressionAttributeValues={":pk": f"USER#{person.id}", ":sk": "REPORTOUTCOME#"},
        )["Items"]
        assert [(o["type"], o["action"], o["targetId"]) for o in found] == [
            ("ReportOutcome", "hide", prompt["id"])
        ]


def test_a_moderators_hide_stands_until_a_restore(owner, moderator):
    prompt = public_prompt(owner)
    reported_by(1, prompt)
    first = open_report_of(moderator, prompt["id"])
    assert resolve(moderator, first["id"], "hide", "Spam links").status == 200
    assert read(None, prompt).status == 404
    # reported again while hidden: only moderators still see it
    assert report(sign_up(), prompt["id"]).status == 404
    assert report(with_role("moderator"), prompt["id"]).status == 201
    again = open_report_of(moderator, prompt["id"])

    assert resolve(moderator, again["id"], "dismiss").status == 200
    assert read(None, prompt).status == 404  # the moderator's hide stands
    owner_view = read(owner, prompt).data["moderation"]
    assert (owner_view["action"], owner_view["reason"]) == ("hide", "Spam links")
    restored = call(
        "POST",
        f"/v1/moderation/prompts/{prompt['id']}/restore",
        {"reason": "Appeal accepted"},
        token=moderator.token,
    )
    assert restored.status == 201, restored.body
    assert read(None, prompt).status == 200


def test_remove_deletes_the_prompt_and_the_record_stays(owner, moderator):
    prompt = public_prompt(owner)
    reported_by(1, prompt)
    entry = open_report_of(moderator, prompt["id"])

    assert (
        resolve(moderator, entry["id"], "remove", "Copyright: a paid course copied").status == 200
    )

    assert read(owner, prompt).status == 404
    log = call("GET", "/v1/moderation/actions", token=moderator.token, query={"limit": "100"})
    mine = [a for a in log.data if a["targetId"] == prompt["id"]]
    assert [(a["action"], a["reason"], a["moderatorId"]) for a in mine] == [
        ("remove", "Copyright: a paid course copied", moderator.id)
    ]


def test_the_moderation_log_lists_every_action_newest_first(owner, moderator):
    prompt = public_prompt(owner)
    path = f"/v1/moderation/prompts/{prompt['id']}"
    assert (
        call("POST", f"{path}/archive", {"reason": "Off topic"}, token=moderator.token).status
        == 201
    )
    assert (
        call("POST", f"{path}/restore", {"reason": "On topic"}, token=moderator.token).status == 201
    )

    log = call("GET", "/v1/moderation/actions", token=moderator.token, query={"limit": "100"})

    mine = [(a["action"], a["reason"]) for a in log.data if a["targetId"] == prompt["id"]]
    assert mine == [("restore", "On topic"), ("archive", "Off topic")]
    assert all(a["targetType"] == "prompt" for a in log.data if a["targetId"] == prompt["id"])


def test_a_user_report_is_dismissed_never_hidden(owner, moderator):
    someone = sign_up()
    reply = report(someone, owner.id, target_type="user", reason="abuse")
    assert reply.status == 201, reply.body
    entry = open_report_of(moderator, owner.id)

    refused = resolve(moderator, entry["id"], "hide")
    done = resolve(moderator, entry["id"], "dismiss", "Heated, not abusive")

    assert refused.status == 422
    assert refused.error["details"][0]["field"] == "action"
    assert done.status == 200
    assert call("GET", f"/v1/users/{owner.username}").status == 200


def test_only_moderators_see_the_queue_resolve_and_read_the_log(owner):
    prompt = public_prompt(owner)
    (reporter,) = reported_by(1, prompt)
    mine = call("GET", "/v1/users/me/reports", token=reporter.token).data[0]

    answers = [
        call("GET", "/v1/moderation/reports", token=owner.token).status,
        call("GET", "/v1/moderation/actions", token=reporter.token).status,
        resolve(reporter, mine["id"], "dismiss").status,
    ]

    assert answers == [403, 403, 403]


def _scan_for(needle: str) -> list[dict[str, Any]]:
    client = boto3.client("dynamodb")
    pages = client.get_paginator("scan").paginate(TableName=get_settings().table_name)
    return [item for page in pages for item in page["Items"] if needle in str(item)]


def test_deleting_a_reported_person_or_a_reporter_leaves_no_trace_in_reports(moderator):
    reported, reporter = sign_up(), sign_up()
    prompt = public_prompt(reported)
    assert report(reporter, reported.id, target_type="user").status == 201
    resolved = report(sign_up(), reported.id, target_type="user")
    assert resolve(moderator, resolved.data["id"], "dismiss").status == 200
    assert report(reporter, prompt["id"]).status == 201

    for person in (reported, reporter):
        gone = call("DELETE", "/v1/users/me", {"password": PASSWORD}, token=person.token)
        assert gone.status in (200, 202, 204), gone.body

    assert _scan_for(reported.id) == []
    assert _scan_for(reporter.id) == []
    queued = {r["id"]: r for r in queue(moderator, "resolved") + queue(moderator)}
    assert queued[resolved.data["id"]]["targetId"] == "deleted-user"


def comment_on(prompt: dict[str, Any], author: User, body: str = "Nice prompt, thanks") -> str:
    reply = call("POST", f"/v1/prompts/{prompt['id']}/comments", {"body": body}, token=author.token)
    assert reply.status == 201, reply.body
    return str(reply.data["id"])


def thread(prompt: dict[str, Any], user: User | None) -> list[dict[str, Any]]:
    reply = call("GET", f"/v1/prompts/{prompt['id']}/comments", token=user.token if user else None)
    assert reply.status == 200, reply.body
    return reply.data


def test_three_reports_hide_a_comment_and_a_dismissal_shows_it_again(owner, moderator):
    prompt = public_prompt(owner)
    author = sign_up()
    cid = comment_on(prompt, author, "Buy cheap followers at example.com")
    for person in (sign_up(), sign_up(), sign_up()):
        assert report(person, cid, target_type="comment").status == 201

    assert cid not in {c["id"] for c in thread(prompt, None)}
    assert cid not in {c["id"] for c in thread(prompt, owner)}  # the prompt's owner too
    mine = {c["id"]: c for c in thread(prompt, author)}
    assert mine[cid]["hidden"] is True
    assert {c["id"]: c["hidden"] for c in thread(prompt, moderator)}[cid] is True
    assert call("GET", f"/v1/comments/{cid}/replies").status == 404

    entry = open_report_of(moderator, cid)
    assert resolve(moderator, entry["id"], "dismiss", "Sarcasm, not spam").status == 200

    assert {c["id"]: c["hidden"] for c in thread(prompt, None)}[cid] is False


def test_a_comment_removed_by_a_moderator_is_gone(owner, moderator):
    prompt = public_prompt(owner)
    author = sign_up()
    cid = comment_on(prompt, author, "Off-topic rant")
    assert report(owner, cid, target_type="comment").status == 201  # the prompt's owner may
    assert report(author, cid, target_type="comment").status == 422  # not one's own

    entry = open_report_of(moderator, cid)
    assert resolve(moderator, entry["id"], "remove", "Abuse").status == 200

    assert cid not in {c["id"] for c in thread(prompt, moderator)}
