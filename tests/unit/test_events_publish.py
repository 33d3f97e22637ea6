"""Publishing to the bus: batches of 10, failed entries retried, what still fails reported
as the records' failures (so Lambda retries them, and the stable ids deduplicate)."""

from __future__ import annotations

from typing import Any

import pytest

from bench.scenarios import stream_record
from promptvault.events import publish as publish_module
from promptvault.events.catalogue import Envelope
from promptvault.streams import publisher as stream


class FakeBus:
    def __init__(self, fail: dict[str, int]) -> None:
        self.fail = dict(fail)  # event id -> how many more times it fails
        self.calls: list[list[dict[str, Any]]] = []
        self.delivered: list[str] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        import json

        assert len(Entries) <= 10
        self.calls.append(Entries)
        results = []
        for entry in Entries:
            eid = json.loads(entry["Detail"])["id"]
            if self.fail.get(eid, 0) > 0:
                self.fail[eid] -= 1
                results.append({"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"})
            else:
                self.delivered.append(eid)
                results.append({"EventId": eid})
        return {"FailedEntryCount": sum("ErrorCode" in r for r in results), "Entries": results}


def _event(n: int) -> Envelope:
    return Envelope(
        id=f"e{n}",
        type="prompt.bookmarked",
        version=1,
        occurred_at="2026-11-30T10:00:00.000Z",
        data={"promptId": "p", "actorId": "a"},
    )


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch):
    def install(fail: dict[str, int]) -> FakeBus:
        fake = FakeBus(fail)
        monkeypatch.setattr(publish_module.aws, "client", lambda service: fake)
        monkeypatch.setattr(publish_module, "BACKOFF_SECONDS", 0)
        return fake

    return install


def test_25_events_go_in_three_calls(bus):
    fake = bus({})
    assert publish_module.publish([_event(n) for n in range(25)], sleep=0) == []
    assert [len(c) for c in fake.calls] == [10, 10, 5]
    assert fake.delivered == [f"e{n}" for n in range(25)]


def test_a_failed_entry_is_sent_again_alone(bus):
    fake = bus({"e3": 2})
    assert publish_module.publish([_event(n) for n in range(5)], sleep=0) == []
    assert [len(c) for c in fake.calls] == [5, 1, 1]
    assert sorted(fake.delivered) == [f"e{n}" for n in range(5)]


def test_an_entry_failing_every_attempt_is_returned(bus):
    fake = bus({"e1": 99})
    failed = publish_module.publish([_event(n) for n in range(3)], sleep=0)
    assert [e.id for e in failed] == ["e1"]
    assert len(fake.calls) == publish_module.ATTEMPTS


def test_the_consumer_reports_the_records_whose_events_failed(bus):
    records = [
        stream_record(
            "INSERT",
            {"PK": "U", "SK": f"B{n}", "type": "Bookmark", "promptId": "p", "userId": f"a{n}"},
        )
        for n in range(3)
    ]
    from promptvault.streams.domain_events import events_of
    from promptvault.streams.records import decode

    doomed = events_of(decode(records[1]))[0].id
    bus({doomed: 99})
    reply = stream.handle({"Records": records})
    assert reply == {
        "batchItemFailures": [{"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]
    }
