"""The imports bucket and the import worker's queue in the test suite's moto, and Lambda's
SQS mapping for it run by hand: ``deliver()`` hands what the queue holds to the worker."""

from __future__ import annotations

import importlib
from typing import Any

import boto3

from infra.local.queues import failed_ids, lambda_record
from infra.local.resources import EventQueue, create_upload_queues
from promptvault.core import aws
from promptvault.core.settings import get_settings

_routes: list[EventQueue] = []


def create() -> None:
    aws.forget_clients()  # a new moto world: clients made in the last one point nowhere
    _routes[:] = create_upload_queues(get_settings().imports_bucket, "promptvault-test")
    purge()  # S3's s3:TestEvent


def purge() -> None:
    """Drop what the worker's queue holds (files of earlier imports nobody delivered); by
    deleting each message: SQS allows one PurgeQueue a minute."""
    sqs = boto3.client("sqs")
    while batch := messages():
        for message in batch:
            sqs.delete_message(QueueUrl=route().queue_url, ReceiptHandle=message["ReceiptHandle"])


def route() -> EventQueue:
    (found,) = _routes
    return found


def messages() -> list[dict[str, Any]]:
    """What the worker's queue holds now (received, so invisible until handled)."""
    reply = boto3.client("sqs").receive_message(
        QueueUrl=route().queue_url,
        MaxNumberOfMessages=10,
        MessageSystemAttributeNames=["All"],
        WaitTimeSeconds=0,
    )
    return list(reply.get("Messages", []))


def invoke(batch: list[dict[str, Any]]) -> dict[str, Any]:
    """The worker on these messages, as Lambda's mapping calls it."""
    handler = importlib.import_module(f"functions.{route().function}.handler").handler
    event = {"Records": [lambda_record(m, route().queue_arn) for m in batch]}
    reply: dict[str, Any] = handler(event, None)
    return reply


def deliver() -> int:
    """Every message on the queue to the worker, one per invocation (the trigger's batch
    size), each deleted unless it failed; how many were handled."""
    sqs = boto3.client("sqs")
    handled = 0
    while batch := messages():
        for message in batch:
            failed = failed_ids(invoke([message]), [message["MessageId"]])
            if not failed:
                sqs.delete_message(
                    QueueUrl=route().queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
            handled += 1
    return handled
