"""The events webhooks add (issue 13): a label move and a prompt's deletion, each carrying the
prompt's owner, with ids that a replayed stream record gives again."""

from __future__ import annotations

from bench.scenarios import stream_record
from infra.consumers import filters_for
from infra.local.pump import matches
from promptvault.streams.domain_events import event_id, events_of
from promptvault.streams.records import decode

HEAD = {
    "PK": "PROMPT#p1",
    "SK": "META",
    "type": "Prompt",
    "promptId": "p1",
    "ownerId": "o",
    "slug": "a-prompt-1a2b3c",
    "version": 4,
    "title": "A prompt",
    "createdAt": "2026-11-01T10:00:00.000Z",
}


def _removed(head: dict[str, object]) -> dict[str, object]:
    record = stream_record("REMOVE", None, old=head)
    record["dynamodb"]["ApproximateCreationDateTime"] = 1_796_000_000
    return record


def test_a_prompt_heads_removal_is_prompt_deleted_with_its_owner():
    record = _removed(HEAD)

    [event] = events_of(decode(record))

    assert event.type == "prompt.deleted"
    assert event.data == {"promptId": "p1", "ownerId": "o", "slug": "a-prompt-1a2b3c", "version": 4}
    assert event.id == event_id(record["eventID"], "prompt.deleted")
    assert event.occurred_at == "2026-11-30T00:53:20.000Z"  # the removal, not the creation
    assert events_of(decode(record)) == [event]  # replayed: the same id and time


def test_a_ttl_sweep_or_another_items_removal_is_no_event():
    swept = _removed(HEAD)
    swept["userIdentity"] = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    version = _removed({**HEAD, "SK": "VERSION#000001", "type": "Version"})

    assert events_of(decode(swept)) == []
    assert events_of(decode(version)) == []


def test_a_prompt_heads_insert_is_not_a_deletion():
    assert events_of(decode(stream_record("INSERT", HEAD))) == []


def test_a_label_move_names_the_owner_and_an_old_move_falls_back_to_its_mover():
    move = {
        "PK": "PROMPT#p1",
        "SK": "LABELMOVE#production#00000002",
        "type": "LabelMove",
        "promptId": "p1",
        "label": "production",
        "toVersion": 3,
        "movedBy": "o",
        "movedAt": "2026-11-30T10:00:00.000Z",
        "revision": 2,
    }

    [old] = events_of(decode(stream_record("INSERT", move)))
    [removal] = events_of(decode(stream_record("INSERT", {**move, "toVersion": None})))

    assert old.type == "prompt.label.moved"
    assert old.data["ownerId"] == "o"
    assert old.data["fromVersion"] is None
    assert removal.data["toVersion"] is None


def test_a_version_event_names_the_owner():
    version = {
        "PK": "PROMPT#p1",
        "SK": "VERSION#000002",
        "type": "Version",
        "promptId": "p1",
        "number": 2,
        "authorId": "o",
        "createdAt": "2026-11-30T10:00:00.000Z",
    }
    [event] = events_of(decode(stream_record("INSERT", version)))
    assert event.data["ownerId"] == "o"


def test_the_stream_filter_lets_the_heads_removal_through_and_not_its_insert():
    filters = filters_for("event-sources")

    def wanted(record: dict[str, object]) -> bool:
        return any(matches(f, record) for f in filters)

    assert wanted(_removed(HEAD))
    assert not wanted(stream_record("INSERT", HEAD))
    assert not wanted(stream_record("REMOVE", None, old={**HEAD, "type": "Rating"}))
    assert wanted(stream_record("INSERT", {**HEAD, "SK": "LABELMOVE#x#1", "type": "LabelMove"}))
