"""Comments tell people (issue 12, for the notifications of issue 11): the prompt's owner of
comments, a comment's author of replies, a person of mentions; never oneself, and never
someone who cannot see the prompt."""

from __future__ import annotations

import uuid
from typing import Any

from bench.scenarios import stream_record
from infra.local.outbox import sent_emails
from promptvault.streams.domain_events import events_of
from promptvault.streams.records import decode
from tests.support.api import call
from tests.support.factories import User, create_prompt, sign_up
from tests.support.streams import drain


def _notifications(user: User) -> list[dict[str, Any]]:
    reply = call("GET", "/v1/users/me/notifications", token=user.token)
    assert reply.status == 200, reply.body
    return reply.data


def _comment(user: User, prompt_id: str, body: str, parent: str | None = None) -> dict:
    sent: dict[str, Any] = {"body": body} | ({"parentId": parent} if parent else {})
    reply = call("POST", f"/v1/prompts/{prompt_id}/comments", sent, token=user.token)
    assert reply.status == 201, reply.body
    return reply.data


def test_comments_replies_and_mentions_each_reach_their_person_once():
    owner, ada, bob = sign_up(), sign_up(), sign_up()
    title = f"Plan a sprint {uuid.uuid4().hex[:6]}"
    prompt = create_prompt(owner, title=title)
    top = _comment(ada, prompt["id"], f"Great, what do you think @{bob.username}?")
    _comment(owner, prompt["id"], "Thanks!", parent=top["id"])
    drain()

    [to_owner] = _notifications(owner)
    assert to_owner["type"] == "comment.created"
    assert to_owner["text"] == f"{ada.username} commented on “{title}”"
    assert to_owner["target"]["id"] == prompt["id"]
    [to_ada] = _notifications(ada)
    assert to_ada["text"] == f"{owner.username} replied to your comment on “{title}”"
    [to_bob] = _notifications(bob)
    assert to_bob["text"] == f"{ada.username} mentioned you on “{title}”"
    assert [e for e in sent_emails() if bob.email in e["to"]]  # instant by default
    drain()  # redelivered or not, nothing more
    assert len(_notifications(bob)) == 1


def test_ones_own_comment_reply_or_mention_tells_nobody():
    owner = sign_up()
    prompt = create_prompt(owner)
    top = _comment(owner, prompt["id"], f"Note to self @{owner.username}")
    _comment(owner, prompt["id"], "and more", parent=top["id"])
    drain()

    assert _notifications(owner) == []


def test_a_mention_on_a_private_prompt_tells_nobody_who_cannot_see_it():
    owner, ada = sign_up(), sign_up()
    private = create_prompt(owner, visibility="private")
    _comment(owner, private["id"], f"Should I ask @{ada.username}?")
    drain()

    assert _notifications(ada) == []


def test_a_reply_under_a_deleted_comment_tells_nobody():
    owner, ada = sign_up(), sign_up()
    prompt = create_prompt(owner)
    top = _comment(ada, prompt["id"], "Soon gone")
    drain()
    reply = _comment(owner, prompt["id"], "Answer", parent=top["id"])
    assert call("DELETE", f"/v1/comments/{top['id']}", token=ada.token).status == 204
    drain()

    assert reply["parentId"] == top["id"]
    assert [n["type"] for n in _notifications(ada)] == []


def test_each_comment_item_is_its_event():
    base = {"PK": "P", "SK": "C", "promptId": "p1", "commentId": "c1", "createdAt": "t"}
    comment = {**base, "type": "Comment", "authorId": "ada"}
    reply = {**base, "type": "Reply", "authorId": "bob", "parentId": "c0"}
    mention = {**base, "type": "Mention", "userId": "cy", "actorId": "ada"}

    [created] = events_of(decode(stream_record("INSERT", comment)))
    [replied] = events_of(decode(stream_record("INSERT", reply)))
    [mentioned] = events_of(decode(stream_record("INSERT", mention)))

    assert (created.type, created.data["actorId"]) == ("comment.created", "ada")
    assert (replied.type, replied.data["parentId"]) == ("comment.replied", "c0")
    assert (mentioned.type, mentioned.data["userId"]) == ("user.mentioned", "cy")
    assert events_of(decode(stream_record("MODIFY", comment, comment))) == []
