"""Account deletion: everything personal goes, in an order that is safe to retry.

Each item type in data/models.py is either erased here (``ERASED``: the type and how this
module finds the user's items) or named in ``NOT_PERSONAL`` with the reason; a test holds
the two lists to the models, so a new type cannot be forgotten. Decision: all the user's
prompts are deleted, public ones too (their text is the user's own), with their versions,
slugs and fork links; others' forks are their copies and stay.

Order: password check (Cognito InitiateAuth), then keys (a leaked key dies first), follows,
bookmarks, ratings, prompts, moderation records (anonymised), rate counters, notification
preferences, the Cognito user, and last the profile with its guards: the email is free at
once, the username is held (``directory.delete_profile``: the name and an expiry, no user id
or email) for ``USERNAME_HOLD_DAYS`` so no one else can take it over at once.
A failure before the Cognito step can be repeated by the user; after it, only the profile
and guards can remain, as with decision 9, for an operator to remove.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from promptvault.core.caller import Caller
from promptvault.core.errors import NotFound
from promptvault.data.models import (
    BookmarkItem,
    FollowItem,
    Item,
    RateCounterItem,
    RatingItem,
    UserItem,
)
from promptvault.email import preferences as email_preferences
from promptvault.identity import accounts, apikeys, directory
from promptvault.moderation.service import anonymise_moderator
from promptvault.notifications import service as notifications
from promptvault.prompts import service as prompts
from promptvault.users import follows

# type -> what erases it (documentation; ``delete_account`` runs them in order)
ERASED: dict[str, str] = {
    "User": "the profile, last, in one transaction with the guards",
    "Guard": "with the profile: the email guard deleted; the username guard replaced by a "
    "hold that keeps only the name and its expiry (TTL, USERNAME_HOLD_DAYS), no user id or "
    "email, refused to sign-ups until then; guest-source guards name no one and expire daily",
    "ApiKey": "GSI1 APIKEYS#<uid>",
    "Follow": "PK USER#<uid> FOLLOWS# (whom they follow) and GSI1 FOLLOWERS#<uid>",
    "Bookmark": "GSI1 BOOKMARKS#<uid>",
    "Rating": "GSI1 RATINGS#<uid> (set on signed-in ratings); others' on one's prompts go "
    "with each prompt",
    "Prompt": "GSI1 OWNER#<uid>, through the prompt service's delete",
    "Version": "with each prompt",
    "Slug": "with each prompt: the guard (it copies the owner's id) becomes a tombstone that "
    "keeps only the slug and deletedAt, so the slug is never given again (issue 16, finding 7)",
    "Fork": "with each fork's head (the reverse link on the original), and a deleted "
    "original's links with it",
    "Stats": "with each prompt, in its delete transaction (it carries the owner's id)",
    "Labels": "with each prompt: in its partition, removed by the delete's cleanup (it names "
    "who moved each label)",
    "LabelMove": "with each prompt: a label's history lives in the prompt's partition",
    "Moderation": "anonymised: GSI1 MODERATOR#<uid>, moderatorId replaced",
    "RateCounter": "PK RATE#user:<uid> and RATE#account:<email>",
    "NotificationPrefs": "USER#<uid> / NOTIFYPREFS, by key (email.preferences.forget); an "
    "old unsubscribe link cannot bring it back (it needs the profile)",
    "Notification": "PK USER#<uid> NOTIF# (notifications.service.forget); as an actor in "
    "others' notifications, the id taken out (ActorTrace)",
    "Digest": "PK USER#<uid> DIGEST#, with the notifications; as an actor in others' "
    "digests, the id taken out (ActorTrace)",
    "EmailQuota": "PK USER#<uid> EMAILDAY#, with the notifications",
    "ActorTrace": "as the actor: GSI1 ACTED#<uid>, each followed to take the id out of "
    "the other's notification or digest, then deleted; as the recipient: PK USER#<uid> "
    "ACTEDBY#, with the notifications",
}
NOT_PERSONAL: dict[str, str] = {
    "Usage": "a view or copy of a prompt: prompt id and kind only, expires in 2 days",
    "ProcessedEvent": "a digest of a stream event id and its counter item (a profile only by "
    "hash), expires in 3 days",
}


def _profile_or_404(caller: Caller) -> UserItem:
    profile = directory.get_profile(caller.user_id)
    if profile is None:
        raise NotFound("No profile for this account")
    return profile


def _delete_all(items: Any) -> int:
    count = 0
    with Item.batch_write() as batch:
        for item in items:
            batch.delete(item)
            count += 1
    return count


def _follows(user_id: str) -> int:
    count = 0
    for followed in FollowItem.query(f"USER#{user_id}", FollowItem.sk.startswith("FOLLOWS#")):
        count += follows.unfollow_ids(user_id, followed.followee_id)
    for follower in FollowItem.by_owner.query(f"FOLLOWERS#{user_id}"):
        if isinstance(follower, FollowItem):
            count += follows.unfollow_ids(follower.follower_id, user_id)
    return count


def _bookmarks(user_id: str) -> int:
    return _delete_all(BookmarkItem.by_owner.query(f"BOOKMARKS#{user_id}"))


def _ratings(user_id: str) -> int:
    return _delete_all(RatingItem.by_owner.query(f"RATINGS#{user_id}"))


def _rate_counters(user_id: str, email: str) -> int:
    count = 0
    for identity in (f"user:{user_id}", f"account:{email}"):
        count += _delete_all(RateCounterItem.query(f"RATE#{identity}"))
    return count


def delete_account(caller: Caller, password: str) -> dict[str, int]:
    """What was removed, by kind (for the log and the tests)."""
    profile = _profile_or_404(caller)
    accounts.login(profile.email, password)  # re-authentication: wrong password is 401
    steps: list[tuple[str, Callable[[], int]]] = [
        ("apiKeys", lambda: apikeys.delete_all(caller.user_id)),
        ("follows", lambda: _follows(caller.user_id)),
        ("bookmarks", lambda: _bookmarks(caller.user_id)),
        ("ratings", lambda: _ratings(caller.user_id)),
        ("prompts", lambda: prompts.delete_prompts_of(caller.user_id)),
        ("moderation", lambda: anonymise_moderator(caller.user_id)),
        ("rateCounters", lambda: _rate_counters(caller.user_id, profile.email)),
        ("notificationPreferences", lambda: email_preferences.forget(caller.user_id)),
        ("notifications", lambda: notifications.forget(caller.user_id)),
    ]
    removed = {name: step() for name, step in steps}
    accounts.delete_sign_in(profile.email)
    directory.delete_profile(profile)
    return removed
