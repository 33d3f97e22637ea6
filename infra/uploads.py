"""The stage's imports bucket, by its deterministic name (docs/imports.md).

Bucket names are global, so the name carries the account and the region; every stack that
needs it (the API's import route, the Events stack's worker and the bucket itself) builds the
same name here, and none exports it. Functions reach only ``imports/*`` in it.
"""

from __future__ import annotations

from aws_cdk import Aws

from infra.stages import StageConfig

PREFIX = "imports/"


def bucket_name(config: StageConfig) -> str:
    return f"{config.prefix}-imports-{config.account or Aws.ACCOUNT_ID}-{config.region}"


def bucket_arn(config: StageConfig) -> str:
    return f"arn:{Aws.PARTITION}:s3:::{bucket_name(config)}"


def objects_arn(bucket: str) -> str:
    """What the access words uploads:put and uploads:get reach: the imports, nothing else."""
    return f"{bucket}/{PREFIX}*"


def nag_objects(config: StageConfig) -> str:
    """The objects' ARN as cdk-nag renders it (tokens as <AWS::...>), for acknowledgements."""
    account = config.account or "<AWS::AccountId>"
    name = f"{config.prefix}-imports-{account}-{config.region}"
    return f"arn:<AWS::Partition>:s3:::{name}/{PREFIX}*"
