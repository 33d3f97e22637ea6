"""The catalogue: the one list of endpoints, and of the functions that are not behind one.

A route row is the one statement of a route: CDK reads it to create one function and one
route, the web layer to register the function's endpoint on its resolver (method, path, tag,
summary), the local gateway to dispatch, the OpenAPI generator to describe, and the tests to
prove every function has a row. Trigger rows do the same for Cognito triggers and table-stream
consumers (CDK, the local stream pump). Standard library only: importing it must stay free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

# public: no identity is read; optional: a token is read when sent (a bad one is 401);
# user: a valid token is required.
AuthMode = Literal["public", "optional", "user"]

# What a function does to AWS, one word per kind of call; infra turns each into the IAM
# statement that allows exactly that call (infra/access.py), and tests/infra/
# test_iam_observed.py proves every word is used and every call covered. The rate limiter and
# the credential check every request shares are implied by the route, never declared here.
Access = Literal[
    "table:get",  # GetItem
    "table:batch-get",  # BatchGetItem
    "table:query",  # Query on the table (one item collection)
    "table:put",  # PutItem, also a transaction's Put
    "table:update",  # UpdateItem, also a transaction's Update
    "table:delete",  # DeleteItem, also a transaction's Delete
    "table:batch-write",  # BatchWriteItem
    "table:check",  # a transaction's ConditionCheck
    "index:GSI1",  # Query by owner (prompts, keys, bookmarks, ratings, followers)
    "index:GSI2",  # Query the public feed and whom one follows
    "index:GSI3",  # Query the leaderboard
    "index:GSI4",  # Query a prompt's comments by likes (sort=top)
    "secret:read",  # the server secret: cursors sealed and opened, guest raters hashed
    "cognito:client",  # sign-up, login, refresh, password flows, a person's own address
    # change with their access token (public client APIs: no IAM)
    "cognito:admin-confirm",  # auto-confirm in stages that turn it on
    "search:read",  # query the search index (OpenSearch on AWS, tantivy locally)
    "cognito:admin-roles",  # list, add and remove a user's role groups
    "cognito:admin-delete",  # delete a user (account deletion)
    "search:write",  # write the search index (the indexer consumer)
    "events:put",  # PutEvents on the stage's event bus (the domain-events consumer)
    "email:send",  # SES v2 SendEmail through the stage's configuration set
    "queue:send-own",  # SendMessage(Batch) to the function's own queue (an events:queue
    # trigger re-queueing its work: webhook deliveries and their retries)
    "uploads:put",  # PutObject under imports/ in the stage's imports bucket (inline content,
    # and what a pre-signed upload URL the function signs is allowed to do)
    "uploads:get",  # GetObject under imports/ in the stage's imports bucket (the worker)
]

# What an API key needs to call a route: a "read" key calls read routes, a "read"+"write" key
# both; "session" routes take a person's token only (managing keys, roles, moderation, deleting
# the account, changing its address), so a leaked key can never mint keys or lock its owner out.
Scope = Literal["read", "write", "session"]

# The rate-limit action a request counts against; promptvault/ratelimit/limits.py holds the
# numbers. "auth" counts per account signed into and, more loosely, per client IP.
RateAction = Literal[
    "auth",
    "rating",
    "prompt-create",
    "webhook",
    "comment",
    "import",
    "report",
    "invitation",
    "general",
    "none",
]


def function_module(function: str, module: str = "handler") -> str:
    """The dotted name of a module of a function package: functions.<function>.<module>."""
    return f"functions.{function}.{module}"


def handler_path(function: str) -> str:
    """A function's Lambda handler setting: the ``handler`` of functions/<function>/handler.py."""
    return f"{function_module(function)}.handler"


@dataclass(frozen=True, slots=True)
class Throttle:
    rate: int = 50  # steady requests per second (API Gateway route throttling)
    burst: int = 100


@dataclass(frozen=True, slots=True)
class Route:
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str  # API Gateway syntax: /v1/prompts/{id}
    function: str  # package under functions/
    auth: AuthMode
    summary: str
    access: tuple[Access, ...] = ()
    throttle: Throttle = field(default_factory=Throttle)
    max_body_bytes: int = 64 * 1024
    tag: str = "prompts"
    scope: Scope | None = None  # None: "read" for GET, "write" otherwise
    rate_limit: RateAction = "general"

    @property
    def key_scope(self) -> Scope:
        if self.scope is not None:
            return self.scope
        return "read" if self.method == "GET" else "write"

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def resolver_path(self) -> str:
        """The same path in the event handler's syntax: /v1/prompts/<id>."""
        return re.sub(r"\{(\w+)\}", r"<\1>", self.path)

    @property
    def handler(self) -> str:
        return handler_path(self.function)


_AUTH = Throttle(rate=10, burst=20)
# Starting points for a new row, wider than any route needs: the IAM test names what the
# function never does, and the row keeps only what its scenarios use.
_READ: tuple[Access, ...] = ("table:get", "table:batch-get", "table:query", "secret:read")
_WRITE: tuple[Access, ...] = (*_READ, "table:put", "table:update", "table:delete", "table:check")

ROUTES: tuple[Route, ...] = (
    # accounts
    Route(
        "POST",
        "/v1/auth/signup",
        "auth_signup",
        "public",
        "Create an account",
        ("table:put", "cognito:client", "cognito:admin-confirm"),
        _AUTH,
        4096,
        "auth",
        rate_limit="auth",
    ),
    Route(
        "POST",
        "/v1/auth/confirm",
        "auth_confirm",
        "public",
        "Confirm an account with the emailed code",
        ("cognito:client",),
        _AUTH,
        4096,
        "auth",
        rate_limit="auth",
    ),
    Route(
        "POST",
        "/v1/auth/login",
        "auth_login",
        "public",
        "Log in with email and password",
        ("cognito:client",),
        _AUTH,
        4096,
        "auth",
        rate_limit="auth",
    ),
    Route(
        "POST",
        "/v1/auth/refresh",
        "auth_refresh",
        "public",
        "Exchange a refresh token for new tokens",
        ("cognito:client",),
        _AUTH,
        8192,
        "auth",
        rate_limit="auth",
    ),
    Route(
        "POST",
        "/v1/auth/forgot-password",
        "auth_forgot_password",
        "public",
        "Send a password reset code",
        ("cognito:client",),
        _AUTH,
        4096,
        "auth",
        rate_limit="auth",
    ),
    Route(
        "POST",
        "/v1/auth/reset-password",
        "auth_reset_password",
        "public",
        "Set a new password with the reset code",
        ("cognito:client",),
        _AUTH,
        4096,
        "auth",
        rate_limit="auth",
    ),
    Route(
        "GET",
        "/v1/users/me",
        "users_me",
        "user",
        "The signed-in user's profile",
        (),
        tag="users",
    ),
    Route(
        "GET",
        "/v1/users/me/prompts",
        "users_me_prompts",
        "user",
        "The signed-in user's prompts, newest first",
        ("table:batch-get", "index:GSI1", "secret:read"),
        tag="users",
    ),
    # prompts
    Route(
        "POST",
        "/v1/prompts",
        "prompts_create",
        "user",
        "Create a prompt and its first version",
        ("table:put",),
        Throttle(10, 20),
        rate_limit="prompt-create",
    ),
    Route(
        "GET",
        "/v1/prompts",
        "prompts_list",
        "public",
        "Public published prompts: newest first, or ranked by the index with sort=",
        ("table:batch-get", "index:GSI2", "secret:read", "search:read"),
    ),
    Route(
        "GET",
        "/v1/prompts/{id}",
        "prompts_get",
        "optional",
        "One prompt by id or slug",
        ("table:get", "table:batch-get"),
    ),
    Route(
        "PATCH",
        "/v1/prompts/{id}",
        "prompts_update",
        "user",
        "Edit a prompt (If-Match required); content edits write a new version",
        ("table:batch-get", "table:put"),
    ),
    Route(
        "DELETE",
        "/v1/prompts/{id}",
        "prompts_delete",
        "user",
        "Delete a prompt with its versions",
        ("table:get", "table:query", "table:put", "table:delete", "table:batch-write"),
    ),
    Route(
        "GET",
        "/v1/prompts/{id}/versions",
        "versions_list",
        "optional",
        "A prompt's versions, newest first",
        ("table:get", "table:query", "secret:read"),
        tag="versions",
    ),
    Route(
        "GET",
        "/v1/prompts/{id}/versions/{n}",
        "versions_get",
        "optional",
        "One version of a prompt",
        ("table:get",),
        tag="versions",
    ),
    Route(
        "POST",
        "/v1/prompts/{id}/versions/{n}/restore",
        "versions_restore",
        "user",
        "Write a new version equal to version n",
        ("table:get", "table:batch-get", "table:put"),
        max_body_bytes=4096,
        tag="versions",
    ),
    Route(
        "GET",
        "/v1/prompts/{id}/diff",
        "prompts_diff",
        "optional",
        "Unified diff between two versions",
        ("table:get", "table:batch-get"),
        tag="versions",
    ),
    # labels, fetch by label and rendering (issue 13)
    Route(
        "PUT",
        "/v1/prompts/{id}/labels/{label}",
        "labels_set",
        "user",
        "Point a label at a version, atomically (owner; latest cannot be set)",
        ("table:get", "table:batch-get", "table:put", "table:update", "table:check"),
        max_body_bytes=1024,
        tag="versions",
    ),
    Route(
        "DELETE",
        "/v1/prompts/{id}/labels/{label}",
        "labels_delete",
        "user",
        "Remove a label (owner; latest cannot be removed)",
        ("table:get", "table:batch-get", "table:put", "table:update", "table:check"),
        tag="versions",
    ),
    Route(
        "GET",
        "/v1/prompts/{id}/labels",
        "labels_list",
        "optional",
        "A prompt's labels, with who moved each and when",
        ("table:get", "table:batch-get"),
        tag="versions",
    ),
    Route(
        "GET",
        "/v1/prompts/{id}/labels/{label}/history",
        "labels_history",
        "optional",
        "A label's moves, newest first",
        ("table:get", "table:query", "secret:read"),
        tag="versions",
    ),
    Route(
        "POST",
        "/v1/prompts/{id}/render",
        "prompts_render",
        "optional",
        "Render a version (by label, default production, or number) with checked variables",
        ("table:get", "table:batch-get"),
        max_body_bytes=64 * 1024,
        scope="read",  # reads and computes, writes nothing: a read key may render
    ),
    # expiring share links (issue 12): the owner mints, lists and revokes; anyone with the
    # token reads, one conditional write per view (decision 63)
    Route(
        "POST",
        "/v1/prompts/{id}/shares",
        "shares_create",
        "user",
        "Create an expiring share link to your prompt (the token is shown once)",
        ("table:get", "table:query", "table:put"),
        max_body_bytes=1024,
    ),
    Route(
        "GET",
        "/v1/prompts/{id}/shares",
        "shares_list",
        "user",
        "Your prompt's share links, newest first (owner)",
        ("table:get", "table:query", "secret:read"),
    ),
    Route(
        "DELETE",
        "/v1/prompts/{id}/shares/{shareId}",
        "shares_revoke",
        "user",
        "Revoke a share link (owner): it answers 410 from then on",
        ("table:get", "table:update"),
    ),
    Route(
        "GET",
        "/v1/shared/{token}",
        "shared_get",
        "public",
        "Read the prompt a share link names, without signing in (spends one view)",
        ("table:get", "table:update"),
    ),
    # engagement (issue 4): one write each; counts follow from the table's stream
    Route(
        "PUT",
        "/v1/prompts/{id}/rating",
        "engagement_rate",
        "optional",
        "Rate a prompt 1-5 (signed in, or as a guest with guestId)",
        ("table:get", "table:put", "secret:read"),
        Throttle(20, 40),
        1024,
        "engagement",
        rate_limit="rating",
    ),
    Route(
        "DELETE",
        "/v1/prompts/{id}/rating",
        "engagement_unrate",
        "optional",
        "Remove one's own rating",
        ("table:get", "table:delete"),
        Throttle(20, 40),
        tag="engagement",
    ),
    Route(
        "GET",
        "/v1/prompts/{id}/ratings",
        "engagement_ratings",
        "optional",
        "Rating average, count, breakdown and the caller's own",
        ("table:batch-get",),
        tag="engagement",
    ),
    Route(
        "POST",
        "/v1/prompts/{id}/views",
        "engagement_view",
        "optional",
        "Count a view (anonymous allowed)",
        ("table:get", "table:put"),
        max_body_bytes=1024,
        tag="engagement",
        scope="read",  # usage telemetry, not content: a read key may record it
    ),
    Route(
        "POST",
        "/v1/prompts/{id}/copies",
        "engagement_copy",
        "optional",
        "Count a copy (anonymous allowed)",
        ("table:get", "table:put"),
        max_body_bytes=1024,
        tag="engagement",
        scope="read",  # usage telemetry, not content: a read key may record it
    ),
    Route(
        "PUT",
        "/v1/prompts/{id}/bookmark",
        "engagement_bookmark",
        "user",
        "Bookmark a prompt",
        ("table:get", "table:put"),
        max_body_bytes=1024,
        tag="engagement",
    ),
    Route(
        "DELETE",
        "/v1/prompts/{id}/bookmark",
        "engagement_unbookmark",
        "user",
        "Remove a bookmark",
        ("table:delete",),
        tag="engagement",
    ),
    Route(
        "GET",
        "/v1/users/me/bookmarks",
        "users_me_bookmarks",
        "user",
        "The signed-in user's bookmarks, newest first",
        ("table:batch-get", "index:GSI1", "secret:read"),
        tag="users",
    ),
    Route(
        "POST",
        "/v1/prompts/{id}/fork",
        "engagement_fork",
        "user",
        "Fork a prompt: its current version becomes a new prompt of the caller's",
        ("table:get", "table:put"),
        Throttle(10, 20),
        4096,
        "engagement",
        rate_limit="prompt-create",  # a fork creates a prompt: same bucket as POST /v1/prompts
    ),
    Route(
        "GET",
        "/v1/prompts/{id}/forks",
        "engagement_forks",
        "optional",
        "A prompt's forks, newest first",
        ("table:get", "table:batch-get", "table:query", "secret:read"),
        tag="engagement",
    ),
    # search (issue 4): served from the index, no table read
    Route(
        "GET",
        "/v1/search",
        "search_query",
        "optional",
        "Search prompts (typo tolerant) with filters, sorts, highlights and facets",
        ("secret:read", "search:read"),
        tag="search",
    ),
    Route(
        "GET",
        "/v1/search/suggest",
        "search_suggest",
        "optional",
        "Up to 8 prompt titles for a prefix",
        ("search:read",),
        tag="search",
    ),
    # reference data
    Route(
        "GET",
        "/v1/categories",
        "reference_categories",
        "public",
        "Prompt categories, each with its count of public prompts",
        ("table:batch-get",),
        tag="reference",
        # one BatchGetItem of the category counts, cacheable (public, 5 minutes): gateway
        # throttling is enough (decision 69)
        rate_limit="none",
    ),
    # tags (issue 12): counts kept by the counters consumer from the stream (decision 69)
    Route(
        "GET",
        "/v1/tags",
        "tags_list",
        "public",
        "Tags of public prompts with their counts, alphabetical (prefix, cursor)",
        ("index:GSI1", "secret:read"),
        tag="reference",
    ),
    Route(
        "GET",
        "/v1/tags/popular",
        "tags_popular",
        "public",
        "The tags public prompts took most in the last day, 7 or 30 days",
        ("table:query", "table:batch-get"),
        tag="reference",
    ),
    Route(
        "GET",
        "/v1/models",
        "reference_models",
        "public",
        "AI models prompts target",
        tag="reference",
        rate_limit="none",
    ),
    # identity (issue 5): keys, profiles, follows, roles, moderation, account deletion
    Route(
        "POST",
        "/v1/users/me/api-keys",
        "users_api_keys_create",
        "user",
        "Create a personal API key (the secret is shown once)",
        ("index:GSI1", "table:put"),
        max_body_bytes=4096,
        tag="users",
        scope="session",
    ),
    Route(
        "GET",
        "/v1/users/me/api-keys",
        "users_api_keys_list",
        "user",
        "The signed-in user's API keys (never the secrets)",
        ("index:GSI1",),
        tag="users",
        scope="session",
    ),
    Route(
        "DELETE",
        "/v1/users/me/api-keys/{id}",
        "users_api_keys_revoke",
        "user",
        "Revoke an API key at once",
        ("table:delete",),
        tag="users",
        scope="session",
    ),
    Route(
        "PATCH",
        "/v1/users/me",
        "users_me_update",
        "user",
        "Edit the signed-in user's public profile",
        ("table:update",),
        max_body_bytes=8192,
        tag="users",
    ),
    Route(
        "DELETE",
        "/v1/users/me",
        "users_me_delete",
        "user",
        "Delete the account and everything personal (password required)",
        (
            "table:get",
            "table:batch-get",
            "table:query",
            "index:GSI1",
            "index:GSI2",
            "table:put",
            "table:update",
            "table:delete",
            "table:batch-write",
            "cognito:client",
            "cognito:admin-delete",
        ),
        _AUTH,
        4096,
        "users",
        scope="session",
        rate_limit="auth",
    ),
    # a change of address (issue 11): asked with the password, done with Cognito's code
    Route(
        "PUT",
        "/v1/users/me/email",
        "users_me_email",
        "user",
        "Change the account's email address (password required): Cognito emails a code to it",
        ("table:get", "table:update", "cognito:client"),
        _AUTH,
        4096,
        "users",
        scope="session",
        rate_limit="auth",
    ),
    Route(
        "POST",
        "/v1/users/me/email/verify",
        "users_me_email_verify",
        "user",
        "Verify the new email address with the code Cognito sent it; notifications follow it",
        ("table:get", "table:put", "table:update", "table:delete", "cognito:client"),
        _AUTH,
        1024,
        "users",
        scope="session",
        rate_limit="auth",
    ),
    Route(
        "GET",
        "/v1/users/{username}",
        "users_get",
        "public",
        "A public profile with its counts and reputation",
        ("table:get",),
        tag="users",
    ),
    Route(
        "GET",
        "/v1/users/{username}/prompts",
        "users_prompts",
        "public",
        "A user's public prompts, newest first",
        ("table:get", "table:batch-get", "index:GSI1", "secret:read"),
        tag="users",
    ),
    Route(
        "PUT",
        "/v1/users/{username}/follow",
        "follows_create",
        "user",
        "Follow a user",
        ("table:get", "table:put", "table:check"),
        max_body_bytes=1024,
        tag="social",
    ),
    Route(
        "DELETE",
        "/v1/users/{username}/follow",
        "follows_delete",
        "user",
        "Stop following a user",
        ("table:get", "table:delete"),
        tag="social",
    ),
    Route(
        "GET",
        "/v1/users/{username}/followers",
        "follows_followers",
        "public",
        "Who follows a user, newest first",
        ("table:get", "index:GSI1", "secret:read"),
        tag="social",
    ),
    Route(
        "GET",
        "/v1/users/{username}/following",
        "follows_following",
        "public",
        "Whom a user follows, newest first",
        ("table:get", "index:GSI2", "secret:read"),
        tag="social",
    ),
    Route(
        "GET",
        "/v1/leaderboard",
        "leaderboard",
        "public",
        "Top creators by reputation",
        ("index:GSI3", "secret:read"),
        tag="social",
    ),
    # notifications (issue 11)
    Route(
        "GET",
        "/v1/users/me/notifications",
        "notifications_list",
        "user",
        "The signed-in user's notifications, newest first, grouped",
        ("table:batch-get", "index:GSI1", "index:GSI2", "secret:read"),
        tag="notifications",
    ),
    Route(
        "GET",
        "/v1/users/me/notifications/unread-count",
        "notifications_unread_count",
        "user",
        "How many of the signed-in user's notifications are unread",
        ("index:GSI2",),
        tag="notifications",
    ),
    Route(
        "POST",
        "/v1/users/me/notifications/read",
        "notifications_read",
        "user",
        "Mark notifications read, by id or all",
        ("table:update", "index:GSI2"),
        max_body_bytes=8192,
        tag="notifications",
    ),
    # email preferences and one-click unsubscribe (issue 11, docs/email.md)
    Route(
        "GET",
        "/v1/users/me/notification-preferences",
        "notification_prefs_get",
        "user",
        "The signed-in user's notification preferences: in-app and email, per event type",
        ("table:get",),
        tag="notifications",
    ),
    Route(
        "PUT",
        "/v1/users/me/notification-preferences",
        "notification_prefs_update",
        "user",
        "Change notification preferences per event type (email: instant, daily, weekly, off)",
        ("table:get", "table:put"),
        max_body_bytes=4096,
        tag="notifications",
    ),
    Route(
        "GET",
        "/v1/email/unsubscribe",
        "email_unsubscribe_page",
        "public",
        "The page an email's unsubscribe link opens (HTML): what it stops, and a button",
        ("secret:read",),
        tag="notifications",
    ),
    Route(
        "POST",
        "/v1/email/unsubscribe",
        "email_unsubscribe",
        "public",
        "One-click unsubscribe (RFC 8058, a form): the signed link turns its emails off",
        ("table:get", "table:put", "table:check", "secret:read"),
        max_body_bytes=1024,
        tag="notifications",
    ),
    # import and export (issue 13, docs/imports.md)
    Route(
        "GET",
        "/v1/users/me/export",
        "users_me_export",
        "user",
        "Export one's own prompts as a file: json (with versions and labels), csv, yaml, markdown",
        ("table:batch-get", "table:query", "index:GSI1"),
        Throttle(rate=5, burst=10),
        tag="imports",
    ),
    Route(
        "POST",
        "/v1/imports",
        "imports_create",
        "user",
        "Start an import: the file inline, or a pre-signed URL to upload it to; asynchronous",
        ("table:put", "uploads:put"),
        Throttle(rate=5, burst=10),
        max_body_bytes=64 * 1024,
        tag="imports",
        rate_limit="import",
    ),
    Route(
        "GET",
        "/v1/imports/{id}",
        "imports_get",
        "user",
        "An import's status and counts (its importer only)",
        ("table:get",),
        tag="imports",
    ),
    Route(
        "GET",
        "/v1/imports/{id}/rows",
        "imports_rows",
        "user",
        "An import's rows: what each became, or why it was rejected (its importer only)",
        ("table:get", "table:query", "secret:read"),
        tag="imports",
    ),
    Route(
        "PUT",
        "/v1/admin/users/{username}/role",
        "admin_user_role",
        "user",
        "Set a user's role (admins only)",
        ("table:get", "cognito:admin-roles"),
        max_body_bytes=1024,
        tag="admin",
        scope="session",
    ),
    Route(
        "POST",
        "/v1/moderation/prompts/{id}/archive",
        "moderation_archive",
        "user",
        "Archive any prompt, with a recorded reason (moderators and admins)",
        ("table:get", "table:put"),
        max_body_bytes=4096,
        tag="admin",
        scope="session",
    ),
    Route(
        "POST",
        "/v1/moderation/prompts/{id}/restore",
        "moderation_restore",
        "user",
        "Publish again a prompt a moderator archived or hid, with a recorded reason (moderators)",
        ("table:get", "table:put"),
        max_body_bytes=4096,
        tag="admin",
        scope="session",
    ),
    # reports and the moderation queue (issue 12, decision 70)
    Route(
        "POST",
        "/v1/reports",
        "reports_create",
        "user",
        "Report a prompt, a comment or a user to the moderators (one open per target)",
        ("table:get", "table:batch-get", "table:put", "table:update", "table:query"),
        max_body_bytes=4096,
        tag="admin",
        rate_limit="report",
    ),
    Route(
        "GET",
        "/v1/users/me/reports",
        "reports_mine",
        "user",
        "Your reports and what came of each, newest first",
        ("index:GSI2", "secret:read"),
        tag="admin",
    ),
    Route(
        "GET",
        "/v1/moderation/reports",
        "moderation_reports",
        "user",
        "The moderation queue: open reports oldest first, or resolved ones (moderators)",
        ("index:GSI1", "secret:read"),
        tag="admin",
        scope="session",
    ),
    Route(
        "POST",
        "/v1/moderation/reports/{id}/resolve",
        "moderation_resolve",
        "user",
        "Resolve a report with an action applied to its target (moderators)",
        (
            "table:get",
            "table:batch-get",
            "table:query",
            "index:GSI1",
            "table:put",
            "table:update",
            "table:delete",
            "table:batch-write",
        ),
        max_body_bytes=4096,
        tag="admin",
        scope="session",
    ),
    Route(
        "GET",
        "/v1/moderation/actions",
        "moderation_actions",
        "user",
        "What moderators did: who, what, when and why, newest first (moderators)",
        ("index:GSI2", "secret:read"),
        tag="admin",
        scope="session",
    ),
)


# webhooks (issue 13, docs/webhooks.md): a person's endpoints for events on their prompts
ROUTES += (
    Route(
        "POST",
        "/v1/webhooks",
        "webhooks_create",
        "user",
        "Register a webhook (https, a public host): the signing secret is shown once",
        ("table:query", "table:put", "secret:read"),
        Throttle(10, 20),
        4096,
        "webhooks",
        rate_limit="webhook",
    ),
    Route(
        "GET",
        "/v1/webhooks",
        "webhooks_list",
        "user",
        "The signed-in user's webhooks, newest first",
        ("table:query", "secret:read"),
        tag="webhooks",
    ),
    Route(
        "DELETE",
        "/v1/webhooks/{id}",
        "webhooks_delete",
        "user",
        "Delete a webhook: nothing more is delivered to it",
        ("table:delete",),
        tag="webhooks",
    ),
    Route(
        "POST",
        "/v1/webhooks/{id}/test",
        "webhooks_test",
        "user",
        "Send a signed webhook.test ping now and answer what the receiver did",
        ("table:get", "table:put", "secret:read"),
        Throttle(10, 20),
        1024,
        "webhooks",
        rate_limit="webhook",
    ),
    Route(
        "GET",
        "/v1/webhooks/{id}/deliveries",
        "webhooks_deliveries",
        "user",
        "A webhook's deliveries, newest first: status, attempts, last answer, next attempt",
        ("table:get", "index:GSI1", "secret:read"),
        tag="webhooks",
    ),
    Route(
        "POST",
        "/v1/webhooks/{id}/rotate-secret",
        "webhooks_rotate_secret",
        "user",
        "A new signing secret (shown once); the old one keeps signing beside it for 24 h",
        ("table:get", "table:update", "secret:read"),
        max_body_bytes=1024,
        tag="webhooks",
    ),
)


# collections (issue 12, docs/community.md): a person's ordered lists of prompts, public or
# private; entries live in their prompts' partitions, ordered by gap ranks (decisions 67, 68)
ROUTES += (
    Route(
        "POST",
        "/v1/collections",
        "collections_create",
        "user",
        "Create a collection of prompts, public or private (at most 100 per person)",
        ("table:put", "index:GSI1"),
        max_body_bytes=4096,
        tag="community",
    ),
    Route(
        "GET",
        "/v1/collections/{id}",
        "collections_get",
        "optional",
        "A collection and a page of its prompts in order, only those the caller may see",
        ("table:get", "table:batch-get", "index:GSI1", "secret:read"),
        tag="community",
    ),
    Route(
        "PATCH",
        "/v1/collections/{id}",
        "collections_update",
        "user",
        "Rename, describe or change the visibility of a collection (owner)",
        ("table:update",),
        max_body_bytes=4096,
        tag="community",
    ),
    Route(
        "DELETE",
        "/v1/collections/{id}",
        "collections_delete",
        "user",
        "Delete a collection (owner; moderators: a public one); its prompts stay",
        ("table:get", "table:delete", "table:batch-write", "index:GSI1"),
        tag="community",
    ),
    Route(
        "PUT",
        "/v1/collections/{id}/prompts/{promptId}",
        "collections_put_prompt",
        "user",
        "Add a prompt one can see to one's collection, or move it (idempotent)",
        ("table:get", "table:put", "table:check", "index:GSI1"),
        max_body_bytes=1024,
        tag="community",
    ),
    Route(
        "DELETE",
        "/v1/collections/{id}/prompts/{promptId}",
        "collections_remove_prompt",
        "user",
        "Take a prompt out of one's collection",
        ("table:get", "table:delete"),
        tag="community",
    ),
    Route(
        "GET",
        "/v1/users/me/collections",
        "users_me_collections",
        "user",
        "The signed-in user's collections, public and private, newest first",
        ("index:GSI1", "secret:read"),
        tag="community",
    ),
    Route(
        "GET",
        "/v1/users/{username}/collections",
        "users_collections",
        "public",
        "A user's public collections, newest first",
        ("table:get", "index:GSI2", "secret:read"),
        tag="community",
    ),
)

# comments (issue 12, docs/community.md): threads on the prompts one can see, one level of
# replies, likes counted from the stream; new comments and edits count against "comment"
_COMMENT_BODY = 32 * 1024  # 5,000 characters of up to 4 bytes each, JSON-escaped
ROUTES += (
    Route(
        "POST",
        "/v1/prompts/{id}/comments",
        "comments_create",
        "user",
        "Comment on a prompt one can see, or reply to a comment (markdown as text)",
        ("table:get", "table:batch-get", "table:put"),
        Throttle(10, 20),
        _COMMENT_BODY,
        "community",
        rate_limit="comment",
    ),
    Route(
        "GET",
        "/v1/prompts/{id}/comments",
        "comments_list",
        "optional",
        "A prompt's top-level comments: oldest first, or most liked first with sort=top",
        ("table:get", "index:GSI1", "index:GSI4", "secret:read"),
        tag="community",
    ),
    Route(
        "GET",
        "/v1/comments/{id}/replies",
        "comments_replies",
        "optional",
        "The replies to a comment, oldest first",
        ("table:batch-get", "index:GSI1", "secret:read"),
        tag="community",
    ),
    Route(
        "PATCH",
        "/v1/comments/{id}",
        "comments_update",
        "user",
        "Edit one's own comment (marks editedAt)",
        ("table:batch-get", "table:update", "table:put"),
        Throttle(10, 20),
        _COMMENT_BODY,
        "community",
        rate_limit="comment",
    ),
    Route(
        "DELETE",
        "/v1/comments/{id}",
        "comments_delete",
        "user",
        "Delete a comment (its author, the prompt's owner, a moderator); one with replies "
        "stays as a tombstone",
        (
            "table:batch-get",
            "table:query",
            "index:GSI1",
            "table:update",
            "table:delete",
            "table:batch-write",
        ),
        tag="community",
    ),
    Route(
        "PUT",
        "/v1/comments/{id}/like",
        "comments_like",
        "user",
        "Like a comment (idempotent)",
        ("table:batch-get", "table:put"),
        max_body_bytes=1024,
        tag="community",
    ),
    Route(
        "DELETE",
        "/v1/comments/{id}/like",
        "comments_unlike",
        "user",
        "Withdraw one's like of a comment (idempotent)",
        ("table:delete",),
        tag="community",
    ),
)

# workspaces (issue 14, docs/workspaces.md): a personal one for everyone (derived, never
# stored), team ones with members and roles (decisions 72, 73)
ROUTES += (
    Route(
        "POST",
        "/v1/workspaces",
        "workspaces_create",
        "user",
        "Create a team workspace, owned by the caller (slug unique; at most 50 owned)",
        ("table:put", "index:GSI1"),
        max_body_bytes=4096,
        tag="workspaces",
    ),
    Route(
        "GET",
        "/v1/workspaces",
        "workspaces_list",
        "user",
        "The caller's workspaces and role in each, the personal one first",
        ("table:batch-get", "index:GSI1", "secret:read"),
        tag="workspaces",
    ),
    Route(
        "GET",
        "/v1/workspaces/{id}",
        "workspaces_get",
        "user",
        "A workspace the caller is a member of",
        ("table:get",),
        tag="workspaces",
    ),
    Route(
        "PATCH",
        "/v1/workspaces/{id}",
        "workspaces_update",
        "user",
        "Rename a team workspace or change its slug (admins, owners)",
        ("table:get", "table:put", "table:update", "table:delete"),
        max_body_bytes=4096,
        tag="workspaces",
    ),
    Route(
        "DELETE",
        "/v1/workspaces/{id}",
        "workspaces_delete",
        "user",
        "Delete a team workspace and its memberships (owners)",
        ("table:get", "table:query", "table:delete", "table:batch-write"),
        tag="workspaces",
    ),
    Route(
        "GET",
        "/v1/workspaces/{id}/members",
        "workspaces_members",
        "user",
        "A workspace's members and their roles (members)",
        ("table:get", "table:query", "secret:read"),
        tag="workspaces",
    ),
    Route(
        "PATCH",
        "/v1/workspaces/{id}/members/{userId}",
        "workspaces_member_update",
        "user",
        "Change a member's role (admins below owner; owners grant and revoke owner)",
        ("table:get", "table:update"),
        max_body_bytes=1024,
        tag="workspaces",
    ),
    Route(
        "DELETE",
        "/v1/workspaces/{id}/members/{userId}",
        "workspaces_member_remove",
        "user",
        "Remove a member, or leave (the last owner stays)",
        ("table:get", "table:delete", "table:update"),
        tag="workspaces",
    ),
)


# invitations (issue 14, docs/workspaces.md, decisions 74 and 75): admins and owners invite
# by email (one SES email with a one-time link, 7 days); the invited account accepts
ROUTES += (
    Route(
        "POST",
        "/v1/workspaces/{id}/invitations",
        "workspaces_invitations_create",
        "user",
        "Invite someone by email with a role (admins, owners): one email with a 7-day link",
        ("table:get", "table:put", "index:GSI1", "email:send"),
        Throttle(10, 20),
        4096,
        "workspaces",
        scope="session",
        rate_limit="invitation",
    ),
    Route(
        "GET",
        "/v1/workspaces/{id}/invitations",
        "workspaces_invitations_list",
        "user",
        "A workspace's pending invitations, newest first (admins, owners)",
        ("table:get", "index:GSI1", "secret:read"),
        tag="workspaces",
        scope="session",
    ),
    Route(
        "DELETE",
        "/v1/workspaces/{id}/invitations/{invitationId}",
        "workspaces_invitations_revoke",
        "user",
        "Revoke a pending invitation (admins, owners): its link answers 410 from then on",
        ("table:get", "table:update", "table:delete"),
        tag="workspaces",
        scope="session",
    ),
    Route(
        "POST",
        "/v1/invitations/{token}/accept",
        "invitations_accept",
        "user",
        "Accept an invitation: the signed-in account's address must be the invited one",
        ("table:batch-get", "table:update", "table:delete", "table:put"),
        max_body_bytes=1024,
        tag="workspaces",
        scope="session",
    ),
)


def by_function() -> dict[str, Route]:
    return {route.function: route for route in ROUTES}


# Which table-stream records reach a consumer, in product words; infra/consumers.py turns each
# into Lambda event filter patterns, which the local stream pump applies too.
StreamRecords = Literal["counted-items", "prompt-heads", "event-sources"]

# Where a trigger's events come from. ``events:queue``: an EventBridge rule on the stage's bus
# routes the detail-types in ``events`` to the function's own SQS queue (with a DLQ), and an
# event source mapping hands the queue's messages to it (partial batch failures);
# ``schedule``: EventBridge Scheduler invokes it with ``{"period": <name>}`` for each of its
# ``schedules``; ``email:feedback``: SES bounce and complaint notifications (configuration
# set -> SNS topic -> the function); ``uploads:queue``: the stage's imports bucket sends its
# ObjectCreated events under imports/ to the function's own SQS queue (with a DLQ), one file
# per invocation (docs/imports.md).
TriggerSource = Literal[
    "cognito:pre-sign-up",
    "dynamodb:stream",
    "events:queue",
    "schedule",
    "email:feedback",
    "uploads:queue",
]


@dataclass(frozen=True, slots=True)
class Trigger:
    """A function that is not behind a route: a Cognito trigger or a table-stream consumer."""

    function: str
    source: TriggerSource
    summary: str
    access: tuple[Access, ...] = ()
    # dynamodb:stream only: the records it receives (None: every record), its batch size
    # (None: the stage default; also an events:queue mapping's).
    records: StreamRecords | None = None
    batch_size: int | None = None
    # events:queue only: the detail-types its rule matches (promptvault/events/catalogue.py).
    events: tuple[str, ...] = ()
    # schedule only: (period name, EventBridge Scheduler expression) pairs, e.g.
    # ("daily", "cron(0 8 * * ? *)"); the function receives {"period": <name>}.
    schedules: tuple[tuple[str, str], ...] = ()

    @property
    def handler(self) -> str:
        return handler_path(self.function)


TRIGGERS: tuple[Trigger, ...] = (
    Trigger(
        "auth_presignup", "cognito:pre-sign-up", "Auto-confirm sign-ups where the stage allows"
    ),
    # table-stream consumers: CDK deploys each with its event source mapping
    # (infra/consumers.py), the local runtime runs them from its stream pump
    Trigger(
        "stream_counters",
        "dynamodb:stream",
        "Engagement counters from ratings, bookmarks, forks, views and copies, exactly once",
        ("table:get", "table:batch-get", "table:update", "table:batch-write"),
        records="counted-items",
    ),
    Trigger(
        "stream_indexer",
        "dynamodb:stream",
        "The search index from prompt heads and stats, with external versions",
        ("search:write",),
        records="prompt-heads",
    ),
    Trigger(
        "stream_events",
        "dynamodb:stream",
        "Domain events from table changes, published to the stage's event bus",
        ("events:put",),
        records="event-sources",
    ),
    # the event bus's consumers (promptvault/events/catalogue.py lists the events)
    Trigger(
        "events_notify",
        "events:queue",
        "In-app notifications and instant emails from domain events, exactly once",
        (
            "table:get",
            "table:batch-get",
            "table:put",
            "table:update",
            "table:delete",
            "secret:read",
            "email:send",
        ),
        batch_size=10,
        events=(
            "prompt.rated",
            "prompt.bookmarked",
            "prompt.forked",
            "user.followed",
            "comment.created",
            "comment.replied",
            "user.mentioned",
        ),
    ),
    Trigger(
        "webhooks_deliver",
        "events:queue",
        "Signed webhook deliveries of prompt events, retried with backoff for 24 hours",
        ("table:get", "table:query", "table:put", "table:update", "secret:read", "queue:send-own"),
        batch_size=1,  # one message is at most one HTTP attempt (5 s): within the timeout
        events=("prompt.version.created", "prompt.label.moved", "prompt.deleted"),
    ),
    Trigger(
        "email_digest",
        "schedule",
        "Daily and weekly digest emails of what the period brought",
        ("table:get", "table:batch-get", "table:delete", "index:GSI1", "secret:read", "email:send"),
        schedules=(("daily", "cron(0 8 * * ? *)"), ("weekly", "cron(0 8 ? * MON *)")),
    ),
    Trigger(
        "email_feedback",
        "email:feedback",
        "Suppress the addresses SES reports as bounced or complaining",
        ("table:get", "table:update"),
    ),
    # the imports bucket's uploads (docs/imports.md)
    Trigger(
        "imports_process",
        "uploads:queue",
        "Import an uploaded file's rows as prompts, exactly once, within the daily quota",
        (
            "table:get",
            "table:batch-get",
            "table:put",
            "table:update",
            "table:batch-write",
            "uploads:get",
        ),
        batch_size=1,
    ),
)


def stream_consumers() -> tuple[Trigger, ...]:
    return tuple(trigger for trigger in TRIGGERS if trigger.source == "dynamodb:stream")


def triggers_from(source: TriggerSource) -> tuple[Trigger, ...]:
    return tuple(trigger for trigger in TRIGGERS if trigger.source == source)
