"""Daily and weekly digests: what the period brought, in one email, or none at all.

An event whose kind the recipient gets by ``daily`` or ``weekly`` email (or an instant one
over the day's cap) is added to the recipient's digest item for that period, grouped like
the in-app notifications (one entry per kind and target: its count and latest actors). The
scheduled sender (EventBridge Scheduler: daily at 08:00 UTC, weekly on Mondays; locally
``POST /_local/schedules/{period}``) finds every digest of the period through GSI1, takes it
(removed on the condition that nothing was added since: a digest goes out at most once even
when the schedule fires twice) and sends one email per person. No digest item: no email;
an entry whose target is gone by then is left out, and a digest left empty sends nothing.
A digest is taken before it is sent, so it goes out at most once: when SES refuses it, the
error is logged (and the schedule's retries find nothing); the in-app notifications still
hold every event it summarised.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from promptvault.core.settings import get_settings
from promptvault.data.models import DigestItem
from promptvault.identity import directory
from promptvault.notifications import repository
from promptvault.notifications.service import SHOWN_ACTORS, Target
from promptvault.prompts import service as prompts

Period = Literal["daily", "weekly"]
MAX_ATTEMPTS = 8
MAX_ENTRIES = 50  # groups per digest; beyond it the oldest entry is folded out


def add(
    user_id: str, period: str, kind: str, target: Target, actor_id: str | None, event_id: str
) -> bool:
    """Count one event into the recipient's digest; False when it was counted before. Actors
    are kept by id (a guest as ""), named when the digest is sent: a deleted account is never
    named."""
    actor = actor_id or ""
    group = f"{kind}#{target.id}"
    for _ in range(MAX_ATTEMPTS):
        item = repository.get_digest(user_id, period)
        mark = repository.event_mark(event_id)
        if item is not None and mark in item.last_events:
            return False
        expected = None if item is None else item.revision
        if item is None:
            item = DigestItem(
                repository.user_pk(user_id),
                f"DIGEST#{period}",
                user_id=user_id,
                period=period,
                entries="{}",
                revision=0,
                last_events=[],
                gsi1pk=f"DIGESTS#{period}",
                gsi1sk=user_id,
            )
        entries: dict[str, Any] = json.loads(item.entries)
        entry = entries.pop(group, None) or {
            "kind": kind,
            "targetType": target.type,
            "targetId": target.id,
            "count": 0,
            "actors": [],
        }
        entry["count"] += 1
        entry["actors"] = [actor, *[a for a in entry["actors"] if a != actor or not a]][
            :SHOWN_ACTORS
        ]
        entries[group] = entry  # the newest last
        while len(entries) > MAX_ENTRIES:
            entries.pop(next(iter(entries)))
        item.entries = json.dumps(entries, separators=(",", ":"))
        item.revision = (expected or 0) + 1
        item.last_events = [mark, *item.last_events][: repository.DIGEST_LAST_EVENTS]
        if actor:  # first: an id is never in a digest without its trace
            retention = get_settings().notification_retention_days
            repository.trace_actor(actor, user_id, item.sk, retention)
        try:
            repository.save_digest(item, expected)
            return True
        except repository.Raced:
            continue
    raise RuntimeError(f"digest {user_id}/{period} kept moving")


def send_all(period: Period) -> dict[str, int]:
    """Send every digest of the period; counts of what happened."""
    counts = {"sent": 0, "empty": 0, "suppressed": 0, "skipped": 0}
    for user_id in list(repository.digest_owners(period)):
        counts[send_one(user_id, period)] += 1
    return counts


def send_one(user_id: str, period: Period) -> str:
    item = repository.take_digest(user_id, period)
    if item is None:
        return "skipped"
    recipient = directory.get_profile(user_id)
    if recipient is None:
        return "empty"
    if recipient.email_suppressed_at:
        return "suppressed"
    lines = _lines(json.loads(item.entries), recipient)
    if not lines:
        return "empty"
    from promptvault.email import compose, preferences, sender

    epoch = preferences.load(user_id).token_epoch
    message = compose.digest_email(
        compose.Recipient(
            user_id=recipient.user_id,
            username=recipient.username,
            email=recipient.email,
            display_name=recipient.display_name,
        ),
        period,
        lines,
        epoch,
    )
    sender.send(recipient.email, message)  # raises: this digest is lost (see the module doc)
    return "sent"


def _lines(entries: dict[str, Any], recipient: Any) -> list[Any]:
    from promptvault.email import compose

    base = get_settings().public_url
    prompt_ids = [e["targetId"] for e in entries.values() if e["targetType"] == "prompt"]
    heads = prompts.heads_by_id(prompt_ids)
    actor_ids = [a for e in entries.values() for a in e["actors"] if a]
    people = directory.profiles_by_id(actor_ids) if actor_ids else {}
    lines = []
    for entry in reversed(list(entries.values())):  # newest first
        if entry["targetType"] == "prompt":
            head = heads.get(entry["targetId"])
            if head is None:
                continue
            title, link = head.title, f"{base}/v1/prompts/{head.prompt_id}"
        else:
            title = recipient.display_name or recipient.username
            link = f"{base}/v1/users/{recipient.username}/followers"
        actors = [
            "a guest" if not a else people[a].display_name or people[a].username
            for a in entry["actors"]
            if not a or a in people
        ]
        if not actors:
            continue  # everyone who acted is gone
        lines.append(
            compose.DigestLine(
                type=entry["kind"],
                target_title=title,
                link=link,
                count=entry["count"],
                actors=actors,
            )
        )
    return lines


def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
    """Lambda entry (EventBridge Scheduler): ``{"period": "daily" | "weekly"}``."""
    period = event.get("period")
    if period not in ("daily", "weekly"):
        raise ValueError(f"unknown digest period {period!r}")
    return {"period": period, **send_all(period)}
