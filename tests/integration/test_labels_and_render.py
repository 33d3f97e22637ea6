"""Labels, fetch by label or version with HTTP caching, prompt types and strict rendering
(issue 13)."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest

from promptvault.core.settings import get_settings
from promptvault.data.models import LabelMoveItem, label_move_sk, prompt_pk
from promptvault.prompts import labels as labels_service
from promptvault.prompts import repository
from tests.support.api import Reply, call
from tests.support.factories import User, create_prompt, sign_up


@pytest.fixture(scope="module")
def owner() -> User:
    return sign_up()


@pytest.fixture(scope="module")
def other() -> User:
    return sign_up()


def title() -> str:
    return f"Labelled prompt {uuid.uuid4().hex[:8]}"


def content(n: int) -> str:
    return f"Version {n}: summarise the notes about {{{{topic}}}} in {n} bullet points."


def with_versions(user: User, count: int, **overrides: Any) -> dict[str, Any]:
    prompt = create_prompt(user, title=title(), content=content(1), **overrides)
    for n in range(2, count + 1):
        prompt = edit(user, prompt, {"content": content(n)})
    return prompt


def edit(user: User, prompt: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    reply = call(
        "PATCH",
        f"/v1/prompts/{prompt['id']}",
        body,
        token=user.token,
        headers={"If-Match": prompt["etag"]},
    )
    assert reply.status == 200, reply.body
    return {**reply.data, "etag": reply.headers["ETag"]}


def set_label(
    user: User, prompt: dict[str, Any], label: str, version: int, **headers: str
) -> Reply:
    path = f"/v1/prompts/{prompt['id']}/labels/{label}"
    return call("PUT", path, {"version": version}, token=user.token, headers=headers)


def labels_of(prompt: dict[str, Any], token: str | None = None) -> Reply:
    return call("GET", f"/v1/prompts/{prompt['id']}/labels", token=token)


def fetch(prompt: dict[str, Any], token: str | None = None, **query: str) -> Reply:
    return call("GET", f"/v1/prompts/{prompt['id']}", token=token, query=query)


def render(prompt: dict[str, Any], body: dict[str, Any], token: str | None = None) -> Reply:
    return call("POST", f"/v1/prompts/{prompt['id']}/render", body, token=token)


def history(prompt: dict[str, Any], label: str) -> Reply:
    return call("GET", f"/v1/prompts/{prompt['id']}/labels/{label}/history")


def partition(prompt_id: str) -> list[dict[str, Any]]:
    client = boto3.client("dynamodb")
    reply = client.query(
        TableName=get_settings().table_name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"PROMPT#{prompt_id}"}},
    )
    return list(reply["Items"])


# --- labels ---------------------------------------------------------------------------------


def test_the_owner_points_a_label_at_a_version_and_the_list_says_who_and_when(owner):
    prompt = with_versions(owner, 2)

    moved = set_label(owner, prompt, "production", 1)
    listed = labels_of(prompt)

    assert moved.status == 200, moved.body
    assert moved.data["name"] == "production"
    assert moved.data["version"] == 1
    assert moved.data["movedBy"] == owner.id
    assert listed.status == 200, listed.body
    assert listed.data == [
        {"name": "latest", "version": 2, "movedBy": None, "movedAt": None},
        {
            "name": "production",
            "version": 1,
            "movedBy": owner.id,
            "movedAt": moved.data["movedAt"],
        },
    ]


def test_latest_follows_every_new_version(owner):
    prompt = with_versions(owner, 1)
    assert fetch(prompt, label="latest").data["version"] == 1

    prompt = edit(owner, prompt, {"content": content(2)})
    after_edit = fetch(prompt, label="latest")
    restored = call("POST", f"/v1/prompts/{prompt['id']}/versions/1/restore", token=owner.token)
    after_restore = fetch(prompt, label="latest")

    assert after_edit.data["version"] == 2
    assert restored.status == 201, restored.body
    assert after_restore.data["version"] == 3
    assert labels_of(prompt).data[0] == {
        "name": "latest",
        "version": 3,
        "movedBy": None,
        "movedAt": None,
    }


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_latest_cannot_be_set_or_removed_by_hand(owner, method):
    prompt = with_versions(owner, 2)
    body = {"version": 1} if method == "PUT" else None

    reply = call(method, f"/v1/prompts/{prompt['id']}/labels/latest", body, token=owner.token)

    assert reply.status == 422, reply.body
    assert reply.body["success"] is False
    assert reply.error["details"][0]["field"] == "label"
    assert fetch(prompt, label="latest").data["version"] == 2


@pytest.mark.parametrize("label", ["Production", "-prod", "a" * 37, "prod@1", "pro+d", "ünï"])
def test_a_label_outside_the_pattern_is_refused(owner, label):
    prompt = with_versions(owner, 1)

    reply = set_label(owner, prompt, label, 1)

    assert reply.status == 422, reply.body
    assert reply.error["details"][0]["field"] == "label"


@pytest.mark.parametrize("label", ["a", "staging", "v1.2_rc-3", "x" * 36])
def test_labels_inside_the_pattern_are_accepted(owner, label):
    prompt = with_versions(owner, 1)

    assert set_label(owner, prompt, label, 1).status == 200


def test_a_label_points_only_at_an_existing_version(owner):
    prompt = with_versions(owner, 2)

    reply = set_label(owner, prompt, "production", 3)

    assert reply.status == 422, reply.body
    assert reply.error["details"][0]["field"] == "version"


def test_history_lists_every_move_and_removal_newest_first(owner):
    prompt = with_versions(owner, 3)
    set_label(owner, prompt, "production", 1)
    set_label(owner, prompt, "production", 2)
    set_label(owner, prompt, "production", 2)  # already there: no move, nothing recorded
    set_label(owner, prompt, "staging", 3)
    removed = call("DELETE", f"/v1/prompts/{prompt['id']}/labels/production", token=owner.token)
    set_label(owner, prompt, "production", 3)

    moves = history(prompt, "production")

    assert removed.status == 204, removed.body
    assert moves.status == 200, moves.body
    assert [(m["fromVersion"], m["toVersion"]) for m in moves.data] == [
        (None, 3),
        (2, None),
        (1, 2),
        (None, 1),
    ]
    assert {m["movedBy"] for m in moves.data} == {owner.id}
    assert [m["toVersion"] for m in history(prompt, "staging").data] == [3]


def test_history_pages_with_a_cursor(owner):
    prompt = with_versions(owner, 3)
    for version in (1, 2, 3):
        set_label(owner, prompt, "production", version)

    first = call(
        "GET", f"/v1/prompts/{prompt['id']}/labels/production/history", query={"limit": "2"}
    )
    second = call(
        "GET",
        f"/v1/prompts/{prompt['id']}/labels/production/history",
        query={"limit": "2", "cursor": first.body["meta"]["nextCursor"]},
    )

    assert [m["toVersion"] for m in first.data] == [3, 2]
    assert [m["toVersion"] for m in second.data] == [1]


def test_removing_a_label_that_is_not_set_is_404_label_not_set(owner):
    prompt = with_versions(owner, 1)

    reply = call("DELETE", f"/v1/prompts/{prompt['id']}/labels/staging", token=owner.token)

    assert reply.status == 404, reply.body
    assert reply.error["code"] == "LABEL_NOT_SET"


# --- atomic, conditional moves ------------------------------------------------------------------


def test_two_moves_with_the_same_if_match_one_wins_the_other_is_412(owner):
    prompt = with_versions(owner, 3)
    tag = labels_of(prompt).headers["ETag"]

    first = set_label(owner, prompt, "production", 2, **{"If-Match": tag})
    second = set_label(owner, prompt, "production", 3, **{"If-Match": tag})

    assert first.status == 200, first.body
    assert second.status == 412, second.body
    assert second.error["code"] == "PRECONDITION_FAILED"
    assert fetch(prompt, label="production").data["version"] == 2
    assert first.headers["ETag"] == labels_of(prompt).headers["ETag"] != tag


@pytest.mark.parametrize(("if_match", "status"), [('"r1"', 412), ('W/"L0"', 400), ("*", 400)])
def test_if_match_on_a_move_takes_one_strong_tag_of_the_labels(owner, if_match, status):
    prompt = with_versions(owner, 1)

    reply = set_label(owner, prompt, "production", 1, **{"If-Match": if_match})

    assert reply.status == status, reply.body
    assert reply.error["details"][0]["field"] == "If-Match"
    assert fetch(prompt, label="production").status == 404


def test_a_stale_write_of_the_labels_is_refused_by_its_condition(owner):
    """The store's own guarantee: a move written against labels another move has changed
    since they were read fails, and neither its labels nor its history entry are written."""
    prompt = with_versions(owner, 2)
    set_label(owner, prompt, "production", 1)
    _, stale = repository.get_head_with_labels(prompt["id"])
    assert stale is not None
    read_revision = stale.revision
    set_label(owner, prompt, "production", 2)  # another request gets in first
    stale.revision = read_revision + 1
    record = LabelMoveItem(
        prompt_pk(prompt["id"]),
        label_move_sk("production", read_revision + 1),
        prompt_id=prompt["id"],
        label="production",
        from_version=1,
        to_version=1,
        moved_by=owner.id,
        moved_at="2026-01-01T00:00:00Z",
        revision=read_revision + 1,
    )

    with pytest.raises(repository.LabelsChanged):
        repository.save_label_move(stale, read_revision, record)

    assert fetch(prompt, label="production").data["version"] == 2
    assert len(history(prompt, "production").data) == 2


def test_a_move_that_loses_a_race_reads_again_and_records_where_the_label_really_was(
    owner, monkeypatch
):
    """Without If-Match, a move that finds the labels changed under it retries on what is
    there now: the history's fromVersion is never stale."""
    prompt = with_versions(owner, 3)
    set_label(owner, prompt, "production", 1)
    real_read = repository.get_head_with_labels
    raced: list[bool] = []

    def read_then_race(prompt_id: str) -> Any:
        found = real_read(prompt_id)
        if not raced:
            raced.append(True)
            assert set_label(owner, prompt, "production", 2).status == 200  # in between
        return found

    monkeypatch.setattr(repository, "get_head_with_labels", read_then_race)
    moved = set_label(owner, prompt, "production", 3)
    monkeypatch.undo()

    assert moved.status == 200, moved.body
    assert [(m["fromVersion"], m["toVersion"]) for m in history(prompt, "production").data] == [
        (2, 3),
        (1, 2),
        (None, 1),
    ]


# --- fetch by label or version, and HTTP caching ----------------------------------------------


def test_fetch_by_label_or_version_answers_that_versions_content_number_and_labels(owner):
    prompt = with_versions(owner, 3)
    set_label(owner, prompt, "production", 2)
    set_label(owner, prompt, "staging", 2)

    by_label = fetch(prompt, label="production")
    by_version = fetch(prompt, version="2")
    newest = fetch(prompt, version="3")

    assert by_label.status == 200, by_label.body
    assert by_label.data["version"] == 2
    assert by_label.data["content"] == content(2)
    assert by_label.data["labels"] == ["production", "staging"]
    assert by_label.data["type"] == "text"
    assert by_version.data == by_label.data
    assert newest.data["labels"] == ["latest"]


def test_a_plain_get_still_answers_the_prompt_as_before(owner):
    prompt = with_versions(owner, 2)
    set_label(owner, prompt, "production", 1)

    reply = fetch(prompt)

    assert reply.status == 200
    assert reply.data["version"] == 2
    assert reply.data["slug"] == prompt["slug"]
    assert "stats" in reply.data
    assert reply.headers["ETag"] == prompt["etag"]
    assert "Cache-Control" not in reply.headers


def test_a_label_no_version_carries_is_404_label_not_set(owner):
    prompt = with_versions(owner, 1)

    reply = fetch(prompt, label="production")

    assert reply.status == 404, reply.body
    assert reply.error["code"] == "LABEL_NOT_SET"


def test_a_label_and_a_version_together_are_refused(owner):
    prompt = with_versions(owner, 1)

    reply = fetch(prompt, label="latest", version="1")

    assert reply.status == 422, reply.body


def test_fetch_by_label_answers_a_strong_etag_and_cache_control(owner):
    prompt = with_versions(owner, 2)
    set_label(owner, prompt, "production", 1)

    reply = fetch(prompt, label="production")

    etag = reply.headers["ETag"]
    assert etag.startswith('"v1-')
    assert etag.endswith('"')
    cache = reply.headers["Cache-Control"]
    assert cache.startswith("private, max-age=")
    assert "stale-while-revalidate=" in cache


@pytest.mark.parametrize("form", ["{tag}", "W/{tag}", '"other", {tag}', "*"])
def test_if_none_match_with_the_current_tag_is_304_without_a_body(owner, form):
    prompt = with_versions(owner, 2)
    set_label(owner, prompt, "production", 1)
    tag = fetch(prompt, label="production").headers["ETag"]

    reply = call(
        "GET",
        f"/v1/prompts/{prompt['id']}",
        query={"label": "production"},
        headers={"If-None-Match": form.format(tag=tag)},
    )

    assert reply.status == 304
    assert reply.body is None
    assert reply.headers["ETag"] == tag
    assert "Cache-Control" in reply.headers


def test_the_etag_changes_when_the_label_moves_or_another_lands_on_the_version(owner):
    prompt = with_versions(owner, 2)
    set_label(owner, prompt, "production", 1)
    first = fetch(prompt, label="production").headers["ETag"]

    set_label(owner, prompt, "staging", 1)  # the answer's labels change
    second = fetch(prompt, label="production").headers["ETag"]
    set_label(owner, prompt, "production", 2)  # the answer's version changes
    third = call(
        "GET",
        f"/v1/prompts/{prompt['id']}",
        query={"label": "production"},
        headers={"If-None-Match": second},
    )

    assert len({first, second, third.headers["ETag"]}) == 3
    assert third.status == 200
    assert third.data["version"] == 2


def test_a_hidden_prompt_is_404_to_others_even_with_a_matching_tag(owner, other):
    prompt = with_versions(owner, 1, visibility="private")
    tag = fetch(prompt, owner.token, label="latest").headers["ETag"]

    reply = call(
        "GET",
        f"/v1/prompts/{prompt['id']}",
        token=other.token,
        query={"label": "latest"},
        headers={"If-None-Match": tag},
    )

    assert reply.status == 404, reply.body


# --- other people's prompts ----------------------------------------------------------------------


def test_others_cannot_see_or_move_the_labels_of_a_private_prompt(owner, other):
    prompt = with_versions(owner, 2, visibility="private")
    set_label(owner, prompt, "production", 1)

    replies = [
        labels_of(prompt, other.token),
        fetch(prompt, other.token, label="production"),
        fetch(prompt, other.token, version="1"),
        render(prompt, {"variables": {"topic": "x"}}, other.token),
        call("GET", f"/v1/prompts/{prompt['id']}/labels/production/history", token=other.token),
        set_label(other, prompt, "production", 2),
        call("DELETE", f"/v1/prompts/{prompt['id']}/labels/production", token=other.token),
    ]

    assert [r.status for r in replies] == [404] * 7
    assert fetch(prompt, owner.token, label="production").data["version"] == 1


def test_others_can_read_but_not_move_the_labels_of_a_public_prompt(owner, other):
    prompt = with_versions(owner, 2)
    set_label(owner, prompt, "production", 1)

    assert labels_of(prompt).status == 200
    assert fetch(prompt, label="production").data["version"] == 1
    assert set_label(other, prompt, "production", 2).status == 404


def test_others_read_a_labelled_version_only_from_the_history_the_owner_published(owner, other):
    prompt = with_versions(owner, 2, visibility="private")
    set_label(owner, prompt, "production", 1)
    edit(owner, prompt, {"visibility": "public", "publishHistory": False})

    assert fetch(prompt, other.token, label="latest").status == 200
    assert fetch(prompt, other.token, label="production").status == 404
    assert fetch(prompt, owner.token, label="production").status == 200


def test_deleting_a_prompt_removes_its_labels_and_their_history(owner):
    prompt = with_versions(owner, 2)
    set_label(owner, prompt, "production", 1)
    set_label(owner, prompt, "production", 2)
    types = {item["type"]["S"] for item in partition(prompt["id"])}
    assert {"Labels", "LabelMove"} <= types

    deleted = call("DELETE", f"/v1/prompts/{prompt['id']}", token=owner.token)

    assert deleted.status == 204
    left = {item["type"]["S"] for item in partition(prompt["id"])}
    assert not left & {"Labels", "LabelMove", "Version", "Prompt"}


# --- prompt types and variables -----------------------------------------------------------------

CHAT = {
    "type": "chat",
    "messages": [
        {"role": "system", "content": "You are a {{tone}} assistant."},
        {"role": "user", "content": "Summarise the notes about {{topic}}."},
    ],
    "variables": [
        {"name": "tone", "type": "enum", "enum": ["formal", "friendly"], "default": "formal"},
        {"name": "topic", "maxLength": 40},
    ],
}


def test_a_chat_prompt_keeps_its_type_and_messages_in_every_version(owner):
    prompt = create_prompt(owner, title=title(), content=None, **CHAT)
    messages = [{"role": "user", "content": "Summarise {{topic}} in a {{tone}} way."}]
    edited = edit(owner, prompt, {"messages": messages})

    first = fetch(prompt, version="1")
    second = fetch(prompt, version="2")

    assert prompt["type"] == "chat"
    assert prompt["messages"] == CHAT["messages"]
    assert "You are a {{tone}} assistant." in prompt["content"]
    assert edited["version"] == 2
    assert first.data["type"] == second.data["type"] == "chat"
    assert first.data["messages"] == CHAT["messages"]
    assert second.data["messages"] == messages


def test_a_prompt_without_a_type_is_text(owner):
    prompt = create_prompt(owner, title=title())

    assert prompt["type"] == "text"
    assert prompt["messages"] is None
    assert prompt["variables"][0] == {
        "name": "topic",
        "description": "what the meeting was about",
        "type": "string",
        "required": True,
        "default": None,
        "maxLength": None,
        "enum": None,
    }


def test_content_on_a_chat_prompt_and_messages_on_a_text_prompt_are_refused(owner):
    text = create_prompt(owner, title=title())
    chat = create_prompt(owner, title=title(), content=None, **CHAT)
    path = "/v1/prompts/{}"

    on_text = call(
        "PATCH",
        path.format(text["id"]),
        {"messages": [{"role": "user", "content": "Hi {{topic}}"}]},
        token=owner.token,
        headers={"If-Match": text["etag"]},
    )
    on_chat = call(
        "PATCH",
        path.format(chat["id"]),
        {"content": "Plain text content about {{topic}} now."},
        token=owner.token,
        headers={"If-Match": chat["etag"]},
    )

    assert (on_text.status, on_text.error["details"][0]["field"]) == (422, "messages")
    assert (on_chat.status, on_chat.error["details"][0]["field"]) == (422, "content")


@pytest.mark.parametrize(
    ("variable", "field"),
    [
        ({"name": "topic", "type": "enum"}, "variables.0"),
        ({"name": "topic", "type": "enum", "enum": ["a", "a"]}, "variables.0"),
        ({"name": "topic", "enum": ["a"]}, "variables.0"),
        ({"name": "topic", "type": "number", "maxLength": 3}, "variables.0"),
        ({"name": "topic", "type": "number", "default": "3"}, "variables.0"),
        ({"name": "topic", "type": "boolean", "default": 1}, "variables.0"),
        ({"name": "topic", "type": "enum", "enum": ["a"], "default": "b"}, "variables.0"),
        ({"name": "topic", "maxLength": 2, "default": "abc"}, "variables.0"),
        ({"name": "topic", "type": "date"}, "variables.0.type"),
    ],
)
def test_a_variable_whose_declaration_does_not_hold_together_is_refused(owner, variable, field):
    reply = call(
        "POST",
        "/v1/prompts",
        {"title": title(), "content": content(1), "variables": [variable]},
        token=owner.token,
    )

    assert reply.status == 422, reply.body
    assert field in [d["field"] for d in reply.error["details"]]


# --- rendering ---------------------------------------------------------------------------------

TYPED = [
    {"name": "topic"},
    {"name": "count", "type": "number"},
    {"name": "brief", "type": "boolean", "default": False},
    {"name": "tone", "type": "enum", "enum": ["formal", "friendly"]},
    {"name": "extra", "type": "json", "required": False},
    {"name": "signoff", "default": "Thanks"},
]
TYPED_CONTENT = (
    "Summarise {{topic}} in {{count}} points (brief: {{brief}}), {{tone}} tone. "
    "Extra: {{extra}}. {{ signoff }}"
)


def typed_prompt(owner: User) -> dict[str, Any]:
    prompt = create_prompt(owner, title=title(), content=TYPED_CONTENT, variables=TYPED)
    assert set_label(owner, prompt, "production", 1).status == 200
    return prompt


def test_render_substitutes_checked_values_and_says_what_it_rendered(owner):
    prompt = typed_prompt(owner)
    values = {"topic": "Q3", "count": 3, "tone": "formal", "extra": {"b": [1, 2], "a": "é"}}

    reply = render(prompt, {"variables": values})

    assert reply.status == 200, reply.body
    assert reply.data == {
        "promptId": prompt["id"],
        "version": 1,
        "label": "production",
        "type": "text",
        "text": "Summarise Q3 in 3 points (brief: false), formal tone. "
        'Extra: {"a":"é","b":[1,2]}. Thanks',
        "messages": None,
    }


def test_render_by_version_and_by_label(owner):
    prompt = with_versions(owner, 2)
    set_label(owner, prompt, "staging", 1)

    by_version = render(prompt, {"variables": {"topic": "x"}, "version": 2})
    by_label = render(prompt, {"variables": {"topic": "x"}, "label": "staging"})
    default = render(prompt, {"variables": {"topic": "x"}})

    assert (by_version.data["version"], by_version.data["label"]) == (2, None)
    assert by_version.data["text"] == content(2).replace("{{topic}}", "x")
    assert (by_label.data["version"], by_label.data["label"]) == (1, "staging")
    assert default.status == 404
    assert default.error["code"] == "LABEL_NOT_SET"


def test_render_lists_every_problem_at_once(owner):
    prompt = typed_prompt(owner)
    values = {"count": "three", "brief": "yes", "tone": "rude", "unknown": 1}

    reply = render(prompt, {"variables": values})

    assert reply.status == 422, reply.body
    assert reply.error["code"] == "VALIDATION_ERROR"
    problems = {d["field"]: d["message"] for d in reply.error["details"]}
    assert set(problems) == {
        "variables.topic",
        "variables.count",
        "variables.brief",
        "variables.tone",
        "variables.unknown",
    }
    assert "required" in problems["variables.topic"]
    assert "number" in problems["variables.count"]
    assert "formal, friendly" in problems["variables.tone"]


def test_lenient_rendering_ignores_unknown_variables_but_not_missing_or_ill_typed_ones(owner):
    prompt = typed_prompt(owner)
    good = {"topic": "Q3", "count": 2.5, "tone": "friendly", "unknown": "ignored"}

    lenient = render(prompt, {"variables": good, "strict": False})
    strict = render(prompt, {"variables": good})
    still_bad = render(prompt, {"variables": {**good, "count": True}, "strict": False})

    assert lenient.status == 200, lenient.body
    assert "in 2.5 points" in lenient.data["text"]
    assert "Extra: ." in lenient.data["text"]  # optional, no default: empty
    assert strict.status == 422
    assert [d["field"] for d in strict.error["details"]] == ["variables.unknown"]
    assert still_bad.status == 422
    assert [d["field"] for d in still_bad.error["details"]] == ["variables.count"]


def test_max_length_is_checked(owner):
    prompt = create_prompt(
        owner, title=title(), variables=[{"name": "topic", "maxLength": 5}], status="published"
    )

    ok = render(prompt, {"variables": {"topic": "12345"}, "version": 1})
    too_long = render(prompt, {"variables": {"topic": "123456"}, "version": 1})

    assert ok.status == 200
    assert too_long.status == 422
    assert "at most 5" in too_long.error["details"][0]["message"]


def test_a_chat_prompt_renders_messages(owner):
    prompt = create_prompt(owner, title=title(), content=None, **CHAT)

    reply = render(prompt, {"variables": {"topic": "the launch"}, "version": 1})

    assert reply.status == 200, reply.body
    assert reply.data["type"] == "chat"
    assert reply.data["text"] is None
    assert reply.data["messages"] == [
        {"role": "system", "content": "You are a formal assistant."},
        {"role": "user", "content": "Summarise the notes about the launch."},
    ]


def test_a_placeholder_no_variable_declares_is_a_required_string(owner):
    prompt = create_prompt(
        owner, title=title(), content="Write about {{topic}} for {{audience}}.", variables=[]
    )

    missing = render(prompt, {"variables": {"topic": "tea"}, "version": 1})
    given = render(prompt, {"variables": {"topic": "tea", "audience": "kids"}, "version": 1})

    assert missing.status == 422
    assert [d["field"] for d in missing.error["details"]] == ["variables.audience"]
    assert given.data["text"] == "Write about tea for kids."


INJECTION_CONTENT = (
    "A {{#topic}}section{{/topic}} B {{{topic}}} C {% if topic %}x{% endif %} D ${topic} "
    "E {{topic.__class__}} F {{ {{topic}} }} G \\{{topic}} H {{> partial}} I {{topic|upper}} "
    "J {{__class__}} K {{topic}}"
)
INJECTION_VALUES = [
    "{{other}}",
    "{{{other}}}",
    "{% import os %}{{ os.system('id') }}",
    "${7*7}",
    "{{7*7}}",
    "__class__.__mro__",
    "\\{{other}}",
    "{{#other}}x{{/other}}",
]


def injection_prompt(owner: User) -> dict[str, Any]:
    return create_prompt(
        owner,
        title=title(),
        content=INJECTION_CONTENT,
        variables=[{"name": "topic"}, {"name": "__class__", "required": False}],
    )


@pytest.mark.parametrize("value", INJECTION_VALUES)
def test_rendering_never_runs_or_re_expands_anything(owner, value):
    prompt = injection_prompt(owner)

    reply = render(
        prompt,
        {"variables": {"topic": value, "other": "SECRET"}, "version": 1, "strict": False},
    )

    assert reply.status == 200, reply.body
    text = reply.data["text"]
    assert "SECRET" not in text
    assert "49" not in text
    assert text == (
        f"A {{{{#topic}}}}section{{{{/topic}}}} B {{{value}}} C {{% if topic %}}x{{% endif %}} "
        f"D ${{topic}} E {{{{topic.__class__}}}} F {{{{ {value} }}}} G {{{{topic}}}} "
        f"H {{{{> partial}}}} I {{{{topic|upper}}}} J  K {value}"
    )


def test_an_escaped_placeholder_is_literal_and_needs_no_value(owner):
    prompt = create_prompt(
        owner, title=title(), content="Write \\{{literal}} braces about {{topic}}."
    )

    reply = render(prompt, {"variables": {"topic": "tea"}, "version": 1})

    assert reply.status == 200, reply.body
    assert reply.data["text"] == "Write {{literal}} braces about tea."


def test_a_render_that_would_be_huge_is_refused(owner):
    prompt = create_prompt(owner, title=title(), content="{{topic}} " * 100)

    reply = render(prompt, {"variables": {"topic": "x" * 2000}, "version": 1})

    assert reply.status == 422, reply.body
    assert reply.error["details"][0]["field"] == "variables"


def test_the_substitution_engine_is_one_pass(owner):
    """Unit-level: the values map is consulted once per placeholder of the template only."""
    from promptvault.prompts.templates import placeholders, substitute

    template = "{{a}} \\{{b}} {{ b }} {{{a}}} {{#a}}"

    assert placeholders(template) == ["a", "b"]
    assert substitute(template, {"a": "{{b}}", "b": "B"}) == "{{b}} {{b}} B {{{b}}} {{#a}}"
    assert labels_service.not_modified('W/"x", "y"', '"y"')
    assert not labels_service.not_modified('"x"', '"y"')
