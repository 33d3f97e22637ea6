"""The event catalogue: one list, its doc current, every trigger's events known, and the
derivation from table changes pure and stable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scenarios import stream_record
from promptvault.catalogue import TRIGGERS
from promptvault.events.catalogue import EVENTS, Envelope
from promptvault.events.docs import render
from promptvault.streams.domain_events import event_id, events_of
from promptvault.streams.records import decode

ROOT = Path(__file__).resolve().parents[2]


def test_docs_events_md_is_generated_from_the_catalogue():
    assert (ROOT / "docs" / "events.md").read_text() == render(), "run make events-doc"


def test_every_trigger_subscribes_to_known_events_only():
    known = {event.type for event in EVENTS}
    for trigger in TRIGGERS:
        assert set(trigger.events) <= known, trigger.function
    assert len(known) == len(EVENTS)


ITEMS = {
    "prompt.rated": {"type": "Rating", "promptId": "p1", "rater": "u:ada", "score": 4},
    "prompt.bookmarked": {"type": "Bookmark", "promptId": "p1", "userId": "ada"},
    "prompt.forked": {"type": "Fork", "promptId": "p1", "forkId": "p2", "ownerId": "ada"},
    "prompt.version.created": {"type": "Version", "promptId": "p1", "number": 3, "authorId": "o"},
    "prompt.label.moved": {
        "type": "LabelMove",
        "promptId": "p1",
        "label": "production",
        "fromVersion": 2,
        "toVersion": 3,
        "movedBy": "o",
        "ownerId": "o",
        "revision": 4,
    },
    "user.followed": {"type": "Follow", "followerId": "ada", "followeeId": "o"},
}


@pytest.mark.parametrize("event_type", sorted(ITEMS))
def test_each_insert_is_its_event_with_a_stable_id(event_type: str):
    image = {"PK": "X", "SK": "Y", "createdAt": "2026-11-30T10:00:00.000Z", **ITEMS[event_type]}
    record = stream_record("INSERT", image)
    [event] = events_of(decode(record))
    assert event.type == event_type
    assert event.version == 1
    assert event.id == event_id(record["eventID"], event_type)
    assert event.occurred_at == "2026-11-30T10:00:00.000Z"
    assert events_of(decode(record)) == [event]  # replayed: the same event, the same id
    assert Envelope.model_validate(event.model_dump(by_alias=True)).typed()


def test_a_guest_rating_has_no_actor():
    record = stream_record(
        "INSERT", {"PK": "X", "SK": "Y", **ITEMS["prompt.rated"], "rater": "g:h"}
    )
    [event] = events_of(decode(record))
    assert event.data["actorId"] is None


@pytest.mark.parametrize("name", ["MODIFY", "REMOVE"])
def test_only_inserts_are_events(name: str):
    image = {"PK": "X", "SK": "Y", **ITEMS["prompt.rated"]}
    record = stream_record(name, image if name == "MODIFY" else None, old=image)
    assert events_of(decode(record)) == []


def test_other_items_are_no_events():
    record = stream_record("INSERT", {"PK": "P", "SK": "STATS", "type": "Stats", "views": 1})
    assert events_of(decode(record)) == []
