"""What each function asks of AWS, as IAM sees it: every call recorded as the authorisations it
needs (action, resource, the DynamoDB partition key it leads with), by the function that made it.

``observe()`` runs every catalogue scenario (``bench.scenarios``, the ones the AWS-call counts
use), the variants, the Cognito trigger and the stream consumers inside in-process moto, plus
the paths every function shares but a plain request does not reach: a cursor read (a forged
cursor: the server secret is fetched before the cursor is refused), a rate-limit counter that
expired (GetItem, then PutItem) and one that is spent (a 429), and an API key in place of a
token. The server secret comes from Secrets Manager (not ``CURSOR_SECRET``) and is fetched
afresh per request, as a new container would. OpenSearch calls do not go through botocore: the
search engine (tantivy here) is mirrored onto the real OpenSearch adapter over a recording
transport, which keeps the HTTP method and path opensearch-py sends.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

# DynamoDB operations that act on items, and the IAM action each item needs. A transaction is
# authorised item by item (there is no dynamodb:TransactWriteItems action).
_TRANSACT = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
QUEUE_PREFIX = "promptvault-test-"  # the test stage's queues (tests/support/events.py)
# A structurally valid cursor nobody sealed: reading it needs the key, then fails (400).
FORGED_CURSOR = base64.urlsafe_b64encode(b"\x01" + bytes(12) + bytes(32)).rstrip(b"=").decode()


@dataclass(frozen=True, slots=True, order=True)
class Need:
    """One authorisation a call needs: ``resource`` names what in the product, not an ARN
    (``table``, ``index/GSI1``, ``secret``, ``user-pool``, ``search/prompts/_search``)."""

    action: str
    resource: str
    leading_key: str | None = None


@dataclass(slots=True)
class Observed:
    """Every need of one function, with the requests (labels) that showed each."""

    function: str
    needs: dict[Need, set[str]] = field(default_factory=dict)

    def add(self, need: Need, label: str) -> None:
        self.needs.setdefault(need, set()).add(label)


class Recorder:
    """Turns botocore calls and OpenSearch requests into needs of the function being run."""

    def __init__(self) -> None:
        from promptvault.data.models import table_definition

        definition = table_definition()
        self._table = definition["TableName"]
        self._hash_keys = {"": _hash_key(definition["KeySchema"])} | {
            index["IndexName"]: _hash_key(index["KeySchema"])
            for index in definition["GlobalSecondaryIndexes"]
        }
        self.by_function: dict[str, Observed] = {}
        self._current: tuple[str, str] | None = None
        self.search_indexes: set[str] = set()  # the indexes the recorded domain holds
        self.shadow: Any = None  # the OpenSearch adapter every search call is mirrored on

    @contextmanager
    def running(self, function: str, label: str) -> Iterator[None]:
        self.by_function.setdefault(function, Observed(function))
        self._current = (function, label)
        try:
            yield
        finally:
            self._current = None

    def _add(self, need: Need) -> None:
        if self._current is not None:
            function, label = self._current
            self.by_function[function].add(need, label)

    # botocore (bench.counting's listener): model and the serialized request
    def on_call(self, model: Any, request: dict[str, Any]) -> None:
        if model.auth_type == "none":  # unsigned client APIs (sign-up, login): no IAM
            return
        if self._current is None:  # a scenario's preparation (the stream pump, the bus): not
            return  # the function's own calls
        service = model.service_model.signing_name
        if service == "s3":  # an object request: its key is the path (the bucket is the
            # endpoint's, set after this event); the body is the file, not JSON
            key = str(request.get("url_path", "")).split("?")[0].lstrip("/")
            if not key.startswith("imports/"):  # a path that still names the bucket first
                key = key.partition("/")[2]
            self._add(Need(f"s3:{model.name}", f"imports-bucket/{key}"))
            return
        raw = request.get("body") or b"{}"
        body = json.loads(raw) if raw else {}
        for need in self._needs(service, model.name, body):
            self._add(need)

    def on_search(self, method: str, path: str) -> None:
        self._add(Need(f"es:ESHttp{method.title()}", f"search{path}"))

    def _needs(self, service: str, operation: str, body: dict[str, Any]) -> list[Need]:
        if service == "dynamodb":
            return self._dynamodb(operation, body)
        if service == "secretsmanager":
            return [Need(f"secretsmanager:{operation}", "secret")]
        if service == "cognito-idp" and "UserPoolId" in body:
            return [Need(f"cognito-idp:{operation}", "user-pool")]
        if service == "events" and operation == "PutEvents":
            return [Need("events:PutEvents", "event-bus")]
        if service == "sqs" and operation in {"SendMessage", "SendMessageBatch"}:
            # authorised as sqs:SendMessage on the queue, named here without the stage prefix
            queue = str(body["QueueUrl"]).rsplit("/", 1)[-1]
            return [Need("sqs:SendMessage", f"queue/{queue.removeprefix(QUEUE_PREFIX)}")]
        if service == "ses" and operation == "SendEmail":
            # SES v2 SendEmail: authorised as ses:SendEmail on the sending identity and the
            # configuration set the deployed code always names; raw content is also checked
            # as ses:SendRawEmail (the v1 action SES keeps for raw MIME), so both are needed
            actions = ["ses:SendEmail"] + (
                ["ses:SendRawEmail"] if "Raw" in body.get("Content", {}) else []
            )
            return [
                Need(action, resource)
                for action in actions
                for resource in ("email-identity", "configuration-set")
            ]
        return [Need(f"{service}:{operation}", "*")]

    def _dynamodb(self, operation: str, body: dict[str, Any]) -> list[Need]:
        action = f"dynamodb:{operation}"
        if operation in {"GetItem", "DeleteItem", "UpdateItem"}:
            return [self._item(action, body["TableName"], body["Key"])]
        if operation == "PutItem":
            return [self._item(action, body["TableName"], body["Item"])]
        if operation in {"Query", "Scan"}:
            index = body.get("IndexName", "")
            resource = self._resource(body["TableName"], index)
            if operation == "Scan":
                return [Need(action, resource)]
            return [Need(action, resource, self._query_key(body, index))]
        if operation == "BatchGetItem":
            return [
                self._item(action, table, key)
                for table, asked in body["RequestItems"].items()
                for key in asked["Keys"]
            ]
        if operation == "BatchWriteItem":
            return [
                self._item(
                    action,
                    table,
                    write.get("PutRequest", {}).get("Item") or write["DeleteRequest"]["Key"],
                )
                for table, writes in body["RequestItems"].items()
                for write in writes
            ]
        if operation in {"TransactWriteItems", "TransactGetItems"}:
            needs = []
            for entry in body["TransactItems"]:
                ((kind, item),) = entry.items()
                key = item.get("Key") or item["Item"]
                needs.append(self._item(f"dynamodb:{_TRANSACT[kind]}", item["TableName"], key))
            return needs
        return [Need(action, self._resource(body.get("TableName", "*"), ""))]

    def _resource(self, table: str, index: str) -> str:
        assert table == self._table, f"a call on an unknown table {table!r}"
        return f"index/{index}" if index else "table"

    def _item(self, action: str, table: str, key: dict[str, Any]) -> Need:
        return Need(action, self._resource(table, ""), _scalar(key[self._hash_keys[""]]))

    def _query_key(self, body: dict[str, Any], index: str) -> str:
        names = body.get("ExpressionAttributeNames", {})
        values = body.get("ExpressionAttributeValues", {})
        for clause in re.split(r"\s+AND\s+", body["KeyConditionExpression"], flags=re.IGNORECASE):
            found = re.fullmatch(r"\(?\s*([#\w]+)\s*=\s*(:\w+)\s*\)?", clause.strip())
            if found and names.get(found[1], found[1]) == self._hash_keys[index]:
                return _scalar(values[found[2]])
        raise AssertionError(f"no partition key in {body['KeyConditionExpression']!r}")


def _hash_key(schema: list[dict[str, str]]) -> str:
    return next(part["AttributeName"] for part in schema if part["KeyType"] == "HASH")


def _scalar(value: dict[str, Any]) -> str:
    ((_, scalar),) = value.items()
    return str(scalar)


# --- OpenSearch: the real adapter over a transport that records and answers with nothing ------


def _recording_client(recorder: Recorder) -> Any:
    from opensearchpy import Connection, OpenSearch

    created = recorder.search_indexes  # a fresh domain: no index until one is created

    class RecordingConnection(Connection):
        def perform_request(  # type: ignore[override]
            self, method: str, url: str, *args: Any, **kwargs: Any
        ) -> tuple[int, dict[str, str], str]:
            path = url.split("?")[0]
            recorder.on_search(method, path)
            if method == "HEAD":
                return (200 if path in created else 404), {}, ""
            if method == "PUT" and path.count("/") == 1:
                created.add(path)
            if method == "DELETE" and path.count("/") == 1:
                created.discard(path)
            if url.endswith("/_search"):
                answer: dict[str, Any] = {"hits": {"total": {"value": 0}, "hits": []}}
            elif url.endswith("/_bulk"):
                answer = {"errors": False, "items": []}
            else:
                answer = {"acknowledged": True}
            return 200, {"content-type": "application/json"}, json.dumps(answer)

    return OpenSearch(
        hosts=[{"host": "search.invalid", "port": 443}], connection_class=RecordingConnection
    )


class _Mirrored:
    """The engine the tests search with, each call also made on the OpenSearch adapter."""

    def __init__(self, engine: Any, shadow: Any) -> None:
        self._engine = engine
        self._shadow = shadow

    def __getattr__(self, name: str) -> Any:
        answer = getattr(self._engine, name)
        if not callable(answer):
            return answer

        def both(*args: Any, **kwargs: Any) -> Any:
            getattr(self._shadow, name)(*args, **kwargs)
            return answer(*args, **kwargs)

        return both


@contextmanager
def mirrored_search(recorder: Recorder) -> Iterator[None]:
    import promptvault.search.engine as engine
    import promptvault.search.service as service
    from promptvault.search.opensearch_backend import OpenSearchBackend

    shadow = OpenSearchBackend(_recording_client(recorder), "prompts")
    recorder.shadow = shadow
    mirrored = _Mirrored(engine.get_backend(), shadow)
    saved = engine.get_backend, service.get_backend
    engine.get_backend = service.get_backend = lambda: mirrored  # type: ignore[assignment]
    try:
        yield
    finally:
        engine.get_backend, service.get_backend = saved  # type: ignore[assignment]


@contextmanager
def secret_from_secrets_manager() -> Iterator[None]:
    """The server secret in Secrets Manager, as on AWS; fetched afresh by each request."""
    import boto3

    from promptvault.core.secret import server_secret
    from promptvault.core.settings import get_settings

    arn = boto3.client("secretsmanager").create_secret(
        Name="promptvault-test/cursor-signing-key", SecretString="test-cursor-secret"
    )["ARN"]
    saved = {name: os.environ.get(name) for name in ("CURSOR_SECRET", "CURSOR_SECRET_ARN")}
    os.environ["CURSOR_SECRET"] = ""
    os.environ["CURSOR_SECRET_ARN"] = arn
    get_settings.cache_clear()
    server_secret.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
        server_secret.cache_clear()


# --- the runs ---------------------------------------------------------------------------------


@contextmanager
def _counters_later(seconds: float) -> Iterator[None]:
    """The rate limiter's clock moved on: every counter written before has expired."""
    import promptvault.ratelimit.counter as counter

    real = counter.time

    class Later:
        @staticmethod
        def time() -> float:
            return real.time() + seconds

    counter.time = Later  # type: ignore[assignment]
    try:
        yield
    finally:
        counter.time = real


def observe() -> dict[str, Observed]:
    """Every function's needs, from every scenario and the shared paths (see the module doc)."""
    import importlib

    from bench.awscalls import VARIANTS, variant_request
    from bench.counting import counting_aws_calls
    from bench.scenarios import (
        SCENARIOS,
        STREAM_TRIGGERS,
        TRIGGER_REPLIES,
        make_world,
        presignup_event,
        send,
    )
    from promptvault.catalogue import by_function
    from promptvault.core.secret import server_secret
    from tests.support.aws import moto_aws
    from tests.support.ratelimits import enforced

    recorder = Recorder()
    routes = by_function()

    def run(function: str, label: str, request: Any) -> Any:
        server_secret.cache_clear()  # a new container: the secret is read again
        with recorder.running(function, label):
            return send(request)

    from infra.local import moto_dynamodb

    with (
        moto_aws(),
        # moto copies the whole table, with every stream record written so far, on each
        # TransactWriteItems (decision 36): over every scenario and variant that grew one
        # worker to 11 GB and a CI run into the OOM killer. The local runtime's patch journals
        # by key instead, with the same rules and the same calls (the ones recorded here).
        moto_dynamodb.patched(),
        secret_from_secrets_manager(),
        enforced(),
        mirrored_search(recorder),
        counting_aws_calls(recorder.on_call),
    ):
        world = make_world()
        shared_done: list[str] = []
        for scenario in SCENARIOS:
            request = scenario.prepare(world)
            reply = run(scenario.function, scenario.label, request)
            assert reply.status == scenario.status, (scenario.label, reply.body)
            if scenario.function not in shared_done:
                shared_done.append(scenario.function)
                # each later than the last: every counter met has expired
                later = len(shared_done) * 10 * 3600
                _shared_paths(run, world, routes[scenario.function], scenario, request, later)
        for label, (function, _, status, _) in VARIANTS.items():
            reply = run(function, label, variant_request(label, world))
            assert reply.status == status, (label, reply.body)
        from functions.auth_presignup.handler import handler as presignup

        with recorder.running("auth_presignup", "trigger auth_presignup"):
            presignup(presignup_event(), None)
        for label, (function, build) in STREAM_TRIGGERS.items():
            handler = importlib.import_module(f"functions.{function}.handler").handler
            event = build(world)
            server_secret.cache_clear()
            # a new container on a fresh domain: scenario preparations (the stream pump, the
            # bus) indexed already, unrecorded; the indexer's first batch creates the index
            recorder.search_indexes.clear()
            recorder.shadow._index_ready = False
            with recorder.running(function, label):
                expected = TRIGGER_REPLIES.get(label, {"batchItemFailures": []})
                assert handler(event, None) == expected, label
        _search_admin(recorder)
    return recorder.by_function


SEARCH_ADMIN = "search_admin"  # the OpenSearch master role: not a function, observed the same


def _search_admin(recorder: Recorder) -> None:
    """What the master role does: the deploy's custom resource (index template on a fresh
    domain and on one with the index, roles and mappings) and ``make reindex``."""
    import boto3

    import infra.search_mapping.handler as mapping
    from infra.stacks.search_access import INDEX_NAME, index_template_body
    from promptvault.core.settings import get_settings
    from promptvault.search.engine import get_backend
    from promptvault.streams.reindex import rebuild

    exists = {"yes": False}

    def call(method: str, endpoint: str, path: str, *args: Any, **kwargs: Any) -> tuple[int, str]:
        recorder.on_search(method, f"/{path}")
        return (200 if exists["yes"] else 404, "") if method == "HEAD" else (200, "{}")

    saved = mapping._call, mapping._assume
    mapping._call = call  # type: ignore[assignment]
    mapping._assume = lambda arn: None  # type: ignore[assignment,return-value]
    base = {"Endpoint": "search.invalid", "MasterRoleArn": "arn:aws:iam::1:role/admin"}
    template = {
        "TemplateName": INDEX_NAME,
        "IndexName": INDEX_NAME,
        "Template": json.dumps(index_template_body()),
    }
    roles = {
        "Roles": {"r": {"IndexPatterns": ["p*"], "AllowedActions": ["read"], "BackendRoles": []}}
    }
    try:
        with recorder.running(SEARCH_ADMIN, "SearchAccess custom resource"):
            for present in (False, True):
                exists["yes"] = present
                mapping.on_event(
                    {
                        "RequestType": "Create",
                        "ResourceType": mapping.INDEX_TEMPLATE,
                        "ResourceProperties": {**base, **template},
                    }
                )
            mapping.on_event(
                {
                    "RequestType": "Create",
                    "ResourceType": "Custom::OpenSearchRolesMapping",
                    "ResourceProperties": {**base, **roles},
                }
            )
    finally:
        mapping._call, mapping._assume = saved
    with recorder.running(SEARCH_ADMIN, "make reindex"):
        written = rebuild(boto3.client("dynamodb"), get_settings().table_name, get_backend())
    assert written > 0


def _shared_paths(
    run: Any, world: Any, route: Any, scenario: Any, request: Any, later: float
) -> None:
    """What every request of this function may do besides its scenario's answer."""
    from promptvault.ratelimit import limits
    from promptvault.ratelimit.limits import Limit

    if request.method == "GET":
        forged = replace(request, query={**request.query, "cursor": FORGED_CURSOR})
        run(route.function, f"{scenario.label} (a forged cursor)", forged)
    if route.auth != "public" and request.token is None:  # an anonymous scenario, signed in
        signed_in = replace(request, token=world.owner.token)
        run(route.function, f"{scenario.label} (signed in)", signed_in)
    if route.auth != "public":
        key = _fresh_key(world)
        with_key = replace(request, token=key["key"])
        run(route.function, f"{scenario.label} (API key)", with_key)
        _revoke(world, key["id"])
    if route.rate_limit != "none":
        before = limits.active()
        one = {name: Limit(1, 3600) for name in limits.DEFAULTS}
        try:
            limits.force(one)
            with _counters_later(later):
                run(route.function, f"{scenario.label} (an expired counter)", request)
                run(route.function, f"{scenario.label} (a spent counter)", request)
        finally:
            limits.force(before)


def _fresh_key(world: Any) -> dict[str, Any]:
    from tests.support.api import call

    made = call(
        "POST",
        "/v1/users/me/api-keys",
        {"name": f"iam-{time.time_ns()}", "scopes": ["read", "write"]},
        token=world.owner.token,
    )
    assert made.status == 201, made.body
    return dict(made.data)


def _revoke(world: Any, key_id: str) -> None:
    from tests.support.api import call

    assert call("DELETE", f"/v1/users/me/api-keys/{key_id}", token=world.owner.token).status == 204
