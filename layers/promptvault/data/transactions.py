"""The one transaction helper: a TransactWriteItems on the table's connection, and which of
its condition checks cancelled it; and that connection itself, for what no model declares,
opened at init (``connect``) and renewed after a SnapStart restore."""

from __future__ import annotations

from pynamodb.connection import TableConnection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from promptvault.core import snapshot
from promptvault.data.models import Item


def transaction() -> TransactWrite:
    """``with transaction() as tx: tx.save(...)``: all the writes, or none."""
    return TransactWrite(connection=Item._get_connection().connection)


def table_connection() -> TableConnection:
    """The table below the models, for items whose attribute names are data and so cannot be
    declared on a model (the rate counters' per-window estimates, ratelimit/counter.py)."""
    return Item._get_connection()


def failed_conditions(error: TransactWriteError) -> list[int]:
    """The positions (in the order written) of the writes whose condition failed."""
    reasons = error.cancellation_reasons or []
    return [
        i for i, r in enumerate(reasons) if r is not None and r.code == "ConditionalCheckFailed"
    ]


def failed_at(error: TransactWriteError, index: int) -> bool:
    return index in failed_conditions(error)


def connect() -> None:
    """Make the table's connection and its botocore client now, at init. pynamodb caches a
    connection on the first model class that asks; ``Item`` asking first makes it the one
    every entity shares (one client, one service model loaded, not one per entity)."""
    table_connection().connection.client  # noqa: B018  (the property makes the client)


def _connections() -> list[TableConnection]:
    found: dict[int, TableConnection] = {}
    classes: list[type[Item]] = [Item]
    while classes:
        cls = classes.pop()
        made = cls.__dict__.get("_connection")
        if made is not None:
            found[id(made)] = made
        classes.extend(cls.__subclasses__())
    return list(found.values())


def close_connections() -> None:
    """Every model connection closes its pooled sockets; the next call opens new ones."""
    for made in _connections():
        made.connection.client.close()


snapshot.renew_after_restore(close_connections)
