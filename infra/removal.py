"""Removal policy of the stage's stateful resources (table, pool, domain, secret, logs)."""

from __future__ import annotations

from aws_cdk import RemovalPolicy

from infra.stages import StageConfig


def stateful(config: StageConfig) -> RemovalPolicy:
    """Retained on update and delete, but not when their own create fails: a failed first
    deploy rolls back cleanly (CloudFormation's ``RetainExceptOnCreate``) and can be retried,
    where RETAIN would leave named leftovers that make the retry fail with AlreadyExists."""
    if config.retain_data:
        return RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
    return RemovalPolicy.DESTROY
