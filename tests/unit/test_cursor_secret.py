"""On AWS the server secret comes from Secrets Manager, read once per container; the cursor key
is derived from it (HKDF), never the secret itself."""

import os
from unittest import mock

import boto3
from moto import mock_aws

from promptvault.core.secret import CURSOR_KEY, derived_key, server_secret
from promptvault.core.settings import get_settings


def test_the_signing_key_is_read_from_secrets_manager_once():
    with mock_aws():
        arn = boto3.client("secretsmanager").create_secret(Name="k", SecretString="s3cret")["ARN"]
        env = {"CURSOR_SECRET": "", "CURSOR_SECRET_ARN": arn}
        with mock.patch.dict(os.environ, env):
            get_settings.cache_clear()
            server_secret.cache_clear()
            try:
                assert server_secret() == b"s3cret"
                boto3.client("secretsmanager").delete_secret(
                    SecretId=arn, ForceDeleteWithoutRecovery=True
                )
                assert server_secret() == b"s3cret"
            finally:
                get_settings.cache_clear()
                server_secret.cache_clear()


def test_finding_4_the_cursor_key_is_derived_and_differs_from_the_guest_rater_key():
    # the guest-rater hash is keyed with the secret itself (engagement/service.py)
    cursor_key = derived_key(CURSOR_KEY)

    assert len(cursor_key) == 32
    assert cursor_key != server_secret()
    assert server_secret() not in cursor_key
    assert derived_key(b"another purpose") != cursor_key
    assert derived_key(CURSOR_KEY) == cursor_key
