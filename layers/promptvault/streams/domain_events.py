"""Table changes into domain events: which INSERT is which fact, and the event's stable id.

Pure: the images alone say what happened, so a replayed or reordered record gives the same
event with the same id (``event_id``: the stream record's ``eventID`` and the event's type,
hashed), and consumers deduplicate on that id. The facts are INSERTs, and one REMOVE: a
prompt head's, by a request (``prompt.deleted``, from the old image; a re-rating, an
un-bookmark or a TTL sweep notifies nobody); the stream filter (infra/consumers.py,
"event-sources") lets no other record reach the consumer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from promptvault.events.catalogue import EVENTS, Envelope, EventSpec, EventType, spec
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
    author = image["authorId"]  # only a prompt's owner writes its versions
    return {
        "promptId": image["promptId"],
        "version": image["number"],
        "actorId": author,
        "ownerId": author,
    }


def _label_moved(image: Image) -> dict[str, object]:
    return {
        "promptId": image["promptId"],
        "label": image["label"],
        "fromVersion": image.get("fromVersion"),
        "toVersion": image.get("toVersion"),
        "actorId": image["movedBy"],
        # moves written before the item named the owner were the owner's (only they move)
        "ownerId": image.get("ownerId") or image["movedBy"],
    }


def _deleted(image: Image) -> dict[str, object]:
    return {
        "promptId": image["promptId"],
        "ownerId": image["ownerId"],
        "slug": image["slug"],
        "version": image["version"],
    }


def _report_resolved(image: Image) -> dict[str, object]:
    return {
        "reportId": image["reportId"],
        "reporterId": image["reporterId"],
        "targetType": image["targetType"],
        "targetId": image["targetId"],
        "action": image["action"],
    }


def _followed(image: Image) -> dict[str, object]:
    return {"userId": image["followeeId"], "actorId": image["followerId"]}


def _commented(image: Image) -> dict[str, object]:
    return {
        "promptId": image["promptId"],
        "commentId": image["commentId"],
        "actorId": image["authorId"],
    }


def _replied(image: Image) -> dict[str, object]:
    return {**_commented(image), "parentId": image["parentId"]}


def _mentioned(image: Image) -> dict[str, object]:
    return {
        "userId": image["userId"],
        "promptId": image["promptId"],
        "commentId": image["commentId"],
        "actorId": image["actorId"],
    }


_DATA: dict[EventType, Callable[[Image], dict[str, object]]] = {
    "prompt.rated": _rated,
    "prompt.bookmarked": _bookmarked,
    "prompt.forked": _forked,
    "prompt.version.created": _version,
    "prompt.label.moved": _label_moved,
    "prompt.deleted": _deleted,
    "user.followed": _followed,
    "report.resolved": _report_resolved,
    "comment.created": _commented,
    "comment.replied": _replied,
    "user.mentioned": _mentioned,
}
_BY_CHANGE: dict[tuple[str, str], EventSpec] = {(e.change, e.item): e for e in EVENTS}


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _occurred_at(change: Change, image: Image) -> str:
    if change.event_name == "REMOVE":  # the item's own stamps are older than its removal
        if change.changed_at is not None:
            return _iso(datetime.fromtimestamp(change.changed_at, UTC))
        return _iso(datetime.now(UTC))
    stamp = image.get("createdAt") or image.get("updatedAt")
    if stamp:
        return str(stamp)
    return _iso(datetime.now(UTC))


def _image(change: Change) -> Image | None:
    """The image an event reads: the new one of an INSERT, the old one of a REMOVE made by a
    request (a TTL sweep is no fact); None for every other change."""
    if change.event_name == "INSERT":
        return change.new
    if change.event_name == "REMOVE" and not change.by_ttl:
        return change.old
    return None


def events_of(change: Change) -> list[Envelope]:
    """The domain events one table change is (none for most changes)."""
    image = _image(change)
    if image is None:
        return []
    event = _BY_CHANGE.get((change.event_name, str(image.get("type") or "")))
    if event is None:
        return []
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
