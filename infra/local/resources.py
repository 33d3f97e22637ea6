"""Creates the stage's AWS resources in moto from the same definitions CDK reads.

The table comes from ``table_definition()`` (the pynamodb models), the user pool from
``promptvault.identity.pool``; nothing here restates a key, an index or a policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

from infra.local.environment import EMAIL_DOMAIN

POOL_NAME = "promptvault-local-users"
CLIENT_NAME = "promptvault-local-api"


@dataclass(frozen=True, slots=True)
class UserPool:
    pool_id: str
    client_id: str


def create_user_pool() -> UserPool:
    """The pool, its public API client (no secret, like CDK's) and the role groups."""
    import promptvault.identity.pool as pool

    cognito = boto3.client("cognito-idp")
    created = cognito.create_user_pool(PoolName=POOL_NAME, **_pool_arguments(pool))["UserPool"]
    pool_id = created["Id"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=list(pool.CLIENT_AUTH_FLOWS),
        AccessTokenValidity=pool.ACCESS_TOKEN_MINUTES,
        IdTokenValidity=pool.ID_TOKEN_MINUTES,
        RefreshTokenValidity=pool.REFRESH_TOKEN_DAYS,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]
    for group in pool.GROUPS:
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    return UserPool(pool_id=pool_id, client_id=client["ClientId"])


def _pool_arguments(pool: Any) -> dict[str, Any]:
    """CreateUserPool arguments; optional attributes are read when the pool module has them."""
    arguments: dict[str, Any] = {
        "Policies": {"PasswordPolicy": dict(pool.PASSWORD_POLICY)},
        "UsernameAttributes": list(getattr(pool, "USERNAME_ATTRIBUTES", ("email",))),
        "AutoVerifiedAttributes": list(getattr(pool, "AUTO_VERIFIED_ATTRIBUTES", ("email",))),
    }
    schema = getattr(pool, "SCHEMA", None)
    if schema:
        arguments["Schema"] = [dict(attribute) for attribute in schema]
    return arguments


def create_table() -> str:
    """The single table with its stream; TTL is a separate call, as in the real API."""
    from promptvault.data.models import table_definition

    definition = table_definition()
    ttl = definition.pop("TimeToLive", None)
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(**definition)
    if ttl:
        dynamodb.update_time_to_live(TableName=definition["TableName"], TimeToLiveSpecification=ttl)
    return str(definition["TableName"])


def create_email_identity() -> None:
    """Verify the sending domain, so any ``…@promptvault.local`` sender is accepted."""
    boto3.client("sesv2").create_email_identity(EmailIdentity=EMAIL_DOMAIN)
