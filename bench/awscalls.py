"""AWS API calls per request, per endpoint, against the documented minimum.

Runs every scenario once inside in-process moto (``tests.support.aws.moto_aws``) and counts
the botocore API calls the request makes (``bench.counting``). tests/integration/
test_aws_calls.py asserts the same table.
"""

from __future__ import annotations

from typing import Any

# The fewest calls each endpoint can make, by operation (layers/promptvault/prompts/
# repository.py and identity/accounts.py explain why). A token's signature check makes no AWS
# call (the JWKS is cached per container). Every request pays, before its route runs
# (docs/performance.md): a rate-limit count (UpdateItem; two on auth routes: the account and
# the IP) unless its catalogue action is "none", and with a credential one GetItem (the
# profile for a token: a deleted account's token is refused; the key item for an API key).
MINIMUM: dict[str, dict[str, int]] = {
    # guards (1 transaction), SignUp, AdminConfirmSignUp where the stage auto-confirms
    # without the trigger, then the profile with the guards pointed at it (1 transaction)
    "POST /v1/auth/signup": {
        "AdminConfirmSignUp": 1,
        "SignUp": 1,
        "TransactWriteItems": 2,
        "UpdateItem": 2,
    },
    "POST /v1/auth/confirm": {"ConfirmSignUp": 1, "UpdateItem": 2},
    "POST /v1/auth/login": {"InitiateAuth": 1, "UpdateItem": 2},
    "POST /v1/auth/refresh": {"InitiateAuth": 1, "UpdateItem": 2},
    "POST /v1/auth/forgot-password": {"ForgotPassword": 1, "UpdateItem": 2},
    "POST /v1/auth/reset-password": {"ConfirmForgotPassword": 1, "UpdateItem": 2},
    # the credential check's profile read is the answer
    "GET /v1/users/me": {"GetItem": 1, "UpdateItem": 1},
    # the page from GSI1, then the page's counters (stats items) in one BatchGetItem
    "GET /v1/users/me/prompts": {"BatchGetItem": 1, "GetItem": 1, "Query": 1, "UpdateItem": 1},
    # head + version 1 + slug guard in one transaction (a second one only on a slug collision)
    "POST /v1/prompts": {"GetItem": 1, "TransactWriteItems": 1, "UpdateItem": 1},
    # the page from GSI2, then the page's counters in one BatchGetItem
    "GET /v1/prompts": {"BatchGetItem": 1, "Query": 1, "UpdateItem": 1},
    "GET /v1/prompts/{id}": {"BatchGetItem": 1, "GetItem": 1, "UpdateItem": 1},
    # slug guard, then the head
    "GET /v1/prompts/{id} (by slug)": {"BatchGetItem": 1, "GetItem": 1, "UpdateItem": 1},
    # the slug guard alone answers a slug hidden from the caller exactly as an unknown one
    # (it copies owner, visibility and status: no oracle, issue 16 finding 3), and a deleted
    # one (its tombstone: 410, finding 7)
    "GET /v1/prompts/{id} (a hidden slug)": {"GetItem": 1, "UpdateItem": 1},
    "GET /v1/prompts/{id} (an unknown slug)": {"GetItem": 1, "UpdateItem": 1},
    "GET /v1/prompts/{id} (a deleted slug)": {"GetItem": 1, "UpdateItem": 1},
    # head + stats (ownership, If-Match, the answer's counters) in one BatchGetItem, then new
    # head + new version (+ the slug guard's copy of visibility and status) conditionally
    "PATCH /v1/prompts/{id}": {
        "BatchGetItem": 1,
        "GetItem": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    # the head; head + slug tombstone + stats in one transaction; one Query of the prompt's
    # partition for what is left (versions, ratings, fork links); one batch per 25 of them
    "DELETE /v1/prompts/{id} (2 versions)": {
        "BatchWriteItem": 1,
        "GetItem": 2,
        "Query": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    "DELETE /v1/prompts/{id} (30 versions)": {
        "BatchWriteItem": 2,
        "GetItem": 2,
        "Query": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    "GET /v1/prompts/{id}/versions": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    "GET /v1/prompts/{id}/versions/{n}": {"GetItem": 2, "UpdateItem": 1},
    # head + stats in one BatchGetItem, the version to restore, then the edit transaction
    "POST /v1/prompts/{id}/versions/{n}/restore": {
        "BatchGetItem": 1,
        "GetItem": 2,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    "GET /v1/prompts/{id}/diff": {"BatchGetItem": 1, "GetItem": 1, "UpdateItem": 1},
    # --- labels (issue 13): head + labels item in one BatchGetItem (ownership, where each
    # label points), then the labels item and the move's history entry written together on
    # the condition that no other move got in (and that the head still exists)
    "PUT /v1/prompts/{id}/labels/{label}": {
        "BatchGetItem": 1,
        "GetItem": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    "DELETE /v1/prompts/{id}/labels/{label}": {
        "BatchGetItem": 1,
        "GetItem": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    "GET /v1/prompts/{id}/labels": {"BatchGetItem": 1, "UpdateItem": 1},
    # the head (visibility), then one Query of the label's history items
    "GET /v1/prompts/{id}/labels/{label}/history": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    # head + labels (which version, may the caller read it), then the version
    "POST /v1/prompts/{id}/render": {"BatchGetItem": 1, "GetItem": 1, "UpdateItem": 1},
    "GET /v1/prompts/{id}?label=production": {"BatchGetItem": 1, "GetItem": 1, "UpdateItem": 1},
    # the head and the labels item decide the version and its ETag: a client that holds it
    # gets 304 from that one read (and the rate limiter's count), the version is never read
    "GET /v1/prompts/{id}?label=production (304)": {"BatchGetItem": 1, "UpdateItem": 1},
    # --- share links (issue 12): the head (ownership), then the partition's links (the
    # live-link cap) and the new link; a listing is the head and one Query; a revocation the
    # head and one conditional UpdateItem; a read through a link one conditional UpdateItem
    # (the secret, the bounds and the view count together) and the head
    "POST /v1/prompts/{id}/shares": {"GetItem": 2, "PutItem": 1, "Query": 1, "UpdateItem": 1},
    "GET /v1/prompts/{id}/shares": {"GetItem": 2, "Query": 1, "UpdateItem": 1},
    "DELETE /v1/prompts/{id}/shares/{shareId}": {"GetItem": 2, "UpdateItem": 2},
    "GET /v1/shared/{token}": {"GetItem": 1, "UpdateItem": 2},
    # reference data: no AWS call and no rate limit (served from the layer, cacheable)
    # the categories' counts of public prompts: one BatchGetItem, no rate limit (cacheable)
    "GET /v1/categories": {"BatchGetItem": 1},
    # one Query of the tags' GSI1 partition from the prefix, and the limiter's count
    "GET /v1/tags": {"Query": 1, "UpdateItem": 1},
    # one Query per UTC day of the window (7 here), then the top tags' counts
    "GET /v1/tags/popular": {"BatchGetItem": 1, "Query": 7, "UpdateItem": 1},
    "GET /v1/models": {},
    # the key count (at most 20 per user), then the key
    "POST /v1/users/me/api-keys": {"GetItem": 1, "PutItem": 1, "Query": 1, "UpdateItem": 1},
    "GET /v1/users/me/api-keys": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    "DELETE /v1/users/me/api-keys/{id}": {"DeleteItem": 1, "GetItem": 1, "UpdateItem": 1},
    # the key (GetItem by key id) instead of the profile; lastUsedAt at most once a minute
    "GET /v1/prompts/{id} (API key)": {"BatchGetItem": 1, "GetItem": 1, "UpdateItem": 1},
    # one UpdateItem answers with the item as updated
    "PATCH /v1/users/me": {"GetItem": 1, "UpdateItem": 2},
    # password (InitiateAuth); one Query per kind of personal item; the notification
    # preferences by key (one conditional DeleteItem); where one's id went into others'
    # notifications (Query GSI1) and one's own notifications (Query); the Cognito user; the
    # profile + guards in one transaction. Each item found adds its delete. Comments (issue
    # 12) add 4 Queries: one's comments (GSI2), likes and mentions made (GSI1), mentions
    # received (the partition); imports (issue 13) 2: one's imports (GSI1), what one imported
    # (the partition); reports (issue 12) 5: one's reports (GSI2), the reports of oneself and
    # their marks (the REPORTED#user partition, twice), one's outcomes, the moderation records
    # about oneself; workspaces (issue 14) 1: one's memberships (GSI1, read before anything
    # is deleted: the last owner of a shared workspace is refused)
    "DELETE /v1/users/me (no content)": {
        "AdminDeleteUser": 1,
        "BatchWriteItem": 2,
        "DeleteItem": 1,
        "GetItem": 2,
        "InitiateAuth": 1,
        "Query": 25,
        "TransactWriteItems": 1,
        "UpdateItem": 2,
    },
    # a change of address (the credential check's profile read names the old address): the
    # password (InitiateAuth), the new address's guard, Cognito's UpdateUserAttributes with
    # the person's token (it emails the code), the pending address on the profile
    "PUT /v1/users/me/email": {
        "GetItem": 2,
        "InitiateAuth": 1,
        "UpdateItem": 3,
        "UpdateUserAttributes": 1,
    },
    # the guard again (taken meanwhile: nothing changes), VerifyUserAttribute, the profile +
    # both guards in one transaction, then the links' epoch (the preferences read and put)
    "POST /v1/users/me/email/verify": {
        "GetItem": 3,
        "PutItem": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 2,
        "VerifyUserAttribute": 1,
    },
    # username guard, then the profile
    "GET /v1/users/{username}": {"GetItem": 2, "UpdateItem": 1},
    "GET /v1/users/{username}/prompts": {
        "BatchGetItem": 1,
        "GetItem": 1,
        "Query": 1,
        "UpdateItem": 1,
    },
    # username guard; the follow with both profiles checked in one transaction (the counts
    # are the counters consumer's, from the follow item's records)
    "PUT /v1/users/{username}/follow": {"GetItem": 2, "TransactWriteItems": 1, "UpdateItem": 1},
    # username guard; one conditional delete (its REMOVE record moves the counts)
    "DELETE /v1/users/{username}/follow": {"DeleteItem": 1, "GetItem": 2, "UpdateItem": 1},
    "GET /v1/users/{username}/followers": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    "GET /v1/users/{username}/following": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    "GET /v1/leaderboard": {"Query": 1, "UpdateItem": 1},
    # --- email preferences and one-click unsubscribe (issue 11): the preferences item (one
    # GetItem; absent, the defaults answer), written whole on the revision read
    "GET /v1/users/me/notification-preferences": {"GetItem": 2, "UpdateItem": 1},
    "PUT /v1/users/me/notification-preferences": {"GetItem": 2, "PutItem": 1, "UpdateItem": 1},
    # the page checks the link's signature and reads nothing (a link scanner changes nothing)
    "GET /v1/email/unsubscribe": {"UpdateItem": 1},
    # the preferences item (its epoch), then the change in one transaction with the profile's
    # existence checked (an old link never recreates a deleted account's item)
    "POST /v1/email/unsubscribe": {"GetItem": 1, "TransactWriteItems": 1, "UpdateItem": 1},
    # username guard, profile (the Cognito username is the email), groups, then the change
    "PUT /v1/admin/users/{username}/role": {
        "AdminAddUserToGroup": 1,
        "AdminListGroupsForUser": 1,
        "GetItem": 3,
        "UpdateItem": 1,
    },
    # the head; the archive edit (conditional); the moderation record
    "POST /v1/moderation/prompts/{id}/archive": {
        "GetItem": 2,
        "PutItem": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    # the same for a restore: the head, the edit (conditional), the moderation record
    "POST /v1/moderation/prompts/{id}/restore": {
        "GetItem": 2,
        "PutItem": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    # --- reports (issue 12): the target (visibility, owner), the report with the reporter's
    # open mark and the target's record in one transaction, then one Query of the open marks
    # (hidden at the threshold: one more GetItem and the head's edit)
    "POST /v1/reports": {"GetItem": 2, "Query": 1, "TransactWriteItems": 1, "UpdateItem": 1},
    "GET /v1/users/me/reports": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    "GET /v1/moderation/reports": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    # the report; the dismissal reads the head (nothing pending: no write); the target's open
    # marks, their reports in one BatchGetItem, each closed with its outcome in one
    # transaction; the moderation record
    "POST /v1/moderation/reports/{id}/resolve": {
        "BatchGetItem": 1,
        "GetItem": 3,
        "PutItem": 1,
        "Query": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    "GET /v1/moderation/actions": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    # the Cognito pre-sign-up trigger only edits the event it is given
    "trigger auth_presignup": {},
    # --- engagement (issue 4): visibility read + one write; counts come from the stream.
    # Each request also pays the rate limiter (issue 5): one UpdateItem, and one GetItem when
    # signed in (the scenarios below are signed in except views, copies and forks).
    # (a guest's rating takes another path, with one more write: VARIANTS below)
    "PUT /v1/prompts/{id}/rating": {"GetItem": 2, "PutItem": 1, "UpdateItem": 1},
    # one conditional delete of one's own rating, whatever the prompt's visibility now (issue
    # 16, finding 10); only when there was none, the head (GetItem) decides 204 or 404
    "DELETE /v1/prompts/{id}/rating": {"DeleteItem": 1, "GetItem": 1, "UpdateItem": 1},
    # head, stats and the caller's own rating together
    "GET /v1/prompts/{id}/ratings": {"BatchGetItem": 1, "GetItem": 1, "UpdateItem": 1},
    "POST /v1/prompts/{id}/views": {"GetItem": 1, "PutItem": 1, "UpdateItem": 1},
    "POST /v1/prompts/{id}/copies": {"GetItem": 1, "PutItem": 1, "UpdateItem": 1},
    "PUT /v1/prompts/{id}/bookmark": {"GetItem": 2, "PutItem": 1, "UpdateItem": 1},
    # no visibility check: one may always drop a bookmark
    "DELETE /v1/prompts/{id}/bookmark": {"DeleteItem": 1, "GetItem": 1, "UpdateItem": 1},
    # GSI1 page, then heads + stats of the page
    "GET /v1/users/me/bookmarks": {"BatchGetItem": 1, "GetItem": 1, "Query": 1, "UpdateItem": 1},
    # the original, then head + version 1 + slug + fork link in one transaction
    "POST /v1/prompts/{id}/fork": {"GetItem": 2, "TransactWriteItems": 1, "UpdateItem": 1},
    # the original, the fork links, heads + stats of the page
    "GET /v1/prompts/{id}/forks": {"BatchGetItem": 1, "GetItem": 1, "Query": 1, "UpdateItem": 1},
    # --- search (issue 4): the index answers (tantivy here, OpenSearch on AWS: not an AWS SDK
    # call); only the rate limiter touches DynamoDB, anonymous callers being counted per IP.
    "GET /v1/search": {"UpdateItem": 1},
    "GET /v1/search/suggest": {"UpdateItem": 1},
    "GET /v1/prompts?sort=trending": {"UpdateItem": 1},
    # the stats item (version, last events), the 10 events' markers (none: new), the markers
    # of the previous update's events, then one conditional ADD (streams/exactly_once.py apply)
    "trigger stream_counters (10 views of one prompt)": {
        "BatchGetItem": 1,
        "BatchWriteItem": 1,
        "GetItem": 1,
        "UpdateItem": 1,
    },
    # reads nothing from the table; the index (tantivy here) is not an AWS call
    "trigger stream_indexer (a stats change)": {},
    "trigger stream_indexer (a prompt deleted)": {},
    # --- notifications (issue 11) ---------------------------------------------------------
    # one event, one PutEvents (batched by ten)
    "trigger stream_events (a rating)": {"PutEvents": 1},
    # idempotency record (PutItem in progress, UpdateItem completed), recipient + actor
    # (BatchGetItem), preferences and the notification (GetItem), the actor's trace and the
    # notification (PutItem), the day's quota (UpdateItem), one SendEmail
    "trigger events_notify (a follow, instant email)": {
        "BatchGetItem": 1,
        "GetItem": 2,
        "PutItem": 3,
        "SendEmail": 1,
        "UpdateItem": 2,
    },
    # the exactly-once record taken (PutItem) and, the processing having failed, released
    # (DeleteItem) so the retry runs it again
    "trigger events_notify (a malformed event: released, retried)": {
        "DeleteItem": 1,
        "PutItem": 1,
    },
    # who has a digest (Query GSI1), the digest taken (GetItem + conditional DeleteItem), the
    # profile and the preferences (GetItem), the heads and the actors (BatchGetItem), one email
    "trigger email_digest (one daily digest)": {
        "BatchGetItem": 2,
        "DeleteItem": 1,
        "GetItem": 3,
        "Query": 1,
        "SendEmail": 1,
    },
    # the email guard names the account, one conditional UpdateItem marks its profile
    "trigger email_feedback (a permanent bounce)": {"GetItem": 1, "UpdateItem": 1},
    # a page of GSI1, then the actors and the targets (one BatchGetItem each)
    "GET /v1/users/me/notifications": {
        "BatchGetItem": 2,
        "GetItem": 1,
        "Query": 1,
        "UpdateItem": 1,
    },
    "GET /v1/users/me/notifications/unread-count": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    # the unread ids (Query GSI2), one UpdateItem per notification
    "POST /v1/users/me/notifications/read (all, one unread)": {
        "GetItem": 1,
        "Query": 1,
        "UpdateItem": 2,
    },
    # --- comments (issue 12, docs/community.md) ------------------------------------------
    # the head (visibility, closed), the mentioned names' guards (one BatchGetItem), then the
    # comment with the mention in one transaction (a PutItem when nobody is mentioned)
    "POST /v1/prompts/{id}/comments": {
        "BatchGetItem": 1,
        "GetItem": 2,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    # the head, the parent (its thread), the reply
    "POST /v1/prompts/{id}/comments (a reply)": {"GetItem": 3, "PutItem": 1, "UpdateItem": 1},
    # anonymous: the head (visibility), a page of GSI1 (oldest first) or GSI4 (by likes)
    "GET /v1/prompts/{id}/comments": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    "GET /v1/prompts/{id}/comments?sort=top": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    # head + comment in one BatchGetItem, a page of GSI1
    "GET /v1/comments/{id}/replies": {"BatchGetItem": 1, "Query": 1, "UpdateItem": 1},
    # head + comment, the new names' guards, the edit and the new mention in one transaction
    "PATCH /v1/comments/{id}": {
        "BatchGetItem": 2,
        "GetItem": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    # head + comment, whether a reply not yet counted hangs on it (GSI1, Limit 1), the
    # conditional delete, its likes (Query of their keys, one batch)
    "DELETE /v1/comments/{id}": {
        "BatchGetItem": 1,
        "BatchWriteItem": 1,
        "DeleteItem": 1,
        "GetItem": 1,
        "Query": 2,
        "UpdateItem": 1,
    },
    # head + comment, the tombstone (UpdateItem)
    "DELETE /v1/comments/{id} (with replies: a tombstone)": {
        "BatchGetItem": 1,
        "GetItem": 1,
        "UpdateItem": 2,
    },
    # head + comment (visibility), the like (conditional PutItem: idempotent)
    "PUT /v1/comments/{id}/like": {"BatchGetItem": 1, "GetItem": 1, "PutItem": 1, "UpdateItem": 1},
    # no visibility check: one may always withdraw one's like
    "DELETE /v1/comments/{id}/like": {"DeleteItem": 1, "GetItem": 1, "UpdateItem": 1},
    # --- webhooks (issue 13, docs/webhooks.md) -------------------------------------------
    # the cap (one Query of the person's webhooks), then the webhook (conditional PutItem);
    # the secret is derived, never stored (decision 61)
    "POST /v1/webhooks": {"GetItem": 1, "PutItem": 1, "Query": 1, "UpdateItem": 1},
    "GET /v1/webhooks": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    "DELETE /v1/webhooks/{id}": {"DeleteItem": 1, "GetItem": 1, "UpdateItem": 1},
    # the webhook (GetItem), the POST, the delivery recorded (PutItem)
    "POST /v1/webhooks/{id}/test": {"GetItem": 2, "PutItem": 1, "UpdateItem": 1},
    # the webhook (ownership), a page of its deliveries (GSI1)
    "GET /v1/webhooks/{id}/deliveries": {"GetItem": 2, "Query": 1, "UpdateItem": 1},
    # the webhook, the epoch moved on (UpdateItem conditioned on the epoch read)
    "POST /v1/webhooks/{id}/rotate-secret": {"GetItem": 2, "UpdateItem": 2},
    # the owner's webhooks (Query), the delivery opened (conditional PutItem), its message
    # (one SendMessageBatch for up to ten webhooks)
    "trigger webhooks_deliver (an event, one webhook)": {
        "PutItem": 1,
        "Query": 1,
        "SendMessageBatch": 1,
    },
    # the delivery and the webhook (GetItem), the attempt claimed and recorded (UpdateItem)
    "trigger webhooks_deliver (a delivery, 2xx)": {"GetItem": 2, "UpdateItem": 2},
    # as above, and the retry's message with its delay
    "trigger webhooks_deliver (a delivery refused: retry queued)": {
        "GetItem": 2,
        "SendMessageBatch": 1,
        "UpdateItem": 2,
    },
    # the delivery (not due yet), its message sent on with the delay left
    "trigger webhooks_deliver (a retry not yet due: sent on)": {
        "GetItem": 1,
        "SendMessageBatch": 1,
    },
    # a page of the owner's prompts (GSI1), their labels in one BatchGetItem, and one Query
    # of versions per prompt (here one prompt)
    "GET /v1/users/me/export": {"BatchGetItem": 1, "GetItem": 1, "Query": 2, "UpdateItem": 1},
    # the file into the imports bucket, then the import (an upload: the import, and a URL
    # signed without a call); the limiter counts POST /v1/imports in its own bucket
    "POST /v1/imports (inline)": {"GetItem": 1, "PutItem": 1, "PutObject": 1, "UpdateItem": 1},
    "POST /v1/imports (an upload URL)": {"GetItem": 1, "PutItem": 1, "UpdateItem": 1},
    "GET /v1/imports/{id}": {"GetItem": 2, "UpdateItem": 1},
    # the import (only its importer reads its rows), then one Query of its rows
    "GET /v1/imports/{id}/rows": {"GetItem": 2, "Query": 1, "UpdateItem": 1},
    # the import, processing, the file, today's quota; per chunk of rows the fingerprints
    # (BatchGetItem), one TransactWriteItems and the rows' outcomes (BatchWriteItem); done
    "trigger imports_process (an inline file of two prompts)": {
        "BatchGetItem": 1,
        "BatchWriteItem": 1,
        "GetItem": 2,
        "GetObject": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 2,
    },
    # --- collections (issue 12, decisions 67 and 68): the person's count (a Select=COUNT
    # Query on GSI1, the cap), then the collection
    "POST /v1/collections": {"GetItem": 1, "PutItem": 1, "Query": 1, "UpdateItem": 1},
    # the collection (may the caller read it), a page of entries in order (GSI1), the page's
    # heads and then the counters of those the caller may see (one BatchGetItem each)
    "GET /v1/collections/{id}": {"BatchGetItem": 2, "GetItem": 2, "Query": 1, "UpdateItem": 1},
    # one UpdateItem conditioned on the owner, answering the item as written
    "PATCH /v1/collections/{id}": {"GetItem": 1, "UpdateItem": 2},
    # the collection (owner or moderator), its conditional delete, its entries' keys (GSI1),
    # one BatchWriteItem per 25 entries
    "DELETE /v1/collections/{id}": {
        "BatchWriteItem": 1,
        "DeleteItem": 1,
        "GetItem": 2,
        "Query": 1,
        "UpdateItem": 1,
    },
    # the collection (owner), the prompt (may the caller see it), every entry in order (the
    # cap and the neighbours: one Query), then the entry with a condition check that the
    # collection is still the caller's (one transaction); a move writes only its own entry
    "PUT /v1/collections/{id}/prompts/{promptId}": {
        "GetItem": 3,
        "Query": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    # the collection (owner), the entry's conditional delete
    "DELETE /v1/collections/{id}/prompts/{promptId}": {
        "DeleteItem": 1,
        "GetItem": 2,
        "UpdateItem": 1,
    },
    # a page of the person's collections (GSI1)
    "GET /v1/users/me/collections": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    # the username's guard, a page of the person's public collections (GSI2: full pages)
    "GET /v1/users/{username}/collections": {"GetItem": 1, "Query": 1, "UpdateItem": 1},
    # --- workspaces (issue 14, decisions 72 and 73): the owned count (a Select=COUNT Query of
    # GSI1, the cap), then workspace, owner and slug guard in one transaction
    "POST /v1/workspaces": {"GetItem": 1, "Query": 1, "TransactWriteItems": 1, "UpdateItem": 1},
    # the personal workspace from the credential's profile (no call), a page of memberships
    # (GSI1), their workspaces in one BatchGetItem
    "GET /v1/workspaces": {"BatchGetItem": 1, "GetItem": 1, "Query": 1, "UpdateItem": 1},
    # the caller's member item (404 for non-members), then the workspace
    "GET /v1/workspaces/{id}": {"GetItem": 3, "UpdateItem": 1},
    # member, workspace; the rename with the slug guard moved, in one transaction
    "PATCH /v1/workspaces/{id}": {"GetItem": 3, "TransactWriteItems": 1, "UpdateItem": 1},
    # member, workspace; workspace + guard deleted in one transaction; the rest of its
    # partition (members, invitations) by Query and one BatchWriteItem per 25
    "DELETE /v1/workspaces/{id}": {
        "BatchWriteItem": 1,
        "GetItem": 3,
        "Query": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    # the caller's member item, a page of the partition's members
    "GET /v1/workspaces/{id}/members": {"GetItem": 2, "Query": 1, "UpdateItem": 1},
    # the caller's and the target's member items; the role and the owner count in one
    # transaction (conditioned: the last owner stays)
    "PATCH /v1/workspaces/{id}/members/{userId}": {
        "GetItem": 3,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    # the same reads; the member deleted and the counts updated in one transaction
    "DELETE /v1/workspaces/{id}/members/{userId}": {
        "GetItem": 3,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    # --- invitations (issue 14, decisions 74 and 75): the invitation bucket's count; the
    # inviter's member item and the workspace (404, 403, its name for the email); the
    # address's guard (no account here: else its profile, suppressed?, and its member item,
    # already in?); the pending cap (a Select=COUNT Query of GSI1); the invitation and the
    # address's pending mark in one transaction; one SES SendEmail
    "POST /v1/workspaces/{id}/invitations": {
        "GetItem": 4,
        "Query": 1,
        "SendEmail": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    # the caller's member item, a page of the pending ones (GSI1, unexpired by key condition)
    "GET /v1/workspaces/{id}/invitations": {"GetItem": 2, "Query": 1, "UpdateItem": 1},
    # the caller's member item, the invitation (its address names the mark); revoked and
    # the mark deleted in one transaction
    "DELETE /v1/workspaces/{id}/invitations/{invitationId}": {
        "GetItem": 3,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
    # the invitation and the workspace in one consistent BatchGetItem; the claim, the mark's
    # deletion, the member and the workspace's counts in one transaction (exactly once)
    "POST /v1/invitations/{token}/accept": {
        "BatchGetItem": 1,
        "GetItem": 1,
        "TransactWriteItems": 1,
        "UpdateItem": 1,
    },
}

# Endpoints whose observed calls exceed MINIMUM because of the product code: label -> why.
# The test marks them xfail(strict=True), so fixing the code makes the test say so.
ABOVE_MINIMUM: dict[str, str] = {}

# Requests of a counted route that take another path (issue 16, finding 8), counted the same
# way: label -> (function, what the request needs, its status, its calls).
VARIANTS: dict[str, tuple[str, str, int, dict[str, int]]] = {
    # a guest: no profile read (no token), but the conditional PutItem of the guest-source
    # guard (one guest id per prompt, client network and UTC day) before the rating's: one
    # write more than before the finding, on the guest path only
    "PUT /v1/prompts/{id}/rating (guest)": (
        "engagement_rate",
        "guest-rating",
        200,
        {"GetItem": 1, "PutItem": 2, "UpdateItem": 1},
    ),
    # the owner's own view is not recorded: the credential's profile and the head, no write
    "POST /v1/prompts/{id}/views (the owner's own)": (
        "engagement_view",
        "own-view",
        202,
        {"GetItem": 2, "UpdateItem": 1},
    ),
    # only the unread: a page of GSI2 instead of GSI1, then the actors and the targets
    "GET /v1/users/me/notifications?unread=true": (
        "notifications_list",
        "unread-notifications",
        200,
        {"BatchGetItem": 2, "GetItem": 1, "Query": 1, "UpdateItem": 1},
    ),
    # comments (issue 12), beyond "no content": the comment with a reply becomes a tombstone
    # (UpdateItem), the reply goes (conditional DeleteItem + Query of its likes), their
    # mentions (the names' guards: BatchGetItem, then BatchWriteItem), the like and the
    # mention made (BatchWriteItem each); the mention received: the comment read (GetItem),
    # the name taken out (UpdateItem), the item (BatchWriteItem); and the notifications the
    # person received for the reply and the mention (notifications.forget)
    "DELETE /v1/users/me (a commenter)": (
        "users_me_delete",
        "commenter",
        204,
        {
            "AdminDeleteUser": 1,
            "BatchGetItem": 1,
            "BatchWriteItem": 6,
            "DeleteItem": 8,
            "GetItem": 6,
            "InitiateAuth": 1,
            "Query": 26,
            "TransactWriteItems": 1,
            "UpdateItem": 4,
        },
    ),
    # a report resolved by removing the prompt (issue 12): the report, the head, the prompt's
    # delete (its transaction, the Query of its partition, the BatchWriteItem of what is
    # left), then the reports closed and the moderation record as for a dismissal
    "POST /v1/moderation/reports/{id}/resolve (remove)": (
        "moderation_resolve",
        "resolve-remove",
        200,
        {
            "BatchGetItem": 1,
            "BatchWriteItem": 1,
            "GetItem": 3,
            "PutItem": 1,
            "Query": 2,
            "TransactWriteItems": 2,
            "UpdateItem": 1,
        },
    ),
    # a comment reported: the prompt's head and the comment in one BatchGetItem, then as a
    # prompt's report
    "POST /v1/reports (a comment)": (
        "reports_create",
        "report-comment",
        201,
        {"BatchGetItem": 1, "GetItem": 1, "Query": 1, "TransactWriteItems": 1, "UpdateItem": 1},
    ),
    # the third person's report of a comment hides it pending review: the comment read again
    # and one UpdateItem
    "POST /v1/reports (the third, hiding a comment)": (
        "reports_create",
        "report-comment-third",
        201,
        {
            "BatchGetItem": 1,
            "GetItem": 2,
            "Query": 1,
            "TransactWriteItems": 1,
            "UpdateItem": 2,
        },
    ),
    # a comment's report resolved by hiding it: the comment read, one UpdateItem
    "POST /v1/moderation/reports/{id}/resolve (a comment hidden)": (
        "moderation_resolve",
        "resolve-comment-hide",
        200,
        {
            "BatchGetItem": 1,
            "GetItem": 3,
            "PutItem": 1,
            "Query": 1,
            "TransactWriteItems": 1,
            "UpdateItem": 2,
        },
    ),
    # a comment's report resolved by removing it (no replies): whether replies hang on it
    # (GSI1), its conditional delete, its likes (Query)
    "POST /v1/moderation/reports/{id}/resolve (a comment removed)": (
        "moderation_resolve",
        "resolve-comment-remove",
        200,
        {
            "BatchGetItem": 1,
            "DeleteItem": 1,
            "GetItem": 3,
            "PutItem": 1,
            "Query": 3,
            "TransactWriteItems": 1,
            "UpdateItem": 1,
        },
    ),
    # a moderator made admin: the group they leave is removed, the new one added
    "PUT /v1/admin/users/{username}/role (a moderator made admin)": (
        "admin_user_role",
        "role-change",
        200,
        {
            "AdminAddUserToGroup": 1,
            "AdminListGroupsForUser": 1,
            "AdminRemoveUserFromGroup": 1,
            "GetItem": 3,
            "UpdateItem": 1,
        },
    ),
}


def variant_request(label: str, world: Any) -> Any:
    """The request of a ``VARIANTS`` row, on a fresh prompt of the world's owner (setup calls
    are not counted): a guest's rating would otherwise meet the guard of an earlier run."""
    import uuid

    from bench.scenarios import Request
    from tests.support.factories import create_prompt

    path = f"/v1/prompts/{create_prompt(world.owner)['id']}"
    kind = VARIANTS[label][1]
    if kind == "guest-rating":
        return Request("PUT", f"{path}/rating", {"score": 4, "guestId": f"bench-{uuid.uuid4()}"})
    if kind == "own-view":
        return Request("POST", f"{path}/views", token=world.owner.token)
    if kind == "unread-notifications":
        from bench.scenarios import _engaged

        _engaged(world)
        return Request(
            "GET", "/v1/users/me/notifications", token=world.owner.token, query={"unread": "true"}
        )
    if kind == "commenter":
        from bench.scenarios import commenter_to_delete

        return commenter_to_delete(world)
    if kind == "resolve-remove":
        from bench.scenarios import resolve_request

        return resolve_request(world, "remove")
    if kind in {"report-comment", "report-comment-third"}:
        from bench.scenarios import comment_report_request

        return comment_report_request(world, third=kind.endswith("third"))
    if kind in {"resolve-comment-hide", "resolve-comment-remove"}:
        from bench.scenarios import resolve_comment_request

        return resolve_comment_request(world, kind.rsplit("-", 1)[1])
    if kind == "role-change":
        from bench.scenarios import sign_in_admin
        from tests.support.api import call
        from tests.support.factories import sign_up

        admin, someone = sign_in_admin(world), sign_up()
        role = f"/v1/admin/users/{someone.username}/role"
        assert call("PUT", role, {"role": "moderator"}, token=admin.token).status == 200
        return Request("PUT", role, {"role": "admin"}, token=admin.token)
    raise ValueError(label)


def observe() -> list[dict[str, Any]]:
    """Each scenario once, inside in-process moto; the calls each request made."""
    import tests.conftest  # noqa: F401  (the test environment, before promptvault is imported)
    from bench.counting import counting_aws_calls
    from bench.scenarios import SCENARIOS, make_world, presignup_event, send
    from tests.support.aws import moto_aws
    from tests.support.ratelimits import enforced

    rows: list[dict[str, Any]] = []
    with moto_aws(), enforced(), counting_aws_calls() as counter:
        world = make_world()
        for scenario in SCENARIOS:
            request = scenario.prepare(world)
            counter.reset()
            reply = send(request)
            calls = counter.snapshot()
            rows.append(_row(scenario.label, scenario.function, calls, reply.status))
        from functions.auth_presignup.handler import handler

        counter.reset()
        handler(presignup_event(), None)
        rows.append(_row("trigger auth_presignup", "auth_presignup", counter.snapshot(), None))
        rows.extend(_stream_rows(world, counter))
        for label, (function, _, status, minimum) in VARIANTS.items():
            request = variant_request(label, world)
            counter.reset()
            reply = send(request)
            rows.append(_row(label, function, counter.snapshot(), reply.status, minimum))
            assert reply.status == status, reply.body
    return rows


def _stream_rows(world: Any, counter: Any) -> list[dict[str, Any]]:
    """Each stream consumer on one realistic batch; a batch item failure would show in status."""
    import importlib

    from bench.scenarios import STREAM_TRIGGERS

    rows = []
    for label, (function, build) in STREAM_TRIGGERS.items():
        handler = importlib.import_module(f"functions.{function}.handler").handler
        event = build(world)
        counter.reset()
        reply = handler(event, None)
        status = 200 if not reply["batchItemFailures"] else 500
        rows.append(_row(label, function, counter.snapshot(), status))
    return rows


def _row(
    label: str,
    function: str,
    calls: dict[str, int],
    status: int | None,
    minimum: dict[str, int] | None = None,
) -> dict[str, Any]:
    minimum = MINIMUM[label] if minimum is None else minimum
    return {
        "endpoint": label,
        "function": function,
        "status": status,
        "calls": calls,
        "total": sum(calls.values()),
        "minimum": minimum,
        "minimum_total": sum(minimum.values()),
        "at_minimum": calls == minimum,
    }


def run() -> dict[str, Any]:
    rows = observe()
    return {
        "method": "botocore before-call events on every client, one request per endpoint, "
        "in-process moto",
        "endpoints": rows,
        "all_at_minimum": all(row["at_minimum"] for row in rows),
    }
