"""The single table, owned by pynamodb models. Key design: docs/data-model.md.

Every entity lives in one table with generic keys (PK/SK) and three overloaded GSIs:
GSI1 lists by owner (prompts, keys, bookmarks, ratings, followers), GSI2 the public feed and
whom one follows, GSI3 (sparse) the leaderboard. CDK builds the table from
``table_definition()`` below, and a test compares the synthesized template with it.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    Attribute,
    BinarySetAttribute,
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.constants import NUMBER
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from promptvault.core.settings import get_settings

_settings = get_settings()


class _Meta:
    table_name = _settings.table_name
    region = _settings.region
    host = _settings.dynamodb_endpoint
    billing_mode = "PAY_PER_REQUEST"


class IntegerAttribute(Attribute[int]):
    """A DynamoDB number that is always a whole number (versions, revisions, counts)."""

    attr_type = NUMBER

    def serialize(self, value: int) -> str:
        return str(int(value))

    def deserialize(self, value: str) -> int:
        return int(value)


class OwnerIndex(GlobalSecondaryIndex["Item"]):
    """GSI1: an owner's prompts, newest first (GSI1PK=OWNER#<uid>, GSI1SK=<createdAt>#<pid>)."""

    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(range_key=True, attr_name="GSI1SK")


class FeedIndex(GlobalSecondaryIndex["Item"]):
    """GSI2: the public feed, sparse (only public + published heads carry GSI2PK)."""

    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(range_key=True, attr_name="GSI2SK")


class LeaderboardIndex(GlobalSecondaryIndex["Item"]):
    """GSI3: profiles by reputation, highest first. Sparse: only items with a numeric
    ``reputation`` (profiles that received engagement) appear, and an ADD re-sorts them."""

    class Meta:
        index_name = "GSI3"
        projection = IncludeProjection(["username", "displayName", "userId"])

    entity = UnicodeAttribute(hash_key=True, attr_name="type")
    reputation = IntegerAttribute(range_key=True)


class CommentRankIndex(GlobalSecondaryIndex["Item"]):
    """GSI4: a prompt's top-level comments by likes, most first (``sort=top``). Sparse: only
    top-level comments carry GSI4PK (COMMENTS#<pid>); ``likes`` is kept by the counters
    consumer with an ADD, which re-sorts the index (no second write keeps a sort key)."""

    class Meta:
        index_name = "GSI4"
        projection = AllProjection()

    gsi4pk = UnicodeAttribute(hash_key=True, attr_name="GSI4PK")
    likes = IntegerAttribute(range_key=True)


class Item(Model):
    """Base of every entity: the keys, the entity type and the TTL attribute."""

    class Meta(_Meta):
        stream_view_type = "NEW_AND_OLD_IMAGES"

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    entity = DiscriminatorAttribute(attr_name="type")
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    expires_at = TTLAttribute(null=True, attr_name="expiresAt")

    by_owner = OwnerIndex()
    feed = FeedIndex()
    leaderboard = LeaderboardIndex()
    comment_rank = CommentRankIndex()


class Variable(MapAttribute[str, Any]):
    """A variable a version declares. Absent ``type`` is a string (variables written before
    types existed); ``default`` holds a string or enum default as it is, ``defaultJson`` the
    JSON text of a number, boolean or json default (prompts/templates.py reads them)."""

    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    default = UnicodeAttribute(null=True)  # type: ignore[assignment]  # "default" is also a pynamodb arg
    default_json = UnicodeAttribute(null=True, attr_name="defaultJson")
    kind = UnicodeAttribute(null=True, attr_name="type")  # string|number|boolean|enum|json
    required = BooleanAttribute(null=True)  # absent: required
    max_length = IntegerAttribute(null=True, attr_name="maxLength")
    values = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[assignment]  # enum


class Message(MapAttribute[str, Any]):
    """One message of a chat prompt: its role and its (template) content."""

    role = UnicodeAttribute()
    content = UnicodeAttribute()


class ContentMixin:
    """The content-bearing fields: what a version snapshots."""

    title = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    content = UnicodeAttribute()
    instructions = UnicodeAttribute(null=True)
    example_output = UnicodeAttribute(null=True, attr_name="exampleOutput")
    variables = ListAttribute(of=Variable, default=list)
    category = UnicodeAttribute(null=True)
    model = UnicodeAttribute(null=True)
    tags = UnicodeSetAttribute(null=True)
    # "text" (absent: prompts written before types existed) or "chat"; a chat prompt's
    # ``content`` is its messages joined, so search, diff and forks read it as before
    prompt_type = UnicodeAttribute(null=True, attr_name="promptType")
    messages = ListAttribute(of=Message, null=True)


class ForkedFrom(MapAttribute[str, Any]):
    """Where a fork came from: the original prompt and the version that was copied, and
    whether the original was listed publicly (public and published) at the time: only then
    do others than the fork's owner see where it came from (issue 16, finding 2)."""

    id = UnicodeAttribute()
    version = IntegerAttribute()
    listed = BooleanAttribute(null=True)  # absent on forks made before: treated as not listed


class Moderation(MapAttribute[str, Any]):
    """Why a moderator took the prompt out of the feed (``archive``) or out of others' sight
    (``hide``); only a moderator puts it back. ``pending``: hidden by reports, awaiting a
    moderator's review (a dismissal shows it again)."""

    action = UnicodeAttribute()
    reason = UnicodeAttribute()
    at = UnicodeAttribute()
    pending = BooleanAttribute(null=True)


class PromptItem(Item, ContentMixin, discriminator="Prompt"):
    """PK=PROMPT#<pid>, SK=META: the head, the current content."""

    prompt_id = UnicodeAttribute(attr_name="promptId")
    owner_id = UnicodeAttribute(attr_name="ownerId")
    slug = UnicodeAttribute()
    visibility = UnicodeAttribute()
    status = UnicodeAttribute()
    version = IntegerAttribute()  # the current content version
    revision = IntegerAttribute()  # bumps on every accepted edit; the ETag and the optimistic lock
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt")
    forked_from = ForkedFrom(null=True, attr_name="forkedFrom")
    moderation = Moderation(null=True)  # set while a moderator's archive stands
    # the first version others may read (absent: 1); versions before it stay the owner's
    history_from = IntegerAttribute(null=True, attr_name="historyFrom")
    # the owner closed comments (issue 12): no new comments or replies; absent: open
    comments_closed = BooleanAttribute(null=True, attr_name="commentsClosed")


class VersionItem(Item, ContentMixin, discriminator="Version"):
    """PK=PROMPT#<pid>, SK=VERSION#<n:06d>: an immutable snapshot."""

    prompt_id = UnicodeAttribute(attr_name="promptId")
    number = IntegerAttribute()
    author_id = UnicodeAttribute(attr_name="authorId")
    change_message = UnicodeAttribute(null=True, attr_name="changeMessage")
    restored_from = IntegerAttribute(null=True, attr_name="restoredFrom")
    created_at = UnicodeAttribute(attr_name="createdAt")


class SlugItem(Item, discriminator="Slug"):
    """PK=SLUG#<slug>, SK=SLUG: reserves a slug and resolves it to a prompt id, with a copy of
    what decides whom it resolves for (owner, visibility, status), written in every
    transaction that writes the head, so a slug hidden from the caller is refused on this one
    read, as an unknown one is. Once the prompt is deleted, a tombstone: the slug and
    ``deletedAt`` only (never given to another prompt: 410 Gone)."""

    prompt_id = UnicodeAttribute(null=True, attr_name="promptId")
    owner_id = UnicodeAttribute(null=True, attr_name="ownerId")
    visibility = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    deleted_at = UnicodeAttribute(null=True, attr_name="deletedAt")


class UserItem(Item, discriminator="User"):
    """PK=USER#<uid>, SK=PROFILE."""

    user_id = UnicodeAttribute(attr_name="userId")
    username = UnicodeAttribute()
    email = UnicodeAttribute()
    display_name = UnicodeAttribute(null=True, attr_name="displayName")
    created_at = UnicodeAttribute(attr_name="createdAt")
    # the public profile (issue 5)
    bio = UnicodeAttribute(null=True)
    avatar_url = UnicodeAttribute(null=True, attr_name="avatarUrl")
    website = UnicodeAttribute(null=True)
    twitter = UnicodeAttribute(null=True)
    github = UnicodeAttribute(null=True)
    # SES reported the address as bouncing or complaining (issue 11): no email goes to it
    email_suppressed_at = UnicodeAttribute(null=True, attr_name="emailSuppressedAt")
    email_suppressed_reason = UnicodeAttribute(null=True, attr_name="emailSuppressedReason")
    # a change of address waiting for the code Cognito sent to it (users/email_change.py):
    # the new address and until when its code works; ``email`` stays the old one till then
    pending_email = UnicodeAttribute(null=True, attr_name="pendingEmail")
    pending_email_until = UnicodeAttribute(null=True, attr_name="pendingEmailUntil")
    # counts: followers, following, publicPrompts and reputation, all kept by the counters
    # consumer (ADD, only while the profile exists). ``reputation``
    # is also GSI3's range key: the leaderboard re-sorts itself on every ADD.
    public_prompts = IntegerAttribute(null=True, attr_name="publicPrompts")
    followers = IntegerAttribute(null=True)
    following = IntegerAttribute(null=True)
    reputation = IntegerAttribute(null=True)
    # the counters consumer's exactly-once state (streams/exactly_once.py ``apply``): its version
    # and the digests of the events its last update applied
    updates = IntegerAttribute(null=True)
    last_events = BinarySetAttribute(null=True, legacy_encoding=False, attr_name="lastEvents")


class GuardItem(Item, discriminator="Guard"):
    """PK=USERNAME#<name> or EMAIL#<email>, SK=GUARD: uniqueness, written in one transaction.

    Also PK=GUESTSOURCE#<keyed hash of prompt, UTC day and client network>, SK=GUARD: the one
    guest ``rater`` that network may rate that prompt as on that day (engagement, issue 16
    finding 8; TTL the day after)."""

    user_id = UnicodeAttribute(null=True, attr_name="userId")
    rater = UnicodeAttribute(null=True)  # a guest-source guard's holder: g:<keyed hash>
    # PK=WORKSPACESLUG#<slug>: the team workspace holding the slug (issue 14, decision 72)
    workspace_id = UnicodeAttribute(null=True, attr_name="workspaceId")


# --- engagement (issue 4): every count is derived from these items by the counters consumer ---


class PromptStatsItem(Item, discriminator="Stats"):
    """PK=PROMPT#<pid>, SK=STATS: the counters, kept off the head so counting never rewrites
    content. Created (zeros, ``ownerId``) in the prompt's create transaction and deleted in
    its delete transaction; in between only the counters consumer changes it (ADD, on the
    condition that it exists, so a deleted prompt's counters never come back). ``updates``
    orders its versions; ``ownerId`` lets the consumer move the owner's reputation."""

    owner_id = UnicodeAttribute(null=True, attr_name="ownerId")
    views = IntegerAttribute(default=0)
    copies = IntegerAttribute(default=0)
    bookmarks = IntegerAttribute(default=0)
    forks = IntegerAttribute(default=0)
    rating_count = IntegerAttribute(default=0, attr_name="ratingCount")
    rating_sum = IntegerAttribute(default=0, attr_name="ratingSum")
    rating_1 = IntegerAttribute(default=0, attr_name="rating1")
    rating_2 = IntegerAttribute(default=0, attr_name="rating2")
    rating_3 = IntegerAttribute(default=0, attr_name="rating3")
    rating_4 = IntegerAttribute(default=0, attr_name="rating4")
    rating_5 = IntegerAttribute(default=0, attr_name="rating5")
    # the guests' share of ratingCount and ratingSum (issue 16, finding 8)
    guest_rating_count = IntegerAttribute(null=True, attr_name="guestRatingCount")
    guest_rating_sum = IntegerAttribute(null=True, attr_name="guestRatingSum")
    updates = IntegerAttribute(default=0)
    # the digests of the events the consumer's last update applied (streams/exactly_once.py)
    last_events = BinarySetAttribute(null=True, legacy_encoding=False, attr_name="lastEvents")


class AggregateMixin:
    """An aggregate the counters consumer keeps over public, published prompts (issue 12):
    created by its first count (streams/counter_rules.py ``AGGREGATES``), never by a
    request; ``updates`` and ``lastEvents`` as on a stats item."""

    updates = IntegerAttribute(default=0)
    last_events = BinarySetAttribute(null=True, legacy_encoding=False, attr_name="lastEvents")


class TagCountItem(Item, AggregateMixin, discriminator="TagCount"):
    """PK=TAG#<tag>, SK=COUNT: how many public, published prompts carry the tag; GSI1
    TAGS / <tag> lists tags in order (a prefix is a key condition). A count of 0 stays."""

    tag = UnicodeAttribute()
    total = IntegerAttribute(default=0, attr_name="count")  # ``count`` is pynamodb's


class CategoryCountItem(Item, AggregateMixin, discriminator="CategoryCount"):
    """PK=CATEGORY#<slug>, SK=COUNT: how many public, published prompts are in the category."""

    category = UnicodeAttribute()
    total = IntegerAttribute(default=0, attr_name="count")


class TagDayItem(Item, AggregateMixin, discriminator="TagDay"):
    """PK=TAGDAY#<yyyy-mm-dd>, SK=TAG#<tag>: how many times public, published prompts took
    the tag that UTC day (additions only); expires 40 days after the day."""

    tag = UnicodeAttribute()
    uses = IntegerAttribute(default=0)


class RatingItem(Item, discriminator="Rating"):
    """PK=PROMPT#<pid>, SK=RATING#<rater>: one per rater (``u:<uid>`` or ``g:<keyed hash>``).

    A signed-in rating also carries GSI1 RATINGS#<uid> / <updatedAt>#<pid>, so a user's
    ratings can be found (account deletion); guests' ratings have no GSI1 keys."""

    prompt_id = UnicodeAttribute(attr_name="promptId")
    rater = UnicodeAttribute()
    score = IntegerAttribute()
    updated_at = UnicodeAttribute(attr_name="updatedAt")
    own = BooleanAttribute(null=True)  # true: the prompt's owner rated it; counted nowhere


class BookmarkItem(Item, discriminator="Bookmark"):
    """PK=USER#<uid>, SK=BOOKMARK#<pid>; GSI1 BOOKMARKS#<uid> / <createdAt>#<pid> lists them."""

    user_id = UnicodeAttribute(attr_name="userId")
    prompt_id = UnicodeAttribute(attr_name="promptId")
    created_at = UnicodeAttribute(attr_name="createdAt")
    own = BooleanAttribute(null=True)  # true: a bookmark of one's own prompt; not counted


class ForkItem(Item, discriminator="Fork"):
    """PK=PROMPT#<original>, SK=FORK#<createdAt>#<fork pid>: the reverse link, written with
    the fork's head and removed with it; the fork count is the number of these."""

    prompt_id = UnicodeAttribute(attr_name="promptId")  # the original
    fork_id = UnicodeAttribute(attr_name="forkId")
    owner_id = UnicodeAttribute(attr_name="ownerId")
    created_at = UnicodeAttribute(attr_name="createdAt")
    own = BooleanAttribute(null=True)  # true: the original's owner forked it; not counted


class UsageItem(Item, discriminator="Usage"):
    """PK=PROMPT#<pid>, SK=VIEW#|COPY#<at>#<rand>: one view or copy, expiring (TTL). Only its
    INSERT counts; the TTL removal is not an un-view."""

    prompt_id = UnicodeAttribute(attr_name="promptId")
    kind = UnicodeAttribute()  # "view" | "copy"


class ProcessedEventItem(Item, discriminator="ProcessedEvent"):
    """PK=EVENT#<digest of the stream eventID>, SK=FOR#<counter item> (a profile by hash, not
    by user id): the event was applied to that counter item. Written by the item's next
    update, when the event leaves its ``lastEvents`` (streams/exactly_once.py ``apply``), so a
    redelivered record is applied at most once (TTL 3 days)."""


# --- identity (issue 5) ---------------------------------------------------------------------


class ApiKeyItem(Item, discriminator="ApiKey"):
    """PK=APIKEY#<kid>, SK=APIKEY; GSI1 APIKEYS#<uid> / <createdAt>#<kid> lists a user's keys.

    Only the SHA-256 of the secret is stored. ``expiresAt`` is the key's expiry and also the
    TTL, so DynamoDB removes expired keys by itself (the check at use never relies on that).
    """

    key_id = UnicodeAttribute(attr_name="keyId")
    user_id = UnicodeAttribute(attr_name="userId")
    username = UnicodeAttribute(null=True)
    name = UnicodeAttribute()
    scopes = UnicodeSetAttribute()
    secret_hash = UnicodeAttribute(attr_name="secretHash")
    created_at = UnicodeAttribute(attr_name="createdAt")
    last_used_at = UnicodeAttribute(null=True, attr_name="lastUsedAt")


class FollowItem(Item, discriminator="Follow"):
    """PK=USER#<follower>, SK=FOLLOWS#<followee>; GSI1 FOLLOWERS#<followee> / <at>#<follower>.

    Usernames are fixed at sign-up, so both are copied here and lists need no second read.
    """

    follower_id = UnicodeAttribute(attr_name="followerId")
    follower_name = UnicodeAttribute(attr_name="followerName")
    followee_id = UnicodeAttribute(attr_name="followeeId")
    followee_name = UnicodeAttribute(attr_name="followeeName")
    created_at = UnicodeAttribute(attr_name="createdAt")


class RateCounterItem(Item, discriminator="RateCounter"):
    """PK=RATE#<identity>, SK=<bucket>: a sliding-window counter (TTL). Its estimate
    attributes are named by window (``e<window>_<slice>``, see ratelimit/counter.py), so
    they are written below the model; ``count`` is the former fixed windows' field."""

    hits = IntegerAttribute(null=True, attr_name="count")


class ModerationItem(Item, discriminator="Moderation"):
    """PK=PROMPT#<pid>, SK=MODERATION#<at>#<aid>: what a moderator did to a prompt and why;
    for another target (a comment, a user: ``targetType``, ``targetId``) PK=MODERATED#<type>#
    <id>. Kept after the target is deleted (an audit trail); GSI1 MODERATOR#<uid> finds one
    moderator's actions, so deleting that moderator's account can anonymise them; GSI2
    MODACTIONS / <at>#<aid> lists every action, newest first (issue 12).
    """

    action_id = UnicodeAttribute(attr_name="actionId")
    prompt_id = UnicodeAttribute(null=True, attr_name="promptId")
    target_type = UnicodeAttribute(null=True, attr_name="targetType")  # absent: a prompt
    target_id = UnicodeAttribute(null=True, attr_name="targetId")
    action = UnicodeAttribute()
    reason = UnicodeAttribute()
    moderator_id = UnicodeAttribute(attr_name="moderatorId")
    created_at = UnicodeAttribute(attr_name="createdAt")


# --- reports (issue 12): people flag content; moderators resolve from a queue ------------------


class ReportItem(Item, discriminator="Report"):
    """PK=REPORT#<rid>, SK=REPORT: one person's report of a prompt, comment or user. GSI1
    REPORTS#<status> / <at>#<rid> is the moderation queue (open: by creation, resolved: by
    resolution); GSI2 REPORTER#<uid> / <createdAt>#<rid> finds a reporter's reports (account
    deletion anonymises them: ``reporterId`` becomes ``deleted-user``)."""

    report_id = UnicodeAttribute(attr_name="reportId")
    target_type = UnicodeAttribute(attr_name="targetType")
    target_id = UnicodeAttribute(attr_name="targetId")
    reporter_id = UnicodeAttribute(attr_name="reporterId")
    reason = UnicodeAttribute()
    details = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # open | resolved
    created_at = UnicodeAttribute(attr_name="createdAt")
    resolved_at = UnicodeAttribute(null=True, attr_name="resolvedAt")
    action = UnicodeAttribute(null=True)  # dismiss | hide | remove | restore
    note = UnicodeAttribute(null=True)
    moderator_id = UnicodeAttribute(null=True, attr_name="moderatorId")


class ReportMarkItem(Item, discriminator="ReportMark"):
    """In the reported target's partition PK=REPORTED#<type>#<id>: SK=BY#<uid> while that
    person's report of it is open (one open report per reporter and target: the put is
    conditional; its count is the number of distinct people with an open report), and
    SK=REPORT#<rid> for every report of it, kept (what account deletion of a reported person
    follows to their reports)."""

    report_id = UnicodeAttribute(attr_name="reportId")


class ReportOutcomeItem(Item, discriminator="ReportOutcome"):
    """PK=USER#<reporter>, SK=REPORTOUTCOME#<rid>: what came of a person's report, written when
    a moderator resolves it; its INSERT is the ``report.resolved`` event (the reporter's
    notification). TTL 30 days; deleted with the account."""

    report_id = UnicodeAttribute(attr_name="reportId")
    reporter_id = UnicodeAttribute(attr_name="reporterId")
    target_type = UnicodeAttribute(attr_name="targetType")
    target_id = UnicodeAttribute(attr_name="targetId")
    action = UnicodeAttribute()
    resolved_at = UnicodeAttribute(attr_name="resolvedAt")


# --- labels (issue 13): names that point at versions, with an append-only history ----------


class LabelEntry(MapAttribute[str, Any]):
    """One label of a prompt: the version it points at, who moved it there and when, and the
    labels item's revision that move made (the label's own tag)."""

    name = UnicodeAttribute()
    version = IntegerAttribute()
    moved_by = UnicodeAttribute(attr_name="movedBy")
    moved_at = UnicodeAttribute(attr_name="movedAt")
    revision = IntegerAttribute()


class LabelsItem(Item, discriminator="Labels"):
    """PK=PROMPT#<pid>, SK=LABELS: every label the owner set, in one small item, so a fetch by
    label reads it with the head in one BatchGetItem. ``revision`` bumps on every move: each
    move is a write conditioned on the revision read (decision 44). ``latest``
    is never stored: it is the head's ``version``."""

    prompt_id = UnicodeAttribute(attr_name="promptId")
    revision = IntegerAttribute()
    entries = ListAttribute(of=LabelEntry, default=list)


class LabelMoveItem(Item, discriminator="LabelMove"):
    """PK=PROMPT#<pid>, SK=LABELMOVE#<label>#<revision:08d>: one move (or removal: no
    ``toVersion``), written once with the move it records (condition: not there), never
    changed: the label's history, newest first by a descending Query."""

    prompt_id = UnicodeAttribute(attr_name="promptId")
    label = UnicodeAttribute()
    from_version = IntegerAttribute(null=True, attr_name="fromVersion")
    to_version = IntegerAttribute(null=True, attr_name="toVersion")
    moved_by = UnicodeAttribute(attr_name="movedBy")
    moved_at = UnicodeAttribute(attr_name="movedAt")
    revision = IntegerAttribute()
    # the prompt's owner, for the prompt.label.moved event (absent on moves written before)
    owner_id = UnicodeAttribute(null=True, attr_name="ownerId")


def label_move_prefix(label: str) -> str:
    return f"LABELMOVE#{label}#"  # "#" is never in a label name: the prefix is one label's


def label_move_sk(label: str, revision: int) -> str:
    return f"{label_move_prefix(label)}{revision:08d}"


class ShareItem(Item, discriminator="Share"):
    """PK=PROMPT#<pid>, SK=SHARE#<sid>: an expiring share link of a prompt, in the prompt's
    partition (deleting the prompt deletes it). Only the SHA-256 of the token's secret is
    stored; ``sid`` starts with its creation time, so the partition lists links newest first.
    ``views`` counts the answers given; ``endsAt`` and ``maxViews`` bound them; a revoked link
    keeps ``revokedAt`` (410, not 404). The TTL (``expiresAt``) removes an ended link 30 days
    after it ended (a revoked one after its revocation)."""

    prompt_id = UnicodeAttribute(attr_name="promptId")
    share_id = UnicodeAttribute(attr_name="shareId")
    token_hash = UnicodeAttribute(attr_name="tokenHash")
    created_at = UnicodeAttribute(attr_name="createdAt")
    ends_at = UnicodeAttribute(attr_name="endsAt")
    max_views = IntegerAttribute(null=True, attr_name="maxViews")
    views = IntegerAttribute(default=0)
    last_viewed_at = UnicodeAttribute(null=True, attr_name="lastViewedAt")
    revoked_at = UnicodeAttribute(null=True, attr_name="revokedAt")


SHARE_PREFIX = "SHARE#"


def share_sk(share_id: str) -> str:
    return f"{SHARE_PREFIX}{share_id}"


LABELS = "LABELS"


def prompt_pk(prompt_id: str) -> str:
    return f"PROMPT#{prompt_id}"


def version_sk(number: int) -> str:
    return f"VERSION#{number:06d}"


# --- notifications (issue 11) ----------------------------------------------------------------


class NotificationItem(Item, discriminator="Notification"):
    """PK=USER#<recipient>, SK=NOTIF#<nid>: one grouped notification ("ada and 4 others rated
    X"), nid a hash of its type and target, so every event of one kind about one target grows
    the same item. GSI1 NOTIFS#<uid> / <updatedAt>#<nid> lists them newest first; GSI2
    UNREAD#<uid> (sparse: only while unread) lists and counts the unread. ``lastEvents``: the
    ids of the latest events applied (a redelivered one is skipped); ``revision`` the
    optimistic lock; ``expiresAt`` the retention (TTL)."""

    notification_id = UnicodeAttribute(attr_name="notificationId")
    kind = UnicodeAttribute()  # the event type: prompt.rated, user.followed, ...
    target_type = UnicodeAttribute(attr_name="targetType")  # prompt | user
    target_id = UnicodeAttribute(attr_name="targetId")
    actors = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    occurrences = IntegerAttribute(default=0, attr_name="count")  # since last read
    unread = BooleanAttribute(default=True)
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt")
    revision = IntegerAttribute(default=0)
    last_events = ListAttribute[str](of=UnicodeAttribute, default=list, attr_name="lastEvents")  # type: ignore[arg-type]


class DigestItem(Item, discriminator="Digest"):
    """PK=USER#<uid>, SK=DIGEST#<period>: what the next daily or weekly email will summarise,
    one entry per notification group (its kind, target, count and latest actors). GSI1
    DIGESTS#<period> / <uid> lets the scheduled sender find who has one."""

    user_id = UnicodeAttribute(attr_name="userId")
    period = UnicodeAttribute()
    entries = UnicodeAttribute(default="{}")  # JSON: group -> {kind, targetId, count, actors}
    revision = IntegerAttribute(default=0)
    last_events = ListAttribute[str](of=UnicodeAttribute, default=list, attr_name="lastEvents")  # type: ignore[arg-type]


class ActorTraceItem(Item, discriminator="ActorTrace"):
    """PK=USER#<recipient>, SK=ACTEDBY#<actor>#<NOTIF#nid | DIGEST#period>: the actor's id
    was put in the recipient's notification or digest; GSI1 ACTED#<actor> / <recipient>#<sk>.
    Deleting the actor's account follows these to take the id out again; deleting the
    recipient's erases them with the partition (TTL: the notifications' retention)."""

    actor_id = UnicodeAttribute(attr_name="actorId")
    target_sk = UnicodeAttribute(attr_name="targetSk")


class EmailQuotaItem(Item, discriminator="EmailQuota"):
    """PK=USER#<uid>, SK=EMAILDAY#<yyyy-mm-dd>: instant emails sent to one person that UTC day
    (the daily cap; TTL 2 days)."""

    sent = IntegerAttribute(default=0)


class NotificationPrefsItem(Item, discriminator="NotificationPrefs"):
    """PK=USER#<uid>, SK=NOTIFYPREFS: the choices a person made per event type (``byType``:
    {type: {inApp, email}}, only what they chose; absent is the default, email/preferences.py)
    and the epoch of their unsubscribe links: a link carries the epoch it was made in and works
    while it is current, so bumping it revokes every older link. ``revision`` bumps on every
    write; each write is conditioned on the revision it read (no lost update, no epoch put back).
    """

    user_id = UnicodeAttribute(attr_name="userId")
    by_type = MapAttribute[str, Any](default=dict, attr_name="byType")
    token_epoch = IntegerAttribute(default=0, attr_name="tokenEpoch")
    revision = IntegerAttribute(default=0)


NOTIFY_PREFS = "NOTIFYPREFS"


# --- imports (issue 13, docs/imports.md): a person's imports, their rows, what was imported


class ImportItem(Item, discriminator="Import"):
    """PK=IMPORT#<iid>, SK=META: one import (its file is s3://<bucket>/imports/<uid>/<iid>),
    its status and its counts (written once, when it is done). TTL: 30 days after creation."""

    import_id = UnicodeAttribute(attr_name="importId")
    owner_id = UnicodeAttribute(attr_name="ownerId")
    format = UnicodeAttribute()
    status = UnicodeAttribute()  # awaiting-upload | processing | done | failed
    filename = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(attr_name="createdAt")
    upload_expires_at = UnicodeAttribute(null=True, attr_name="uploadExpiresAt")
    finished_at = UnicodeAttribute(null=True, attr_name="finishedAt")
    error = UnicodeAttribute(null=True)
    created = IntegerAttribute(default=0)
    skipped = IntegerAttribute(default=0)
    rejected = IntegerAttribute(default=0)


class ImportRowItem(Item, discriminator="ImportRow"):
    """PK=IMPORT#<iid>, SK=ROW#<status>#<number, 7 digits>: one row's outcome (the prompt it
    made or found, or why it was rejected). TTL: the import's."""

    number = IntegerAttribute()
    status = UnicodeAttribute()  # created | skipped | rejected
    title = UnicodeAttribute(null=True)
    prompt_id = UnicodeAttribute(null=True, attr_name="promptId")
    reason = UnicodeAttribute(null=True)


class ImportedItem(Item, discriminator="Imported"):
    """PK=USER#<uid>, SK=IMPORTED#<fingerprint>: a row this person imported (the sha-256 of
    its content, docs/imports.md) and the prompt it made, written in the same transaction as
    the prompt: the same row again is skipped, a redelivered file creates nothing twice."""

    prompt_id = UnicodeAttribute(attr_name="promptId")
    import_id = UnicodeAttribute(attr_name="importId")


class ImportQuotaItem(Item, discriminator="ImportQuota"):
    """PK=USER#<uid>, SK=IMPORTDAY#<yyyy-mm-dd>: prompts imported that UTC day (the daily
    import quota; TTL 2 days)."""

    created = IntegerAttribute(default=0)


# --- webhooks (issue 13): a person's endpoints and every delivery to them ------------------


class WebhookItem(Item, discriminator="Webhook"):
    """PK=WEBHOOKS#<uid>, SK=WEBHOOK#<wid>: one endpoint of a person (wid sorts by creation).
    No secret is stored: it is derived from the server secret, the id and ``secretEpoch``
    (webhooks/signing.py, decision 61); after a rotation the previous epoch signs too until
    ``previousUntil``."""

    webhook_id = UnicodeAttribute(attr_name="webhookId")
    user_id = UnicodeAttribute(attr_name="userId")
    url = UnicodeAttribute()
    events = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    description = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(attr_name="createdAt")
    secret_epoch = IntegerAttribute(attr_name="secretEpoch")
    previous_epoch = IntegerAttribute(null=True, attr_name="previousEpoch")
    previous_until = UnicodeAttribute(null=True, attr_name="previousUntil")


class WebhookDeliveryItem(Item, discriminator="WebhookDelivery"):
    """PK=WEBHOOKS#<uid>, SK=DELIVERY#<did>: one event to one webhook, did a hash of the two
    (written once, on ``attribute_not_exists``: a replayed event delivers nothing twice). GSI1
    DELIVERIES#<wid> / <createdAt>#<did> lists a webhook's deliveries newest first. ``body``
    is the exact JSON sent; ``attempts`` moves on with each claimed attempt (the lock);
    ``expiresAt`` the retention (TTL)."""

    delivery_id = UnicodeAttribute(attr_name="deliveryId")
    webhook_id = UnicodeAttribute(attr_name="webhookId")
    event_id = UnicodeAttribute(attr_name="eventId")
    event_type = UnicodeAttribute(attr_name="eventType")
    body = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | delivered | failed
    attempts = IntegerAttribute(default=0)
    next_attempt_at = UnicodeAttribute(null=True, attr_name="nextAttemptAt")
    last_status_code = IntegerAttribute(null=True, attr_name="lastStatusCode")
    last_error = UnicodeAttribute(null=True, attr_name="lastError")
    last_response = UnicodeAttribute(null=True, attr_name="lastResponse")  # a short excerpt
    last_duration_ms = IntegerAttribute(null=True, attr_name="lastDurationMs")
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt")


# --- comments (issue 12, docs/community.md): threads on prompts, one level of replies ------


class CommentItem(Item, discriminator="Comment"):
    """PK=PROMPT#<pid>, SK=COMMENT#<local id>: a top-level comment, in its prompt's partition
    (deleting the prompt deletes it). GSI1 COMMENTS#<pid> / <local id> lists a prompt's
    comments oldest first (the local id starts with the creation time); GSI4 COMMENTS#<pid> /
    ``likes`` by likes; GSI2 COMMENTER#<uid> / <createdAt>#<cid> finds a person's comments
    (account deletion). ``likes`` and ``replyCount`` are kept by the counters consumer
    (``updates``, ``lastEvents``: docs/streams.md); every other write is an UpdateItem that
    leaves them alone. A deleted comment that has replies stays as a tombstone: ``deletedAt``
    set, no author, no body, no mentions."""

    prompt_id = UnicodeAttribute(attr_name="promptId")
    comment_id = UnicodeAttribute(attr_name="commentId")
    parent_id = UnicodeAttribute(null=True, attr_name="parentId")
    author_id = UnicodeAttribute(null=True, attr_name="authorId")
    author_name = UnicodeAttribute(null=True, attr_name="authorName")  # usernames never change
    body = UnicodeAttribute(null=True)
    mentions = ListAttribute[str](of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    created_at = UnicodeAttribute(attr_name="createdAt")
    edited_at = UnicodeAttribute(null=True, attr_name="editedAt")
    deleted_at = UnicodeAttribute(null=True, attr_name="deletedAt")
    # hidden from everyone but its author and moderators (reports, a moderator; issue 12):
    # since when, and whether it awaits review (hidden by reports: a dismissal shows it again)
    hidden_at = UnicodeAttribute(null=True, attr_name="hiddenAt")
    hidden_pending = BooleanAttribute(null=True, attr_name="hiddenPending")
    gsi4pk = UnicodeAttribute(null=True, attr_name="GSI4PK")
    likes = IntegerAttribute(default=0)
    reply_count = IntegerAttribute(default=0, attr_name="replyCount")
    updates = IntegerAttribute(null=True)
    last_events = BinarySetAttribute(null=True, legacy_encoding=False, attr_name="lastEvents")


class ReplyItem(CommentItem, discriminator="Reply"):
    """A reply: the same shape in the same partition, ``parentId`` set, GSI1 REPLIES#<parent
    cid> / <local id> (oldest first), no GSI4 keys. Its own type so that its INSERT is
    ``comment.replied`` and the counters consumer moves the parent's ``replyCount``."""


class CommentLikeItem(Item, discriminator="CommentLike"):
    """PK=PROMPT#<pid>, SK=LIKE#<comment local id>#<uid>: one person's like of a comment, in
    the prompt's partition; GSI1 LIKES#<uid> / <createdAt>#<cid> finds a person's likes
    (account deletion). ``own``: the comment's author liked it, counted nowhere."""

    prompt_id = UnicodeAttribute(attr_name="promptId")
    comment_id = UnicodeAttribute(attr_name="commentId")
    user_id = UnicodeAttribute(attr_name="userId")
    created_at = UnicodeAttribute(attr_name="createdAt")
    own = BooleanAttribute(null=True)
    on_reply = BooleanAttribute(null=True, attr_name="onReply")  # true: the liked is a reply


class MentionItem(Item, discriminator="Mention"):
    """PK=USER#<mentioned uid>, SK=MENTION#<cid>: a comment named the person; its INSERT is
    the ``user.mentioned`` event. GSI1 MENTIONEDBY#<author> / <createdAt>#<cid>. The two
    directions account deletion follows: the mentioned person's name is taken out of the
    comments that mention them, the author's mentions go with the author; deleting a comment
    deletes its mentions."""

    user_id = UnicodeAttribute(attr_name="userId")
    prompt_id = UnicodeAttribute(attr_name="promptId")
    comment_id = UnicodeAttribute(attr_name="commentId")
    actor_id = UnicodeAttribute(attr_name="actorId")
    created_at = UnicodeAttribute(attr_name="createdAt")


COMMENT_PREFIX = "COMMENT#"
LIKE_PREFIX = "LIKE#"


# --- collections (issue 12, docs/community.md): a person's ordered lists of prompts ---------


class CollectionItem(Item, discriminator="Collection"):
    """PK=COLLECTION#<cid>, SK=META; GSI1 COLLECTIONS#<uid> / <createdAt>#<cid> lists a
    person's collections; GSI2 PUBLICCOLLECTIONS#<uid> / the same, only while public (sparse:
    GSI2SK is always written, GSI2PK only while the collection is public)."""

    collection_id = UnicodeAttribute(attr_name="collectionId")
    owner_id = UnicodeAttribute(attr_name="ownerId")
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    visibility = UnicodeAttribute()  # public | private
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt")


class CollectionEntryItem(Item, discriminator="CollectionEntry"):
    """PK=PROMPT#<pid>, SK=COLLECTED#<cid>: a prompt in a collection, in the prompt's partition
    (deleting the prompt deletes it: prompts/repository.py LEFTOVERS). GSI1 COLLECTED#<cid> /
    <rank, 15 digits>#<pid> lists a collection in order; ``rank`` is a gap number (decision 67)."""

    collection_id = UnicodeAttribute(attr_name="collectionId")
    prompt_id = UnicodeAttribute(attr_name="promptId")
    rank = IntegerAttribute()
    added_at = UnicodeAttribute(attr_name="addedAt")


# --- workspaces (issue 14, docs/workspaces.md, decisions 72 and 73) ----------------------------


class WorkspaceItem(Item, discriminator="Workspace"):
    """PK=WORKSPACE#<wid>, SK=META: a team workspace (a personal one is derived, never stored).
    ``memberCount`` and ``ownerCount`` change in the same transaction as the member items, so
    the member cap and "the last owner stays" are conditions, not checks before a write."""

    workspace_id = UnicodeAttribute(attr_name="workspaceId")
    name = UnicodeAttribute()
    slug = UnicodeAttribute()
    member_count = IntegerAttribute(attr_name="memberCount")
    owner_count = IntegerAttribute(attr_name="ownerCount")
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt")


class WorkspaceMemberItem(Item, discriminator="WorkspaceMember"):
    """PK=WORKSPACE#<wid>, SK=MEMBER#<uid>: one member and their role. GSI1 WORKSPACES#<uid> /
    <joinedAt>#<wid> lists a person's workspaces (one Query). Who invited whom is not kept
    here (it would name a deleted account in others' workspaces): the audit log records it."""

    workspace_id = UnicodeAttribute(attr_name="workspaceId")
    user_id = UnicodeAttribute(attr_name="userId")
    role = UnicodeAttribute()  # owner | admin | editor | viewer (workspaces/roles.py)
    joined_at = UnicodeAttribute(attr_name="joinedAt")


class InvitationItem(Item, discriminator="Invitation"):
    """PK=WORKSPACE#<wid>, SK=INVITATION#<iid>: an invitation by email (decisions 74, 75).
    Only the SHA-256 of the token's secret is stored. GSI1 INVITATIONS#<wid> / <endsAt>#<iid>
    is written only while pending (sparse), so the pending list is one Query with ``endsAt``
    after now as its key condition. ``status`` pending | accepted | revoked (expired is
    pending past ``endsAt``); the TTL keeps an ended one 30 days to answer 410."""

    workspace_id = UnicodeAttribute(attr_name="workspaceId")
    invitation_id = UnicodeAttribute(attr_name="invitationId")
    email = UnicodeAttribute()  # lowercased
    role = UnicodeAttribute()
    invited_by = UnicodeAttribute(attr_name="invitedBy")
    token_hash = UnicodeAttribute(attr_name="tokenHash")
    status = UnicodeAttribute()
    created_at = UnicodeAttribute(attr_name="createdAt")
    ends_at = UnicodeAttribute(attr_name="endsAt")
    accepted_by = UnicodeAttribute(null=True, attr_name="acceptedBy")
    accepted_at = UnicodeAttribute(null=True, attr_name="acceptedAt")
    revoked_at = UnicodeAttribute(null=True, attr_name="revokedAt")


class InviteeItem(Item, discriminator="Invitee"):
    """PK=WORKSPACE#<wid>, SK=INVITEE#<email>: the one pending invitation of an address in a
    workspace (decision 74), written with the invitation and deleted when it is accepted or
    revoked; an expired one is overwritten (its ``endsAt`` is past) and swept by the TTL."""

    invitation_id = UnicodeAttribute(attr_name="invitationId")
    ends_at = UnicodeAttribute(attr_name="endsAt")


META = "META"
STATS = "STATS"
VERSION_PREFIX = "VERSION#"
MAX_VERSION = 999_999  # six digits in the sort key


def table_definition() -> dict[str, Any]:
    """CreateTable arguments derived from the models: keys, GSIs, billing, stream and TTL."""
    key_attrs = [("PK", "HASH"), ("SK", "RANGE")]
    indexes = [Item.by_owner, Item.feed, Item.leaderboard, Item.comment_rank]
    gsis = []
    attribute_types = {name: "S" for name, _ in key_attrs}
    for index in indexes:
        schema = index._get_schema()
        attribute_types.update(
            {a["AttributeName"]: a["AttributeType"] for a in schema["attribute_definitions"]}
        )
        gsis.append(
            {
                "IndexName": schema["index_name"],
                "KeySchema": schema["key_schema"],
                "Projection": schema["projection"],
            }
        )
    return {
        "TableName": Item.Meta.table_name,
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": attribute_types[name]}
            for name in sorted(attribute_types)
        ],
        "KeySchema": [{"AttributeName": n, "KeyType": t} for n, t in key_attrs],
        "GlobalSecondaryIndexes": gsis,
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {
            "StreamEnabled": True,
            "StreamViewType": Item.Meta.stream_view_type,
        },
        "TimeToLive": {"AttributeName": "expiresAt", "Enabled": True},
    }
