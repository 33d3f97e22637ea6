"""Account deletion: everything personal goes, in an order that is safe to retry.

Each item type in data/models.py is either erased here (``ERASED``: the type and how this
module finds the user's items) or named in ``NOT_PERSONAL`` with the reason; a test holds
the two lists to the models, so a new type cannot be forgotten. Decision: all the user's
prompts are deleted, public ones too (their text is the user's own), with their versions,
slugs and fork links; others' forks are their copies and stay.

Order: password check (Cognito InitiateAuth), the workspaces check (the last owner of a team
workspace with other members is refused, 409, before anything goes: decision 73), then keys
(a leaked key dies first), follows, bookmarks, ratings, collections, workspace memberships,
prompts, moderation records (anonymised), rate counters,
notification preferences, the Cognito user, and last the profile with its guards: the email
is free at once, the username is held (``directory.delete_profile``: the name and an expiry,
no user id or email) for ``USERNAME_HOLD_DAYS`` so no one else can take it over at once.
A failure before the Cognito step can be repeated by the user; after it, only the profile
and guards can remain, as with decision 9, for an operator to remove.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from promptvault.collections import service as collections
from promptvault.comments import service as comments
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
from promptvault.imports import service as imports
from promptvault.moderation.service import anonymise_moderator
from promptvault.notifications import service as notifications
from promptvault.prompts import service as prompts
from promptvault.reports import service as reports
from promptvault.users import follows
from promptvault.webhooks import service as webhooks
from promptvault.workspaces import service as workspaces

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
    "Share": "with each prompt: its share links live in the prompt's partition (they name "
    "no one, but open the prompt)",
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
ERASED |= {
    "Webhook": "PK WEBHOOKS#<uid> (webhooks.service.forget), before the prompts, so their "
    "deletion is delivered to nobody",
    "WebhookDelivery": "PK WEBHOOKS#<uid>, with the webhooks (their bodies name the prompts)",
}
ERASED |= {
    "Collection": "GSI1 COLLECTIONS#<uid> (collections.service.delete_collections_of), each "
    "with its entries, before the prompts",
    "CollectionEntry": "with its collection (GSI1 COLLECTED#<cid>); in others' collections, "
    "with each of the person's prompts: it lives in the prompt's partition",
}
ERASED |= {
    "Comment": "GSI2 COMMENTER#<uid> (comments.service.forget_author): a comment with replies "
    "stays as a tombstone without author, body or mentions (deletedAt only); one without is "
    "removed with its likes; others' on one's prompts go with each prompt",
    "Reply": "as a comment (GSI2 COMMENTER#<uid>): removed with its likes",
    "CommentLike": "GSI1 LIKES#<uid> (comments.service.forget_likes); others' likes of one's "
    "comments go with each comment",
    "Mention": "as the one mentioned: PK USER#<uid> MENTION#, the name taken out of each "
    "mentioning comment's mentions; as the author: GSI1 MENTIONEDBY#<uid>",
}
ERASED |= {
    "Report": "as the reporter: GSI2 REPORTER#<uid> (reports.service.forget), kept for the "
    "moderators with reporterId deleted-user; as the reported person: followed from the "
    "marks in REPORTED#user#<uid>, the target id replaced (an open one dismissed)",
    "ReportMark": "the person's open marks go with their reports; the marks of reports of "
    "the person (PK REPORTED#user#<uid>) are deleted",
    "ReportOutcome": "PK USER#<uid> REPORTOUTCOME#; others' outcomes of reports of the "
    "person are deleted (they name the person)",
}
ERASED |= {
    "Import": "GSI1 IMPORTS#<uid> (imports.service.forget), each with its partition; the "
    "file in the bucket expires after 3 days",
    "ImportRow": "with its import (PK IMPORT#<iid>): titles of the person's file",
    "Imported": "PK USER#<uid> IMPORTED#, with the imports",
    "ImportQuota": "PK USER#<uid> IMPORTDAY#, with the imports",
}
ERASED |= {
    "Workspace": "a team workspace whose only member the person was, with its memberships "
    "(workspaces.service.forget); one with other members and no other owner refuses the "
    "deletion (409 LAST_OWNER) until ownership moves; the item names no one",
    "WorkspaceMember": "GSI1 WORKSPACES#<uid> (workspaces.service.forget), each removed with "
    "the workspace's counts",
    "Invitation": "in each workspace the person leaves (workspaces.service.forget): their id "
    "as the sender or the account that accepted becomes deleted-user; the workspace keeps its "
    "record of the address invited, which ends in 7 days and goes by TTL 30 days later",
}
NOT_PERSONAL: dict[str, str] = {
    "Invitee": "a workspace's one live invitation of an address: the address an admin typed "
    "and the invitation's id, no account; deleted on accept or revoke, else gone by TTL",
    "Usage": "a view or copy of a prompt: prompt id and kind only, expires in 2 days",
    "TagCount": "a tag's count of public prompts: the tag and a number",
    "CategoryCount": "a category's count of public prompts: the slug and a number",
    "TagDay": "a tag's uses on one UTC day: the tag and a number, expires after 40 days",
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
    departure = workspaces.prepare_departure(caller.user_id)  # last owner: 409, nothing done
    steps: list[tuple[str, Callable[[], int]]] = [
        ("apiKeys", lambda: apikeys.delete_all(caller.user_id)),
        ("webhooks", lambda: webhooks.forget(caller.user_id)),
        ("follows", lambda: _follows(caller.user_id)),
        ("bookmarks", lambda: _bookmarks(caller.user_id)),
        ("ratings", lambda: _ratings(caller.user_id)),
        ("collections", lambda: collections.delete_collections_of(caller.user_id)),
        ("workspaces", lambda: workspaces.forget(departure)),
        ("comments", lambda: comments.forget_author(caller.user_id)),
        ("commentLikes", lambda: comments.forget_likes(caller.user_id)),
        ("mentions", lambda: comments.forget_mentioned(caller.user_id, profile.username)),
        ("prompts", lambda: prompts.delete_prompts_of(caller.user_id)),
        ("imports", lambda: imports.forget(caller.user_id)),
        ("moderation", lambda: anonymise_moderator(caller.user_id)),
        ("reports", lambda: reports.forget(caller.user_id)),
        ("rateCounters", lambda: _rate_counters(caller.user_id, profile.email)),
        ("notificationPreferences", lambda: email_preferences.forget(caller.user_id)),
        ("notifications", lambda: notifications.forget(caller.user_id)),
    ]
    removed = {name: step() for name, step in steps}
    accounts.delete_sign_in(profile.email)
    directory.delete_profile(profile)
    return removed
