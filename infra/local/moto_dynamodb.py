"""The local runtime's patch to moto's DynamoDB: writes that stay fast as the stage fills up.

Installed by ``infra.local.runtime`` when it starts moto. Never by the layer, the functions
or CDK; in the test suite's in-process moto only by the runs that fill a table with thousands
of writes (the IAM observation of every scenario, the 1,500-prompt import), through
``patched()``. It is written against moto
5.2.5 (pinned in ``uv.lock``); ``tests/unit/test_local_moto_dynamodb.py`` fails loudly when
a moto upgrade changes the internals it relies on.

Why. moto 5.2.5's ``DynamoDBBackend.transact_write_items``
(``moto/dynamodb/models/__init__.py:607-615``) takes ``copy.deepcopy`` of every table a
transaction names before it writes, to put the table back if the transaction is cancelled.
A moto ``Table`` holds every item (``Table.items``) and its stream shard, and the shard keeps
every stream record ever written (``StreamShard.items``, ``models/table.py:211``, appended
by ``StreamShard.add`` and never trimmed). So every ``TransactWriteItems`` (a prompt create,
an edit, a fork, a sign-up) copied the whole history of the stage: O(items + records) per
write, ~100 ms on an empty stage, seconds after a few thousand requests. moto's server runs
each request on its own thread with no lock, so a copy taken while another request inserts
fails inside moto with ``RuntimeError: dictionary changed size during iteration``, and a
rollback (``self.tables[name] = <the copy>``) silently undid any write another request made
meanwhile. The streams backend also keeps every shard iterator it ever handed out
(``DynamoDBStreamsBackend.shard_iterators``); the stream pump takes two or more every poll.

What, while installed (process-wide; ``install()`` / ``uninstall()`` are counted):

1. **Rollback by key.** ``TransactWriteItems`` is moto's own loop (the same checks, condition
   evaluation, ``ReturnValuesOnConditionCheckFailure`` and per-item ``CancellationReasons``)
   with the table copy replaced by a journal: before each operation it keeps a copy of the
   one item that operation touches (by its key; ``None`` when absent) and, per table, how
   long the stream shard was. A cancelled transaction puts those items back and drops the
   stream records it appended, so only committed writes ever reach the stream. Any other
   exception inside the transaction rolls back too (moto's own did not for some).
2. **One lock.** Every DynamoDB and DynamoDB Streams request, from parsing to the serialised
   answer, holds one re-entrant lock (``DynamoHandler.call_action`` and
   ``DynamoDBStreamsHandler.call_action``): transactions, single writes and reads are
   serialised, as one moto process can only pretend to be DynamoDB that way. The product's
   requests are small; the GIL serialised most of the work already.
3. **A bounded stream.** Sequence numbers in moto are positions
   (``seq = len(shard.items) + shard.starting_sequence_number``), so trimming drops records
   from the front and moves ``starting_sequence_number`` by as many: every kept and future
   record keeps its number. Only records a ``GetRecords`` has already returned are trimmed
   (in the local runtime the stream pump is the only reader), and the last ``RETAIN_READ``
   of those stay for late readers; trimming waits for ``TRIM_CHUNK`` surplus records so the
   list is shifted rarely. An iterator at a trimmed position gets
   ``TrimmedDataAccessException`` (AWS's answer past the 24 h retention), not a crash.
4. **Iterators expire** ``ITERATOR_TTL_SECONDS`` (15 minutes, as on AWS) after they are
   handed out; a late ``GetRecords`` gets ``ExpiredIteratorException``.
5. **One INSERT per new item.** moto's ``UpdateItem`` on an absent key puts a keys-only item
   first and then updates it, writing two ``INSERT`` records; DynamoDB writes one. The
   keys-only one is dropped (the kept record takes its sequence number).
"""

from __future__ import annotations

import copy
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import StreamShard, Table
from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.models import DynamoDBStreamsBackend
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

MOTO_VERSION = "5.2.5"  # what this patch was written against (the guard test compares)
RETAIN_READ = 1_000  # read records kept on the shard for late readers
TRIM_CHUNK = 1_000  # trim once this many more read records have piled up
ITERATOR_TTL_SECONDS = 15 * 60  # AWS: a shard iterator expires 15 minutes after issue

LOCK = threading.RLock()
_MISSING = object()
_state = threading.Lock()  # guards the install count
_installs = 0
_originals: dict[tuple[type, str], Any] = {}


# --- install -------------------------------------------------------------------------------


def install() -> None:
    """Patch moto (process-wide). Counted: each ``install()`` wants one ``uninstall()``."""
    global _installs
    with _state:
        _installs += 1
        if _installs > 1:
            return
        _replace(DynamoDBBackend, "transact_write_items", _transact_write_items)
        _replace(DynamoDBBackend, "update_item", _one_insert(DynamoDBBackend.update_item))
        _replace(DynamoHandler, "call_action", _locked(DynamoHandler.call_action))
        _replace(DynamoDBStreamsHandler, "call_action", _locked(DynamoDBStreamsHandler.call_action))
        _replace(
            DynamoDBStreamsBackend,
            "get_shard_iterator",
            _get_shard_iterator(DynamoDBStreamsBackend.get_shard_iterator),
        )
        _replace(
            DynamoDBStreamsBackend, "get_records", _get_records(DynamoDBStreamsBackend.get_records)
        )


def uninstall() -> None:
    """Undo one ``install()``; moto is itself again after the last one."""
    global _installs
    with _state:
        if _installs == 0:
            return
        _installs -= 1
        if _installs:
            return
        for (owner, name), original in reversed(list(_originals.items())):
            if original is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        _originals.clear()
        _issued.clear()


def installed() -> bool:
    return _installs > 0


@contextmanager
def patched() -> Iterator[None]:
    install()
    try:
        yield
    finally:
        uninstall()


def _replace(owner: type, name: str, new: Callable[..., Any]) -> None:
    _originals[(owner, name)] = owner.__dict__.get(name, _MISSING)
    setattr(owner, name, new)


def _locked(call_action: Callable[..., Any]) -> Callable[..., Any]:
    def call_action_locked(self: Any) -> Any:
        with LOCK:
            return call_action(self)

    return call_action_locked


# --- 1. rollback by key --------------------------------------------------------------------


class _Journal:
    """What a transaction changed, to put back: the touched items and each shard's length."""

    def __init__(self, backend: DynamoDBBackend) -> None:
        self.backend = backend
        self.items: list[tuple[Table, DynamoType, DynamoType | None, Item | None]] = []
        self.shards: list[tuple[StreamShard, int]] = []

    def remember(self, table_name: str, key: dict[str, Any]) -> None:
        """Keep the item at ``key`` as it is now. Raises what moto's ``get_item`` raises for a
        bad key, exactly where moto's own loop would (it reads the item next)."""
        table = self.backend.get_table(table_name)
        hash_key, range_key = self.backend.get_keys_value(table, key)
        current = table.get_item(hash_key, range_key)
        self.items.append((table, hash_key, range_key, copy.deepcopy(current)))
        shard = table.stream_shard
        if shard is not None and all(s is not shard for s, _ in self.shards):
            self.shards.append((shard, len(shard.items)))

    def rollback(self) -> None:
        for table, hash_key, range_key, before in reversed(self.items):
            if range_key is None:
                if before is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = before  # type: ignore[assignment]  # moto: hash-only
                continue
            partition = table.items.get(hash_key)
            if before is not None:
                table.items[hash_key][range_key] = before
            elif partition is not None:
                partition.pop(range_key, None)
                if not partition:
                    del table.items[hash_key]
        for shard, length in self.shards:
            del shard.items[length:]


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    """moto 5.2.5's ``DynamoDBBackend.transact_write_items`` with a journal for the copy."""
    with LOCK:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        journal = _Journal(self)
        try:
            _apply(self, transact_items, journal)
        except BaseException:
            journal.rollback()
            raise


def _apply(self: DynamoDBBackend, transact_items: list[dict[str, Any]], journal: _Journal) -> None:
    # From here to the end: moto's loop, unchanged but for ``journal.remember`` and the
    # rollbacks (now the caller's, on any exception).
    target_items: set[tuple[str, str]] = set()

    def check_unicity(table_name: str, key: dict[str, Any]) -> None:
        item = (str(table_name), str(dict(sorted(key.items()))))
        if item in target_items:
            raise MultipleTransactionsException()
        target_items.add(item)

    errors: list[tuple[str, str, dict[str, Any] | None] | tuple[None, None, None]] = []
    for item in transact_items:
        original_item: dict[str, Any] | None = None
        if len(list(item.keys())) > 1:
            raise TransactWriteSingleOpException

        try:
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")

            table_name = op["TableName"]
            condition_expression = op.get("ConditionExpression")
            expression_attribute_names = op.get("ExpressionAttributeNames")
            expression_attribute_values = op.get("ExpressionAttributeValues")
            return_values_on_condition_check_failure = op.get("ReturnValuesOnConditionCheckFailure")

            if op_type == "Put":
                attrs = op["Item"]
                table = self.get_table(table_name)
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]

            check_unicity(table_name, key)

            journal.remember(table_name, key)
            current = self.get_item(table_name, key)
            if condition_expression is not None:
                condition_op = get_filter_expression(
                    condition_expression,
                    expression_attribute_names,
                    expression_attribute_values,
                )
                if not condition_op.expr(current):
                    if return_values_on_condition_check_failure == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)

            if op_type == "Put":
                self.put_item(
                    table_name,
                    op["Item"],
                    condition_expression=condition_expression,
                    expression_attribute_names=expression_attribute_names,
                    expression_attribute_values=expression_attribute_values,
                )
            elif op_type == "Delete":
                self.delete_item(
                    table_name,
                    key,
                    condition_expression=condition_expression,
                    expression_attribute_names=expression_attribute_names,
                    expression_attribute_values=expression_attribute_values,
                )
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    condition_expression=condition_expression,
                    expression_attribute_names=expression_attribute_names,  # type: ignore[arg-type]
                    expression_attribute_values=expression_attribute_values,  # type: ignore[arg-type]
                )
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            raise
        except ConditionalCheckFailed as e:
            errors.append(("ConditionalCheckFailed", str(e.message), original_item))
        except Exception as e:
            errors.append((type(e).__name__, str(e), original_item))

    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)


# --- 5. one INSERT per new item ------------------------------------------------------------


def _one_insert(update_item: Callable[..., Item]) -> Callable[..., Item]:
    def update_item_one_insert(
        self: DynamoDBBackend, table_name: str, key: Any, *args: Any, **kwargs: Any
    ) -> Item:
        with LOCK:
            shard = self.get_table(table_name).stream_shard
            before = len(shard.items) if shard is not None else 0
            item = update_item(self, table_name, key, *args, **kwargs)
            if shard is not None and len(shard.items) == before + 2:
                first, second = shard.items[before], shard.items[before + 1]
                if first.record["eventName"] == second.record["eventName"] == "INSERT":
                    del shard.items[before]
                    sequence = shard.starting_sequence_number + before
                    second.record["dynamodb"]["SequenceNumber"] = str(sequence)
            return item

    return update_item_one_insert


# --- 3. a bounded stream, 4. iterators that expire -----------------------------------------


class TrimmedDataAccessException(JsonRESTError):
    def __init__(self) -> None:
        super().__init__(
            "TrimmedDataAccessException",
            "The operation attempted to read past the oldest stream record in a shard.",
        )


class ExpiredIteratorException(JsonRESTError):
    def __init__(self) -> None:
        super().__init__("ExpiredIteratorException", "Iterator expired")


# (monotonic time handed out, the backend that holds it, iterator ARN), oldest first
_issued: deque[tuple[float, DynamoDBStreamsBackend, str]] = deque()


def _issue(backend: DynamoDBStreamsBackend, arn: str) -> None:
    now = time.monotonic()
    _issued.append((now, backend, arn))
    while _issued and now - _issued[0][0] > ITERATOR_TTL_SECONDS:
        _, holder, expired = _issued.popleft()
        holder.shard_iterators.pop(expired, None)


def trim(shard: StreamShard, read_up_to: int) -> int:
    """Drop the records up to sequence number ``read_up_to`` but the last ``RETAIN_READ`` of
    them, once ``TRIM_CHUNK`` are due; the number dropped. Numbers stay as they were."""
    read = read_up_to - shard.starting_sequence_number + 1
    surplus = min(read, len(shard.items)) - RETAIN_READ
    if surplus < TRIM_CHUNK:
        return 0
    del shard.items[:surplus]
    shard.starting_sequence_number += surplus
    return surplus


def _get_shard_iterator(get_shard_iterator: Callable[..., Any]) -> Callable[..., Any]:
    def get_shard_iterator_bounded(self: DynamoDBStreamsBackend, *args: Any, **kwargs: Any) -> Any:
        with LOCK:
            iterator = get_shard_iterator(self, *args, **kwargs)
            if iterator.sequence_number < iterator.stream_shard.starting_sequence_number:
                self.shard_iterators.pop(iterator.arn, None)
                raise TrimmedDataAccessException()
            _issue(self, iterator.arn)
            return iterator

    return get_shard_iterator_bounded


def _get_records(get_records: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def get_records_trimming(
        self: DynamoDBStreamsBackend, iterator_arn: str, limit: int
    ) -> dict[str, Any]:
        with LOCK:
            iterator = self.shard_iterators.get(iterator_arn)
            if iterator is None:
                raise ExpiredIteratorException()
            shard = iterator.stream_shard
            if iterator.sequence_number < shard.starting_sequence_number:
                raise TrimmedDataAccessException()
            result = get_records(self, iterator_arn, limit)
            _issue(self, result["NextShardIterator"])
            if result["Records"]:
                trim(shard, int(result["Records"][-1]["dynamodb"]["SequenceNumber"]))
            return result

    return get_records_trimming
