"""From a route's declared ``access`` to IAM statements: the only way a function gets rights.

The catalogue says what a route touches in product words (``table:read``); this module
turns each word into the narrowest statements that let the code work, on named resources
only. A test reads every synthesized role back and compares it with the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aws_cdk import aws_iam as iam

from promptvault.catalogue import Route

TABLE_READ = ("dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:GetItem")
INDEX_READ = ("dynamodb:Query",)
TABLE_WRITE = (
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
)
ADMIN_CONFIRM = ("cognito-idp:AdminConfirmSignUp",)
ADMIN_ROLES = (
    "cognito-idp:AdminAddUserToGroup",
    "cognito-idp:AdminListGroupsForUser",
    "cognito-idp:AdminRemoveUserFromGroup",
)
ADMIN_DELETE = ("cognito-idp:AdminDeleteUser",)
# Rate-limit counters and an API key's last-used time: one UpdateItem, nothing else.
TABLE_COUNT = ("dynamodb:UpdateItem",)
CURSOR_SECRET_READ = ("secretsmanager:GetSecretValue",)
SEARCH_READ = ("es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost")
SEARCH_WRITE = ("es:ESHttpDelete", "es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut")
EMAIL_SEND = ("ses:SendEmail", "ses:SendRawEmail")
KNOWN_ACCESS = frozenset(
    {
        "table:read",
        "table:write",
        "cognito:client",
        "cognito:admin-confirm",
        "cognito:admin-roles",
        "cognito:admin-delete",
        "table:count",  # implied by the catalogue: rate limits and API-key last use
        "search:read",  # consumers and search routes, once they exist
        "search:write",
        "email:send",
    }
)


def effective_access(route: Route) -> tuple[str, ...]:
    """The route's declared access plus what the shared request path needs: a rate-limited
    route counts (UpdateItem), and a route that reads credentials may touch an API key's
    last use (UpdateItem) after looking the key or the profile up (GetItem, in table:read)."""
    implied = route.rate_limit != "none" or route.auth != "public"
    return (*route.access, "table:count") if implied else tuple(route.access)


@dataclass(frozen=True, slots=True)
class Grantable:
    """ARNs of what functions may be granted; tokens at synth time."""

    table_arn: str
    index_arns: tuple[str, ...]
    user_pool_arn: str
    cursor_secret_arn: str
    search_domain_arn: str | None = None
    email_resources: tuple[str, ...] = ()  # sending identity + configuration set ARNs


def statements_for(
    access: Iterable[str], resources: Grantable, *, auto_confirm_signup: bool
) -> list[iam.PolicyStatement]:
    """The statements one function needs for its declared access, nothing more."""
    wanted = set(access)
    unknown = wanted - KNOWN_ACCESS
    if unknown:
        raise ValueError(f"no IAM mapping for access {sorted(unknown)}; add one in infra/access.py")
    statements: list[iam.PolicyStatement] = []
    if "table:read" in wanted:
        statements.append(_allow(TABLE_READ + INDEX_READ, [resources.table_arn]))
        statements.append(_allow(INDEX_READ, list(resources.index_arns)))
        # Lists paginate with signed cursors; every reader may need the signing key.
        statements.append(_allow(CURSOR_SECRET_READ, [resources.cursor_secret_arn]))
    if "table:write" in wanted:
        statements.append(_allow(TABLE_WRITE, [resources.table_arn]))
    elif "table:count" in wanted:
        statements.append(_allow(TABLE_COUNT, [resources.table_arn]))
    if "cognito:admin-roles" in wanted:
        statements.append(_allow(ADMIN_ROLES, [resources.user_pool_arn]))
    if "cognito:admin-delete" in wanted:
        statements.append(_allow(ADMIN_DELETE, [resources.user_pool_arn]))
    # cognito:client needs no IAM: sign-up, login and reset are unauthenticated client APIs.
    if "cognito:admin-confirm" in wanted and auto_confirm_signup:
        statements.append(_allow(ADMIN_CONFIRM, [resources.user_pool_arn]))
    search = wanted & {"search:read", "search:write"}
    if search:
        if resources.search_domain_arn is None:
            raise ValueError("search access needs the search domain")
        actions = SEARCH_WRITE if "search:write" in search else SEARCH_READ
        statements.append(_allow(actions, [f"{resources.search_domain_arn}/*"]))
    if "search:read" in wanted and "table:read" not in wanted:
        # Search results paginate with signed cursors too.
        statements.append(_allow(CURSOR_SECRET_READ, [resources.cursor_secret_arn]))
    if "email:send" in wanted:
        if not resources.email_resources:
            raise ValueError("email:send needs the sending identity and configuration set")
        statements.append(_allow(EMAIL_SEND, list(resources.email_resources)))
    return statements


def _allow(actions: Iterable[str], resources: list[str]) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=sorted(set(actions)), resources=resources)
