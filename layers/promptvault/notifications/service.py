"""In-app notifications: grouped, newest first, never about one's own action, never leaking a
deleted target or actor.

One notification per recipient, kind and target: a new event of the same kind about the same
target grows it ("ada and 4 others rated X") while it is unread, and starts it afresh once it
was read. Each carries its latest actors (up to ``SHOWN_ACTORS``), its count since last read,
the target and the time. A listing resolves actors and targets at read time (one
BatchGetItem each): a deleted prompt's notifications disappear, a deleted account is never
named. Notifications expire ``notification_retention_days`` after their last event (TTL).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from promptvault.core.clock import now_iso
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.settings import get_settings
from promptvault.data.models import NotificationItem
from promptvault.identity import directory
from promptvault.notifications import repository
from promptvault.notifications.schemas import ActorOut, NotificationOut, TargetOut
from promptvault.prompts import service as prompts

SHOWN_ACTORS = 3
MAX_ATTEMPTS = 8
UNREAD_CAP = 1000
GUEST = ""  # a guest rater, in ``actors``

VERBS = {
    "prompt.rated": "rated",
    "prompt.bookmarked": "bookmarked",
    "prompt.forked": "forked",
    "user.followed": "followed",
    "comment.created": "commented on",
    "comment.replied": "replied to your comment on",
    "user.mentioned": "mentioned you on",
}


class NotificationContention(RuntimeError):
    """Other events kept moving the notification: the message is reported and retried."""


@dataclass(frozen=True, slots=True)
class Target:
    type: str  # prompt | user
    id: str


def apply(
    recipient_id: str, kind: str, target: Target, actor_id: str | None, event_id: str
) -> bool:
    """Grow (or start) the recipient's notification of this kind about this target with one
    event; False when the event was applied before (a redelivery)."""
    nid = repository.notification_id(kind, target.id)
    retention = get_settings().notification_retention_days
    actor = actor_id or GUEST
    for _ in range(MAX_ATTEMPTS):
        now = now_iso()
        item = repository.get_notification(recipient_id, nid)
        mark = repository.event_mark(event_id)
        if item is not None and mark in item.last_events:
            return False
        expected = None if item is None else item.revision
        if item is None:
            item = NotificationItem(
                repository.user_pk(recipient_id),
                repository.NOTIF_PREFIX + nid,
                notification_id=nid,
                kind=kind,
                target_type=target.type,
                target_id=target.id,
                actors=[],
                occurrences=0,
                unread=True,
                created_at=now,
                updated_at=now,
                revision=0,
                last_events=[],
            )
        elif not item.unread:  # read since its last event: the group starts afresh
            item.actors, item.occurrences, item.unread, item.created_at = [], 0, True, now
        if actor == GUEST or actor not in item.actors:
            item.occurrences += 1
        item.actors = [actor, *[a for a in item.actors if a != actor or a == GUEST]][:SHOWN_ACTORS]
        item.updated_at = now
        item.revision = (expected or 0) + 1
        item.last_events = [mark, *item.last_events][: repository.LAST_EVENTS]
        repository.index_keys(item, retention)
        if actor != GUEST:  # first: an id is never in a notification without its trace
            repository.trace_actor(actor, recipient_id, item.sk, retention)
        try:
            repository.save_notification(item, expected)
        except repository.Raced:
            continue
        return True
    raise NotificationContention(f"notification {nid} kept moving")


def describe(kind: str, actors: list[str], count: int, title: str) -> str:
    """'ada and 4 others rated “X”', 'ada followed you'."""
    verb = VERBS.get(kind, kind)
    first = actors[0] if actors else "someone"
    others = count - 1
    who = first if others <= 0 else f"{first} and {others} other{'s' if others > 1 else ''}"
    if kind == "user.followed":
        return f"{who} followed you"
    return f"{who} {verb} “{title}”"


def page(
    user_id: str, unread_only: bool, cursor: str | None, limit: int
) -> tuple[list[NotificationOut], dict[str, Any]]:
    scope = f"notifications:{user_id}:{'unread' if unread_only else 'all'}"
    items, last = repository.query_page(user_id, unread_only, limit, decode_cursor(cursor, scope))
    return views(user_id, items), page_meta(last, scope)


def views(user_id: str, items: list[NotificationItem]) -> list[NotificationOut]:
    """The items as the recipient sees them now: deleted targets and actors never show."""
    actor_ids = {a for item in items for a in item.actors if a != GUEST}
    prompt_ids = {item.target_id for item in items if item.target_type == "prompt"}
    profiles = directory.profiles_by_id([*actor_ids, user_id])
    heads = prompts.heads_by_id(sorted(prompt_ids))
    shown: list[NotificationOut] = []
    for item in items:
        actors = [
            ActorOut(username=None) if a == GUEST else _actor(profiles[a])
            for a in item.actors
            if a == GUEST or a in profiles
        ]
        if not actors:
            continue  # everyone who acted is gone: nothing to say
        if item.target_type == "prompt":
            head = heads.get(item.target_id)
            if head is None:
                continue  # the prompt is gone
            target = TargetOut(type="prompt", id=head.prompt_id, title=head.title, slug=head.slug)
        else:
            me = profiles.get(user_id)
            if me is None:
                continue
            target = TargetOut(
                type="user", id=user_id, title=me.display_name or me.username, username=me.username
            )
        names = [a.display_name or a.username or "a guest" for a in actors]
        shown.append(
            NotificationOut(
                id=item.notification_id,
                type=item.kind,
                text=describe(item.kind, names, max(item.occurrences, 1), target.title),
                actors=actors,
                count=max(item.occurrences, 1),
                target=target,
                read=not item.unread,
                created_at=item.created_at,
                updated_at=item.updated_at,
            )
        )
    return shown


def _actor(profile: Any) -> ActorOut:
    return ActorOut(username=profile.username, display_name=profile.display_name)


def unread_count(user_id: str) -> int:
    return repository.unread_count(user_id, UNREAD_CAP)


def mark_read(user_id: str, ids: list[str] | None, everything: bool) -> int:
    """Mark the named notifications (or every unread one) read; how many were marked. Ids
    that name nothing of the caller's are ignored: another person's id is just not found."""
    chosen = list(repository.unread_ids(user_id, UNREAD_CAP)) if everything else ids or []
    return sum(1 for nid in dict.fromkeys(chosen) if repository.mark_read(user_id, nid))


def forget(user_id: str) -> int:
    """Account deletion: take the person's id out of every notification and digest of
    others it went into (their traces), then erase their own notifications, digests, email
    quota and traces. What is left of the groups they were in still counts them, unnamed."""
    for trace in repository.actor_traces(user_id):
        _scrub(trace.pk.removeprefix("USER#"), trace.target_sk, user_id)
        repository.delete_trace(trace)
    return repository.delete_all_of(user_id)


def _scrub(recipient_id: str, sk: str, actor_id: str) -> None:
    for _ in range(MAX_ATTEMPTS):
        item = repository.get_any(recipient_id, sk)
        if item is None:
            return
        expected = item.revision
        if isinstance(item, NotificationItem):
            if actor_id not in item.actors:
                return
            item.actors = [a for a in item.actors if a != actor_id]
            empty = not item.actors
        else:
            entries: dict[str, Any] = json.loads(item.entries)
            if actor_id not in item.entries:
                return
            for entry in entries.values():
                entry["actors"] = [a for a in entry["actors"] if a != actor_id]
            entries = {k: e for k, e in entries.items() if e["actors"]}
            item.entries = json.dumps(entries, separators=(",", ":"))
            empty = not entries
        try:
            if empty:
                repository.delete_if_unchanged(item)
            else:
                item.revision = expected + 1
                if isinstance(item, NotificationItem):
                    repository.save_notification(item, expected)
                else:
                    repository.save_digest(item, expected)
            return
        except repository.Raced:
            continue
    raise NotificationContention(f"{sk} of {recipient_id} kept moving")
