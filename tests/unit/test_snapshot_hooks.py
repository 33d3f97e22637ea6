"""SnapStart (docs/performance.md): the handler is built at import (init); nothing secret goes
into the snapshot; every restored sandbox gets fresh randomness, new connections and a fresh
JWKS. The runtime's hooks are called directly, as Lambda would call them."""

from __future__ import annotations

import importlib
import os
import random
import sys
import types
from unittest import mock

import boto3
import pytest
from moto import mock_aws

from promptvault.core import aws, snapshot
from promptvault.core.secret import server_secret
from promptvault.core.settings import get_settings
from promptvault.data.transactions import connect, table_connection
from promptvault.identity import tokens


@pytest.fixture
def fake_runtime(monkeypatch):
    """The Lambda Python runtime's ``snapshot_restore_py``, recording what is registered."""
    registered: dict[str, list] = {"before": [], "after": []}
    module = types.ModuleType("snapshot_restore_py")
    module.register_before_snapshot = registered["before"].append  # type: ignore[attr-defined]
    module.register_after_restore = registered["after"].append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", module)
    monkeypatch.setattr(snapshot, "_installed", False)
    return registered


def test_without_the_lambda_runtime_installing_the_hooks_does_nothing(monkeypatch):
    monkeypatch.setattr(snapshot, "_installed", False)
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import fails

    assert snapshot.install() is False


def test_on_lambda_the_runtime_gets_both_hooks_once(fake_runtime):
    assert snapshot.install() is True
    assert snapshot.install() is True

    assert fake_runtime == {"before": [snapshot.before_snapshot], "after": [snapshot.after_restore]}


def test_a_handler_is_built_at_import_not_on_its_first_request():
    sys.modules.pop("functions.versions_get.route", None)
    sys.modules.pop("functions.versions_get.handler", None)

    module = importlib.import_module("functions.versions_get.handler")

    assert "functions.versions_get.route" in sys.modules
    assert module.handler.__qualname__ == "versions_get.handler"


def test_the_server_secret_is_not_in_the_snapshot():
    assert server_secret()  # read during init, say

    snapshot.before_snapshot()

    assert server_secret.cache_info().currsize == 0


def test_a_restored_sandbox_reads_the_current_server_secret():
    with mock_aws():
        client = boto3.client("secretsmanager")
        arn = client.create_secret(Name="cursor", SecretString="before")["ARN"]
        with mock.patch.dict(os.environ, {"CURSOR_SECRET": "", "CURSOR_SECRET_ARN": arn}):
            get_settings.cache_clear()
            server_secret.cache_clear()
            try:
                assert server_secret() == b"before"
                client.put_secret_value(SecretId=arn, SecretString="rotated")

                snapshot.after_restore()

                assert server_secret() == b"rotated"
            finally:
                get_settings.cache_clear()
                server_secret.cache_clear()


def test_a_restored_sandbox_does_not_replay_the_snapshot_random_sequence():
    random.seed(15)
    in_the_snapshot = [random.random() for _ in range(4)]
    random.seed(15)

    snapshot.after_restore()

    assert [random.random() for _ in range(4)] != in_the_snapshot


def test_a_restored_sandbox_opens_new_connections_and_its_clients_still_work():
    connect()
    table_client = table_connection().connection.client
    cognito = aws.client("cognito-idp")
    with (
        mock.patch.object(table_client, "close", wraps=table_client.close) as table_closed,
        mock.patch.object(cognito, "close", wraps=cognito.close) as cognito_closed,
    ):
        snapshot.after_restore()

    assert table_closed.call_count == 1
    assert cognito_closed.call_count == 1
    with mock_aws():
        boto3.client("dynamodb").create_table(
            TableName=get_settings().table_name,
            KeySchema=[
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "SK", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        assert "Item" not in table_connection().get_item("USER#nobody", "PROFILE")


def test_a_restored_sandbox_fetches_the_pool_keys_again():
    tokens._jwks_client("https://cognito-idp.example/pool/.well-known/jwks.json")
    assert tokens._jwks_client.cache_info().currsize == 1

    snapshot.after_restore()

    assert tokens._jwks_client.cache_info().currsize == 0
