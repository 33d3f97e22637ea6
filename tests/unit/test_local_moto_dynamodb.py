"""The local runtime's moto patch (infra/local/moto_dynamodb.py) keeps DynamoDB's semantics
while making writes cost what they touch: all or nothing, cancellation reasons by position,
stream records for committed writes only, in order, exactly once, safe on many threads, a
bounded stream, and nothing of it outside the local runtime.

A moto server in this process (as ``make run`` has it), the patch installed per test.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from infra.local import moto_dynamodb
from infra.local.pump import Consumer, StreamPump

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


# --- a moto server and a table with a stream ------------------------------------------------


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def patched() -> Iterator[None]:
    with moto_dynamodb.patched():
        yield
    assert not moto_dynamodb.installed()


def _client(url: str, service: str = "dynamodb") -> Any:
    config = Config(retries={"max_attempts": 1}, max_pool_connections=16)
    return boto3.client(service, endpoint_url=url, region_name=REGION, config=config)


@pytest.fixture
def table(moto_url: str, patched: None) -> Iterator[str]:
    name = f"patch-{uuid.uuid4().hex[:8]}"
    client = _client(moto_url)
    client.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "PK", "KeyType": "HASH"},
            {"AttributeName": "SK", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    try:
        yield name
    finally:
        client.delete_table(TableName=name)


def _key(pk: str, sk: str = "META") -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def _put(table: str, pk: str, **attrs: str) -> dict[str, Any]:
    item = {**_key(pk), **{k: {"S": v} for k, v in attrs.items()}}
    return {"Put": {"TableName": table, "Item": item}}


def _items(url: str, table: str) -> dict[str, dict[str, Any]]:
    scanned = _client(url).scan(TableName=table, ConsistentRead=True)["Items"]
    return {i["PK"]["S"]: i for i in scanned}


def _stream(url: str, table: str) -> list[dict[str, Any]]:
    """Every record on the stream from the trim horizon, as GetRecords returns them."""
    streams = _client(url, "dynamodbstreams")
    arn = _client(url).describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = []
    while True:
        reply = streams.get_records(ShardIterator=iterator)
        if not reply["Records"]:
            return records
        records += reply["Records"]
        iterator = reply["NextShardIterator"]


def _shard(table: str) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    for regions in dynamodb_backends.values():
        if table in regions[REGION].tables:
            return regions[REGION].tables[table].stream_shard
    raise LookupError(table)


# --- all or nothing, reasons by position ----------------------------------------------------


def test_a_transaction_failing_its_third_condition_leaves_the_first_two_writes_undone(
    moto_url: str, table: str
) -> None:
    client = _client(moto_url)
    client.put_item(TableName=table, Item={**_key("edited"), "title": {"S": "before"}})
    client.put_item(TableName=table, Item={**_key("taken"), "owner": {"S": "ada"}})
    written = len(_stream(moto_url, table))

    with pytest.raises(ClientError) as caught:
        client.transact_write_items(
            TransactItems=[
                _put(table, "new", title="fresh"),
                {
                    "Update": {
                        "TableName": table,
                        "Key": _key("edited"),
                        "UpdateExpression": "SET title = :t ADD edits :one",
                        "ExpressionAttributeValues": {":t": {"S": "after"}, ":one": {"N": "1"}},
                    }
                },
                {
                    "Put": {
                        "TableName": table,
                        "Item": {**_key("taken"), "owner": {"S": "grace"}},
                        "ConditionExpression": "attribute_not_exists(PK)",
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ]
        )

    error = caught.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    reasons = error["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "None", "ConditionalCheckFailed"]
    assert reasons[2]["Item"]["owner"] == {"S": "ada"}  # ALL_OLD, from the untouched item
    items = _items(moto_url, table)
    assert "new" not in items
    assert items["edited"] == {**_key("edited"), "title": {"S": "before"}}  # updated in place
    assert items["taken"]["owner"] == {"S": "ada"}
    assert len(_stream(moto_url, table)) == written  # nothing of it reached the stream


def test_the_layers_reason_reader_finds_the_failed_position(moto_url: str, table: str) -> None:
    """pynamodb and promptvault.data.transactions read the cancellation as on AWS."""
    from pynamodb.attributes import UnicodeAttribute
    from pynamodb.exceptions import TransactWriteError
    from pynamodb.models import Model
    from pynamodb.transactions import TransactWrite

    from promptvault.data.transactions import failed_at, failed_conditions

    class Row(Model):
        class Meta:
            table_name = table
            host = moto_url
            region = REGION

        PK = UnicodeAttribute(hash_key=True)
        SK = UnicodeAttribute(range_key=True)
        owner = UnicodeAttribute(null=True)

    Row("guard", "META", owner="ada").save()
    with (  # noqa: PT012 - the transaction commits when its block ends
        pytest.raises(TransactWriteError) as caught,
        TransactWrite(connection=Row._get_connection().connection) as tx,
    ):
        tx.save(Row("a", "META"))
        tx.save(Row("b", "META"))
        tx.save(Row("guard", "META", owner="grace"), condition=Row.PK.does_not_exist())
        tx.save(Row("d", "META"))

    assert failed_conditions(caught.value) == [2]
    assert failed_at(caught.value, 2)
    assert set(_items(moto_url, table)) == {"guard"}


def test_a_validation_error_mid_transaction_undoes_what_came_before(
    moto_url: str, table: str
) -> None:
    """moto as released raises this one (two operations in one entry) without a rollback."""
    client = _client(moto_url)
    with pytest.raises(ClientError) as caught:
        client.transact_write_items(
            TransactItems=[
                _put(table, "first"),
                {**_put(table, "second"), "Delete": {"TableName": table, "Key": _key("x")}},
            ]
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert _items(moto_url, table) == {}
    assert _stream(moto_url, table) == []


def test_a_committed_transaction_streams_its_writes_in_order(moto_url: str, table: str) -> None:
    client = _client(moto_url)
    client.put_item(TableName=table, Item={**_key("old"), "n": {"S": "1"}})
    client.put_item(TableName=table, Item={**_key("gone")})

    client.transact_write_items(
        TransactItems=[
            _put(table, "new"),
            {
                "Update": {
                    "TableName": table,
                    "Key": _key("old"),
                    "UpdateExpression": "SET n = :n",
                    "ExpressionAttributeValues": {":n": {"S": "2"}},
                }
            },
            {"Delete": {"TableName": table, "Key": _key("gone")}},
            {
                "ConditionCheck": {
                    "TableName": table,
                    "Key": _key("absent"),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
        ]
    )

    records = _stream(moto_url, table)
    events = [(r["eventName"], r["dynamodb"]["Keys"]["PK"]["S"]) for r in records]
    assert events == [
        ("INSERT", "old"),
        ("INSERT", "gone"),
        ("INSERT", "new"),
        ("MODIFY", "old"),
        ("REMOVE", "gone"),
    ]
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    assert records[3]["dynamodb"]["OldImage"]["n"] == {"S": "1"}
    assert records[3]["dynamodb"]["NewImage"]["n"] == {"S": "2"}


def test_an_update_that_creates_an_item_writes_one_insert(moto_url: str, table: str) -> None:
    """moto as released writes a keys-only INSERT first; DynamoDB writes one record."""
    client = _client(moto_url)
    for _ in range(2):
        client.update_item(
            TableName=table,
            Key=_key("counter"),
            UpdateExpression="ADD hits :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
    client.put_item(TableName=table, Item=_key("after"))

    records = _stream(moto_url, table)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "INSERT"]
    assert records[0]["dynamodb"]["NewImage"]["hits"] == {"N": "1"}
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == list(range(numbers[0], numbers[0] + 3))


# --- many threads ---------------------------------------------------------------------------


def test_concurrent_transactions_on_8_threads_succeed_or_cancel_cleanly(
    moto_url: str, table: str
) -> None:
    """Each thread claims slugs (contended: 4 threads race for each) with a counter update
    and a unique item in the same transaction; meanwhile single writes and queries run."""
    threads, rounds = 8, 12
    outcomes: list[tuple[int, int, str]] = []  # (thread, round, "ok" | "cancelled")
    failures: list[BaseException] = []
    start = threading.Barrier(threads)
    _client(moto_url).put_item(TableName=table, Item={**_key("counter"), "n": {"N": "0"}})

    def work(worker: int) -> None:
        client = _client(moto_url)
        start.wait()
        for round_ in range(rounds):
            slug = f"slug-{round_}-{worker % 2}"
            try:
                client.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": table,
                                "Key": _key("counter"),
                                "UpdateExpression": "ADD n :one",
                                "ExpressionAttributeValues": {":one": {"N": "1"}},
                            }
                        },
                        _put(table, f"item-{worker}-{round_}"),
                        {
                            "Put": {
                                "TableName": table,
                                "Item": {**_key(slug), "by": {"S": str(worker)}},
                                "ConditionExpression": "attribute_not_exists(PK)",
                            }
                        },
                    ]
                )
                outcomes.append((worker, round_, "ok"))
            except ClientError as error:
                response = error.response
                if response["Error"]["Code"] != "TransactionCanceledException":
                    failures.append(error)
                    continue
                codes = [r["Code"] for r in response["CancellationReasons"]]
                if codes != ["None", "None", "ConditionalCheckFailed"]:
                    failures.append(error)
                outcomes.append((worker, round_, "cancelled"))
            except BaseException as error:
                failures.append(error)
            client.put_item(TableName=table, Item=_key(f"single-{worker}-{round_}"))
            client.query(
                TableName=table,
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues={":pk": {"S": "counter"}},
            )

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)

    assert failures == []
    assert len(outcomes) == threads * rounds
    committed = {(w, r) for w, r, outcome in outcomes if outcome == "ok"}
    assert len(committed) == rounds * 2  # one winner per slug
    items = _items(moto_url, table)
    assert items["counter"]["n"] == {"N": str(len(committed))}
    made = {k for k in items if k.startswith("item-")}
    assert made == {f"item-{w}-{r}" for w, r in committed}
    assert sum(1 for k in items if k.startswith("single-")) == threads * rounds
    # The stream: each committed write once (3 per transaction), no cancelled one, in order.
    records = _stream(moto_url, table)
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(set(numbers))
    inserted = [r["dynamodb"]["Keys"]["PK"]["S"] for r in records if r["eventName"] == "INSERT"]
    assert sorted(k for k in inserted if k.startswith("item-")) == sorted(made)
    bumps = [r for r in records if r["dynamodb"]["Keys"]["PK"]["S"] == "counter"]
    assert len(bumps) == 1 + len(committed)  # the put, then one MODIFY per commit


# --- the stream: bounded, numbers intact, nothing lost ----------------------------------------


def test_the_pump_gets_every_committed_write_exactly_once_while_the_shard_is_trimmed(
    moto_url: str, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moto_dynamodb, "RETAIN_READ", 5)
    monkeypatch.setattr(moto_dynamodb, "TRIM_CHUNK", 10)
    client = _client(moto_url)
    arn = client.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    seen: list[dict[str, Any]] = []
    pump = StreamPump(
        arn,
        [Consumer("recorder", lambda event, _ctx: seen.extend(event["Records"]) or {})],
        _client(moto_url, "dynamodbstreams"),
    )
    expected: list[tuple[str, str]] = []
    for batch in range(6):
        for i in range(20):
            client.put_item(TableName=table, Item=_key(f"p-{batch}-{i}"))
            expected.append(("INSERT", f"p-{batch}-{i}"))
        # A cancelled transaction in between: nothing of it may arrive.
        with pytest.raises(ClientError, match="TransactionCanceledException"):
            client.transact_write_items(
                TransactItems=[
                    _put(table, f"never-{batch}"),
                    {
                        "Put": {
                            "TableName": table,
                            "Item": _key(f"p-{batch}-0"),
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                ]
            )
        pump.drain()

    assert [(r["eventName"], r["dynamodb"]["Keys"]["PK"]["S"]) for r in seen] == expected
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in seen]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    shard = _shard(table)
    assert len(shard.items) < 5 + 10 + 20  # retained + chunk + one unread batch at most
    assert shard.starting_sequence_number > numbers[0]  # the horizon moved


def test_trimming_never_drops_an_unread_record_and_reports_trimmed_reads(
    moto_url: str, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moto_dynamodb, "RETAIN_READ", 2)
    monkeypatch.setattr(moto_dynamodb, "TRIM_CHUNK", 3)
    client = _client(moto_url)
    streams = _client(moto_url, "dynamodbstreams")
    for i in range(10):
        client.put_item(TableName=table, Item=_key(f"a-{i}"))
    first = _stream(moto_url, table)  # reads all ten: eight may go
    shard = _shard(table)
    assert len(shard.items) == 2
    for i in range(10):  # unread: all stay, whatever their number
        client.put_item(TableName=table, Item=_key(f"b-{i}"))
    assert len(shard.items) == 12

    rest = _stream(moto_url, table)  # from the new horizon: the two kept, then the ten new
    assert [r["dynamodb"]["Keys"]["PK"]["S"] for r in rest] == [
        "a-8",
        "a-9",
        *(f"b-{i}" for i in range(10)),
    ]
    assert rest[0]["dynamodb"]["SequenceNumber"] == first[8]["dynamodb"]["SequenceNumber"]

    arn = client.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard_id = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    with pytest.raises(ClientError) as caught:
        streams.get_shard_iterator(
            StreamArn=arn,
            ShardId=shard_id,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=first[0]["dynamodb"]["SequenceNumber"],
        )
    assert caught.value.response["Error"]["Code"] == "TrimmedDataAccessException"


def test_shard_iterators_expire_instead_of_piling_up(
    moto_url: str, table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    client = _client(moto_url)
    streams = _client(moto_url, "dynamodbstreams")
    arn = client.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard_id = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]

    def iterator() -> str:
        return str(
            streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType="LATEST")[
                "ShardIterator"
            ]
        )

    old = iterator()
    monkeypatch.setattr(moto_dynamodb, "ITERATOR_TTL_SECONDS", 0.0)
    for _ in range(50):
        streams.get_records(ShardIterator=iterator())
    backend = next(iter(dynamodbstreams_backends.values()))[REGION]
    assert sum(1 for a in backend.shard_iterators if f"/{table}/" in a) <= 2
    with pytest.raises(ClientError) as caught:
        streams.get_records(ShardIterator=old)
    assert caught.value.response["Error"]["Code"] == "ExpiredIteratorException"


# --- scope: the local runtime only, and moto as it was written against ----------------------


def test_install_is_counted_and_uninstall_restores_moto() -> None:
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    original = DynamoDBBackend.transact_write_items
    assert not moto_dynamodb.installed()
    assert "call_action" not in DynamoDBStreamsHandler.__dict__
    moto_dynamodb.install()
    moto_dynamodb.install()
    assert DynamoDBBackend.transact_write_items is not original
    moto_dynamodb.uninstall()
    assert moto_dynamodb.installed()
    moto_dynamodb.uninstall()
    assert not moto_dynamodb.installed()
    assert DynamoDBBackend.transact_write_items is original
    assert "call_action" not in DynamoDBStreamsHandler.__dict__


def _imports_the_patch(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            if any(a.name == "infra.local.moto_dynamodb" for a in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            if node.module == "infra.local.moto_dynamodb":
                return True
            if node.module in ("infra.local", None) and any(
                a.name == "moto_dynamodb" for a in node.names
            ):
                return True
    return False


def test_only_the_local_runtime_installs_the_patch() -> None:
    """Only infra/local/runtime.py imports the patch; the layer, the functions and the CDK
    app cannot reach it (tests/unit/test_import_direction.py keeps infra out of the layer)."""
    importers = {
        path.relative_to(ROOT).as_posix()
        for folder in ("layers", "functions", "infra")
        for path in (ROOT / folder).rglob("*.py")
        if _imports_the_patch(path)
    }
    assert importers == {"infra/local/runtime.py"}


def test_the_local_runtime_installs_it_and_its_stop_removes_it(tmp_path: Path) -> None:
    script = (
        "from infra.local import moto_dynamodb as m\n"
        "from infra.local.runtime import start_local\n"
        "import promptvault.data.transactions\n"
        "before = m.installed()\n"
        "runtime = start_local(port=0)\n"
        "during = m.installed()\n"
        "runtime.stop()\n"
        "print(before, during, m.installed())\n"
    )
    done = subprocess.run(  # the runtime pins the environment: a process of its own
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "SEARCH_INDEX_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "False True False"


# Source digests of the moto code the patch ports (transact_write_items) or relies on (the
# shard's positional sequence numbers, iterators, update_item's two INSERTs, the handlers).
# A moto upgrade that changes any of them fails here: re-read that code against
# infra/local/moto_dynamodb.py, adjust the patch, then update the digest and MOTO_VERSION.
MOTO_SOURCES = {
    ("moto.dynamodb.models", "DynamoDBBackend.transact_write_items"): "81db2cb7d94e39c9",
    ("moto.dynamodb.models", "DynamoDBBackend.update_item"): "218984588dd689a5",
    ("moto.dynamodb.models", "DynamoDBBackend.get_keys_value"): "1f948797496ddc2c",
    ("moto.dynamodb.models.table", "StreamShard.__init__"): "5b521e4bd51c467e",
    ("moto.dynamodb.models.table", "StreamShard.add"): "357dc6da267e5dd7",
    ("moto.dynamodb.models.table", "StreamShard.get"): "fa7e9a0d7b438c2f",
    ("moto.dynamodb.models.table", "Table.put_item"): "de23933013ef8426",
    ("moto.dynamodb.models.table", "Table.delete_item"): "1594f7b07616c8cb",
    ("moto.dynamodb.models.table", "Table.get_item"): "b08e98fe37b7e583",
    ("moto.dynamodbstreams.models", "ShardIterator.__init__"): "5842e50a95242ef8",
    ("moto.dynamodbstreams.models", "ShardIterator.get"): "8932c0f7250e8996",
    ("moto.dynamodbstreams.models", "DynamoDBStreamsBackend.get_shard_iterator"): (
        "a0be676df0bfc9ef"
    ),
    ("moto.dynamodbstreams.models", "DynamoDBStreamsBackend.get_records"): "db8c6cb04430c08f",
    ("moto.dynamodb.responses", "DynamoHandler.call_action"): "ce5f57cf83cde340",
    ("moto.core.responses", "BaseResponse.call_action"): "26076963fd17fd1a",
}


def test_moto_is_the_version_the_patch_was_written_against() -> None:
    import importlib

    import moto

    assert not moto_dynamodb.installed()
    changed = []
    for (module, qualname), digest in MOTO_SOURCES.items():
        owner_name, name = qualname.split(".")
        owner = getattr(importlib.import_module(module), owner_name)
        source = inspect.getsource(getattr(owner, name))
        if hashlib.sha256(source.encode()).hexdigest()[:16] != digest:
            changed.append(f"{module}.{qualname}")
    assert not changed, (
        f"moto {moto.__version__} changed {', '.join(changed)}: infra/local/moto_dynamodb.py "
        f"was written against moto {moto_dynamodb.MOTO_VERSION}; re-check it (see the digests)"
    )
    assert moto.__version__ == moto_dynamodb.MOTO_VERSION
