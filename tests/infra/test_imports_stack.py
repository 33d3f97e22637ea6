"""The imports bucket and its worker (infra/stacks/events.py ``uploads:queue``, infra/uploads.py,
docs/imports.md): a private, SSL-only, encrypted bucket whose files expire, its ObjectCreated
events under imports/ to the worker's queue (only this bucket may send), the worker one file
per invocation with its long timeout, and S3 access only on imports/* and only as declared."""

import pytest

from infra import uploads
from infra.components.service_function import function_name
from infra.stacks.events import (
    IMPORT_TIMEOUT,
    MAX_RECEIVE_COUNT,
    UPLOAD_EXPIRY,
    VISIBILITY_PER_TIMEOUT,
)
from promptvault.catalogue import ROUTES, TRIGGERS, triggers_from
from tests.support.iam_roles import STAND_IN_ACCOUNT, Resolver, as_list, statements

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

(WORKER,) = triggers_from("uploads:queue")
ACCESS = {r.function: r.access for r in ROUTES} | {t.function: t.access for t in TRIGGERS}


def _events(assembly):
    return assembly.stack("Events")["Resources"]


def _one(assembly, kind):
    (found,) = [(k, r) for k, r in _events(assembly).items() if r["Type"] == kind]
    return found


def _resolver(assembly):
    config = assembly.stacks.config
    return Resolver(assembly.templates, config.region, config.account)


def _bucket(assembly):
    return _one(assembly, "AWS::S3::Bucket")


def _bucket_name(assembly):
    config = assembly.stacks.config
    account = config.account or STAND_IN_ACCOUNT
    return f"{config.prefix}-imports-{account}-{config.region}"


def _worker_queue(assembly):
    name = function_name(assembly.stacks.config, WORKER.function)
    (found,) = [
        (k, r)
        for k, r in _events(assembly).items()
        if r["Type"] == "AWS::SQS::Queue" and r["Properties"]["QueueName"] == name
    ]
    return found


def test_the_bucket_is_private_ssl_only_encrypted_and_its_files_expire(assembly):
    logical_id, bucket = _bucket(assembly)
    properties = bucket["Properties"]

    assert _resolver(assembly).resolve(properties["BucketName"], "x") == _bucket_name(assembly)
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    encryption = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption == [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == UPLOAD_EXPIRY.to_days()
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    (policy,) = [
        r["Properties"]["PolicyDocument"]["Statement"]
        for r in _events(assembly).values()
        if r["Type"] == "AWS::S3::BucketPolicy" and r["Properties"]["Bucket"] == {"Ref": logical_id}
    ]
    denied = [s for s in policy if s["Effect"] == "Deny"]
    assert denied[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_objects_created_under_imports_go_to_the_workers_queue_after_its_policy(assembly):
    _, bucket = _bucket(assembly)
    queue_id, _ = _worker_queue(assembly)

    (notification,) = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]

    assert notification["Event"] == "s3:ObjectCreated:*"
    assert notification["Queue"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert notification["Filter"] == {
        "S3Key": {"Rules": [{"Name": "prefix", "Value": uploads.PREFIX}]}
    }
    policies = [
        k
        for k, r in _events(assembly).items()
        if r["Type"] == "AWS::SQS::QueuePolicy" and r["Properties"]["Queues"] == [{"Ref": queue_id}]
    ]
    assert set(policies) <= set(bucket.get("DependsOn", []))


def test_only_the_stages_bucket_may_send_to_the_workers_queue(assembly):
    queue_id, queue = _worker_queue(assembly)
    (policy,) = [
        r["Properties"]["PolicyDocument"]["Statement"]
        for r in _events(assembly).values()
        if r["Type"] == "AWS::SQS::QueuePolicy" and r["Properties"]["Queues"] == [{"Ref": queue_id}]
    ]
    resolver = _resolver(assembly)
    template = f"PromptVault-{assembly.stage}-Events"

    allowing = [s for s in policy if s["Effect"] == "Allow"]
    (statement,) = allowing
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    condition = resolver.resolve(statement["Condition"], template)
    assert condition["ArnEquals"] == {"aws:SourceArn": f"arn:aws:s3:::{_bucket_name(assembly)}"}
    assert queue["Properties"]["RedrivePolicy"]["maxReceiveCount"] == MAX_RECEIVE_COUNT
    visibility = VISIBILITY_PER_TIMEOUT * IMPORT_TIMEOUT.to_seconds()
    assert queue["Properties"]["VisibilityTimeout"] == visibility


def test_the_worker_takes_one_file_per_invocation_with_its_long_timeout(assembly):
    name = function_name(assembly.stacks.config, WORKER.function)
    (function_id,) = [
        k
        for k, r in _events(assembly).items()
        if r["Type"] == "AWS::Lambda::Function" and r["Properties"]["FunctionName"] == name
    ]
    function = _events(assembly)[function_id]["Properties"]
    (mapping,) = [
        r["Properties"]
        for r in _events(assembly).values()
        if r["Type"] == "AWS::Lambda::EventSourceMapping"
        and r["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [_worker_queue(assembly)[0], "Arn"]}
    ]

    assert function["Timeout"] == IMPORT_TIMEOUT.to_seconds()
    assert mapping["BatchSize"] == 1
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert function["Environment"]["Variables"]["IMPORTS_BUCKET"]


def test_s3_is_granted_only_as_declared_and_only_on_imports(assembly):
    resolver = _resolver(assembly)
    config = assembly.stacks.config
    objects = f"arn:aws:s3:::{_bucket_name(assembly)}/imports/*"
    granted = {}
    for package in ACCESS:
        try:
            template, role = resolver.role_of_function(function_name(config, package))
        except KeyError:
            continue
        for statement in statements(resolver.policies(template, role)):
            for action in as_list(statement["Action"]):
                if action.startswith("s3:"):
                    granted.setdefault(package, set()).add(action)
                    assert as_list(statement["Resource"]) == [objects], (package, statement)

    assert granted == {"imports_create": {"s3:PutObject"}, "imports_process": {"s3:GetObject"}}
