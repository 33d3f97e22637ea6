"""Table changes into domain events: which INSERT is which fact, and the event's stable id.

Pure: the images alone say what happened, so a replayed or reordered record gives the same
event with the same id (``event_id``: the stream record's ``eventID`` and the event's type,
hashed), and consumers deduplicate on that id. Only INSERTs are facts here (a re-rating, an
un-bookmark or a TTL sweep notifies nobody); the stream filter (infra/consumers.py,
"event-sources") lets no other record reach the consumer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from promptvault.events.catalogue import EVENTS, Envelope, EventType, spec
from promptvault.streams.records import Change, Image


def event_id(stream_event_id: str, event_type: str) -> str:
    """Stable: the same stream record always names the same event (32 hex digits)."""
    return hashlib.sha256(f"{stream_event_id}/{event_type}".encode()).hexdigest()[:32]


def _rater(image: Image) -> str | None:
    rater = str(image.get("rater") or "")
    return rater[2:] if rater.startswith("u:") else None  # "g:<hash>": a guest


def _rated(image: Image) -> dict[str, object]:
    return {"promptId": image["promptId"], "actorId": _rater(image), "score": image["score"]}


def _bookmarked(image: Image) -> dict[str, object]:
    return {"promptId": image["promptId"], "actorId": image["userId"]}


def _forked(image: Image) -> dict[str, object]:
    return {"promptId": image["promptId"], "forkId": image["forkId"], "actorId": image["ownerId"]}


def _version(image: Image) -> dict[str, object]:
    return {"promptId": image["promptId"], "version": image["number"], "actorId": image["authorId"]}


def _followed(image: Image) -> dict[str, object]:
    return {"userId": image["followeeId"], "actorId": image["followerId"]}


_DATA: dict[EventType, Callable[[Image], dict[str, object]]] = {
    "prompt.rated": _rated,
    "prompt.bookmarked": _bookmarked,
    "prompt.forked": _forked,
    "prompt.version.created": _version,
    "user.followed": _followed,
}
_BY_ITEM = {event.item: event for event in EVENTS}


def _occurred_at(change: Change, image: Image) -> str:
    stamp = image.get("createdAt") or image.get("updatedAt")
    if stamp:
        return str(stamp)
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def events_of(change: Change) -> list[Envelope]:
    """The domain events one table change is (none for most changes)."""
    if change.event_name != "INSERT" or change.new is None:
        return []
    event = _BY_ITEM.get(change.entity or "")
    if event is None:
        return []
    image = change.new
    data = _DATA[event.type](image)
    spec(event.type).data.model_validate(data)  # the catalogue's schema holds
    return [
        Envelope(
            id=event_id(change.event_id, event.type),
            type=event.type,
            version=event.version,
            occurred_at=_occurred_at(change, image),
            data=data,
        )
    ]
