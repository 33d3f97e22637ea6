"""The shared layer: the ``promptvault`` package and its locked third-party dependencies."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import bundling


def shared_layer(scope: Construct, construct_id: str = "SharedLayer") -> lambda_.LayerVersion:
    """One layer version per stack that needs it.

    Each stack owns its version (the asset is uploaded once) instead of importing another
    stack's: an exported layer ARN changes on every build, and CloudFormation refuses to
    update an export that another stack still imports.
    """
    return lambda_.LayerVersion(
        scope,
        construct_id,
        code=bundling.layer_code(),
        compatible_runtimes=[bundling.RUNTIME],
        compatible_architectures=[bundling.ARCHITECTURE],
        description="promptvault domain package + locked runtime dependencies (bytecode)",
        removal_policy=RemovalPolicy.RETAIN,  # old versions stay valid for rollbacks
    )
