"""From a route's declared ``access`` to IAM statements: the only way a function gets rights.

The catalogue says what a function does to AWS, one word per kind of call (``table:get``,
``index:GSI1``, ``secret:read``); this module turns each word into the narrowest statement that
lets the code make that call, on named resources only. Two paths every request shares are
implied by the route's auth mode and rate limit, not declared: the rate limiter's counter and
the credential check. They touch items of known partitions only, so their grants carry a
``dynamodb:LeadingKeys`` condition. tests/infra/test_iam_observed.py runs every scenario,
records every call each function makes, and proves its synthesized role allows each of them
and grants nothing the function never does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_iam as iam

from promptvault.catalogue import Route

# One DynamoDB action per word, on the table. A transaction is authorised item by item
# (Put/Update/Delete/ConditionCheck), so it needs the words of its items, nothing more.
TABLE_ACTIONS = {
    "table:get": "dynamodb:GetItem",
    "table:batch-get": "dynamodb:BatchGetItem",
    "table:query": "dynamodb:Query",
    "table:put": "dynamodb:PutItem",
    "table:update": "dynamodb:UpdateItem",
    "table:delete": "dynamodb:DeleteItem",
    "table:batch-write": "dynamodb:BatchWriteItem",
    "table:check": "dynamodb:ConditionCheckItem",
}
# Query on one global secondary index (the table's own names, promptvault.data.models).
INDEXES = {
    "index:GSI1": "GSI1",
    "index:GSI2": "GSI2",
    "index:GSI3": "GSI3",
    "index:GSI4": "GSI4",
}
# The paths every request shares, by the partitions they touch (layers/promptvault/ratelimit/
# counter.py: RATE#<identity>; identity/credentials.py: the caller's USER# profile, or the
# APIKEY# item and its last use). The counter is an UpdateItem; a refused one is read back
# (GetItem), an expired one replaced (PutItem).
SHARED_PATHS: dict[str, dict[str, tuple[str, ...]]] = {
    "table:rate-limit": {
        "dynamodb:UpdateItem": ("RATE#*",),
        "dynamodb:GetItem": ("RATE#*",),
        "dynamodb:PutItem": ("RATE#*",),
    },
    "table:credentials": {
        "dynamodb:GetItem": ("USER#*", "APIKEY#*"),
        "dynamodb:UpdateItem": ("APIKEY#*",),
    },
}
SECRET_READ = ("secretsmanager:GetSecretValue",)
ADMIN_CONFIRM = ("cognito-idp:AdminConfirmSignUp",)
ADMIN_ROLES = (
    "cognito-idp:AdminAddUserToGroup",
    "cognito-idp:AdminListGroupsForUser",
    "cognito-idp:AdminRemoveUserFromGroup",
)
ADMIN_DELETE = ("cognito-idp:AdminDeleteUser",)
# What opensearch-py sends (promptvault/search/opensearch_backend.py): searches are POSTs to
# _search; the indexer checks the index (HEAD), creates it if missing (PUT), writes with _bulk
# (POST, after a _mget of stored stats) and deletes documents (DELETE).
SEARCH_READ = ("es:ESHttpPost",)
SEARCH_WRITE = ("es:ESHttpDelete", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut")
EMAIL_SEND = ("ses:SendEmail", "ses:SendRawEmail")
# The domain-events consumer publishes to the stage's bus, and only there.
EVENTS_PUT = ("events:PutEvents",)
# Import files, under imports/ in the stage's imports bucket (infra/uploads.py): the import
# route puts inline content (and signs upload URLs that may only put), the worker reads.
UPLOADS = {"uploads:put": ("s3:PutObject",), "uploads:get": ("s3:GetObject",)}
# A queue trigger that re-queues its own work (webhook deliveries and their retries): its own
# queue, and only that one (SendMessageBatch is authorised as sqs:SendMessage).
QUEUE_SEND_OWN = ("sqs:SendMessage",)
KNOWN_ACCESS = frozenset(
    {
        *TABLE_ACTIONS,
        *INDEXES,
        *SHARED_PATHS,  # implied by the route (effective_access), never declared
        "secret:read",
        "cognito:client",
        "cognito:admin-confirm",
        "cognito:admin-roles",
        "cognito:admin-delete",
        "search:read",
        "search:write",
        "email:send",
        "events:put",
        "queue:send-own",
        *UPLOADS,
    }
)


def effective_access(route: Route) -> tuple[str, ...]:
    """The route's declared access plus the shared paths its requests take: the rate limiter
    unless its action is "none", the credential check unless it is public."""
    implied = []
    if route.rate_limit != "none":
        implied.append("table:rate-limit")
    if route.auth != "public":
        implied.append("table:credentials")
    return (*route.access, *implied)


def touches_table(access: Iterable[str]) -> bool:
    return any(word.startswith(("table:", "index:")) for word in access)


@dataclass(frozen=True, slots=True)
class Grantable:
    """ARNs of what functions may be granted; tokens at synth time."""

    table_arn: str
    index_arns: tuple[str, ...]
    user_pool_arn: str
    cursor_secret_arn: str
    search_domain_arn: str | None = None
    email_resources: tuple[str, ...] = ()  # sending identity + configuration set ARNs
    event_bus_arn: str | None = None  # the stage's event bus (infra/stacks/events.py)
    imports_bucket_arn: str | None = None  # the stage's imports bucket (infra/uploads.py)


def statements_for(
    access: Iterable[str],
    resources: Grantable,
    *,
    auto_confirm_signup: bool,
    own_queue_arn: str | None = None,
) -> list[iam.PolicyStatement]:
    """The statements one function needs for its access, nothing more (``own_queue_arn``:
    the queue an ``events:queue`` trigger reads, for ``queue:send-own``)."""
    wanted = set(access)
    unknown = wanted - KNOWN_ACCESS
    if unknown:
        raise ValueError(f"no IAM mapping for access {sorted(unknown)}; add one in infra/access.py")
    statements = _table_statements(wanted, resources.table_arn)
    indexes = [f"{resources.table_arn}/index/{INDEXES[w]}" for w in sorted(wanted & set(INDEXES))]
    if indexes:
        statements.append(_allow(("dynamodb:Query",), indexes))
    if "secret:read" in wanted:
        # The server secret: cursors are sealed and opened with it, guest raters hashed.
        statements.append(_allow(SECRET_READ, [resources.cursor_secret_arn]))
    if "cognito:admin-roles" in wanted:
        statements.append(_allow(ADMIN_ROLES, [resources.user_pool_arn]))
    if "cognito:admin-delete" in wanted:
        statements.append(_allow(ADMIN_DELETE, [resources.user_pool_arn]))
    # cognito:client needs no IAM: sign-up, login and reset are unauthenticated client APIs,
    # and a person's own address change is authorised by their access token.
    if "cognito:admin-confirm" in wanted and auto_confirm_signup:
        statements.append(_allow(ADMIN_CONFIRM, [resources.user_pool_arn]))
    search = wanted & {"search:read", "search:write"}
    if search:
        if resources.search_domain_arn is None:
            raise ValueError("search access needs the search domain")
        actions = SEARCH_WRITE if "search:write" in search else SEARCH_READ
        statements.append(_allow(actions, [f"{resources.search_domain_arn}/*"]))
    if "email:send" in wanted:
        if not resources.email_resources:
            raise ValueError("email:send needs the sending identity and configuration set")
        statements.append(_allow(EMAIL_SEND, list(resources.email_resources)))
    if "events:put" in wanted:
        if resources.event_bus_arn is None:
            raise ValueError("events:put needs the stage's event bus")
        statements.append(_allow(EVENTS_PUT, [resources.event_bus_arn]))
    if "queue:send-own" in wanted:
        if own_queue_arn is None:
            raise ValueError("queue:send-own is for an events:queue trigger: its own queue")
        statements.append(_allow(QUEUE_SEND_OWN, [own_queue_arn]))
    for word in sorted(wanted & set(UPLOADS)):
        if resources.imports_bucket_arn is None:
            raise ValueError(f"{word} needs the stage's imports bucket")
        statements.append(_allow(UPLOADS[word], [f"{resources.imports_bucket_arn}/imports/*"]))
    return statements


def _table_statements(wanted: set[str], table_arn: str) -> list[iam.PolicyStatement]:
    """The declared item actions on the whole table; the shared paths' actions, where not
    declared, only on their partitions (an action granted both ways would be granted twice)."""
    declared = {TABLE_ACTIONS[w] for w in wanted & set(TABLE_ACTIONS)}
    statements = [_allow(declared, [table_arn])] if declared else []
    prefixes: dict[str, set[str]] = {}
    for path in sorted(wanted & set(SHARED_PATHS)):
        for action, keys in SHARED_PATHS[path].items():
            if action not in declared:
                prefixes.setdefault(action, set()).update(keys)
    by_keys: dict[tuple[str, ...], set[str]] = {}
    for action, partitions in prefixes.items():
        by_keys.setdefault(tuple(sorted(partitions)), set()).add(action)
    for leading, actions in sorted(by_keys.items()):
        condition = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": list(leading)}}
        statements.append(_allow(actions, [table_arn], condition))
    return statements


def _allow(
    actions: Iterable[str], resources: list[str], conditions: dict[str, Any] | None = None
) -> iam.PolicyStatement:
    return iam.PolicyStatement(
        actions=sorted(set(actions)), resources=resources, conditions=conditions
    )
