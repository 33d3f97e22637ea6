"""The one transaction helper: a TransactWriteItems on the table's connection, and which of
its condition checks cancelled it; and that connection itself, for what no model declares."""

from __future__ import annotations

from pynamodb.connection import TableConnection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

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
