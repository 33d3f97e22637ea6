"""On AWS the cursor key comes from Secrets Manager, read once per container."""

import os
from unittest import mock

import boto3
from moto import mock_aws

from promptvault.core.secret import server_secret
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
