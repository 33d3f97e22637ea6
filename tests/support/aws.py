"""In-process AWS for integration tests: moto with the table and user pool the code expects."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
from moto import mock_aws

import promptvault.identity.pool as pool


def create_table() -> None:
    from promptvault.data.models import table_definition

    definition = table_definition()
    ttl = definition.pop("TimeToLive")
    client = boto3.client("dynamodb")
    client.create_table(**definition)
    client.update_time_to_live(TableName=definition["TableName"], TimeToLiveSpecification=ttl)


def create_user_pool() -> tuple[str, str]:
    """The pool as the local runtime and CDK make it (email sign-in, the old address kept until
    the new one is verified); moto answers with infra/local/moto_cognito.py installed."""
    from infra.local.resources import pool_arguments

    client = boto3.client("cognito-idp")
    pool_id = client.create_user_pool(PoolName="promptvault-test", **pool_arguments())["UserPool"][
        "Id"
    ]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="api",
        ExplicitAuthFlows=list(pool.CLIENT_AUTH_FLOWS),
        GenerateSecret=False,
    )["UserPoolClient"]["ClientId"]
    for group in pool.GROUPS:
        client.create_group(GroupName=group, UserPoolId=pool_id)
    return pool_id, client_id


@contextmanager
def moto_aws() -> Iterator[None]:
    from infra.local import moto_cognito
    from promptvault.core.settings import get_settings

    with mock_aws():
        pool_id, client_id = create_user_pool()
        os.environ["USER_POOL_ID"] = pool_id
        os.environ["USER_POOL_CLIENT_ID"] = client_id
        os.environ["TOKEN_ISSUER"] = f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
        get_settings.cache_clear()
        create_table()
        from tests.support import uploads

        uploads.create()  # the imports bucket and the import worker's queue
        from tests.support import events

        events.install()
        events.create_bus()
        get_settings.cache_clear()  # the bus and sender named above
        moto_cognito.install()  # a change of address waits for its code, as on AWS
        try:
            yield
        finally:
            events.uninstall()
            moto_cognito.uninstall()
            get_settings.cache_clear()
