"""The report items (data/models.py): the report, the marks in the target's partition, the
reporter's outcome. The only module that builds pynamodb calls for them."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError

from promptvault.data.models import ReportItem, ReportMarkItem, ReportOutcomeItem
from promptvault.data.transactions import failed_at, transaction

OPEN, RESOLVED = "open", "resolved"
BY = "BY#"
REPORT = "REPORT"


class AlreadyReported(Exception):
    """The reporter has an open report of this target."""


class NotOpen(Exception):
    """The report was resolved meanwhile."""


def report_pk(report_id: str) -> str:
    return f"REPORT#{report_id}"


def target_pk(target_type: str, target_id: str) -> str:
    return f"REPORTED#{target_type}#{target_id}"


def queue_keys(report: ReportItem, status: str, at: str) -> None:
    report.gsi1pk = f"REPORTS#{status}"
    report.gsi1sk = f"{at}#{report.report_id}"


def file_report(report: ReportItem) -> None:
    """The report, the reporter's open mark (one open report per reporter and target) and the
    target's record of it, together."""
    pk = target_pk(report.target_type, report.target_id)
    try:
        with transaction() as tx:
            tx.save(report, condition=ReportItem.pk.does_not_exist())
            tx.save(
                ReportMarkItem(pk, f"{BY}{report.reporter_id}", report_id=report.report_id),
                condition=ReportMarkItem.pk.does_not_exist(),
            )
            tx.save(ReportMarkItem(pk, f"{REPORT}#{report.report_id}", report_id=report.report_id))
    except TransactWriteError as error:
        if failed_at(error, 1):
            raise AlreadyReported(report.target_id) from error
        raise


def open_reporters(target_type: str, target_id: str) -> list[ReportMarkItem]:
    """The open marks of a target: one per person with an open report of it."""
    return [
        item
        for item in ReportMarkItem.query(
            target_pk(target_type, target_id), ReportMarkItem.sk.startswith(BY)
        )
        if isinstance(item, ReportMarkItem)
    ]


def target_reports(target_type: str, target_id: str) -> list[str]:
    """The ids of every report of a target, open or resolved."""
    return [
        item.report_id
        for item in ReportMarkItem.query(
            target_pk(target_type, target_id), ReportMarkItem.sk.startswith(f"{REPORT}#")
        )
        if isinstance(item, ReportMarkItem)
    ]


def get_report(report_id: str) -> ReportItem | None:
    try:
        return ReportItem.get(report_pk(report_id), REPORT, consistent_read=True)
    except ReportItem.DoesNotExist:
        return None


def get_reports(report_ids: list[str]) -> list[ReportItem]:
    keys = [(report_pk(rid), REPORT) for rid in report_ids]
    return [item for item in ReportItem.batch_get(keys) if isinstance(item, ReportItem)]


def close(report: ReportItem, outcome: ReportOutcomeItem | None) -> None:
    """The report resolved (as it was open), the reporter's open mark gone and their outcome
    written (its INSERT is the ``report.resolved`` event), together."""
    pk = target_pk(report.target_type, report.target_id)
    try:
        with transaction() as tx:
            tx.save(report, condition=ReportItem.status == OPEN)
            tx.delete(ReportMarkItem(pk, f"{BY}{report.reporter_id}"))
            if outcome is not None:
                tx.save(outcome)
    except TransactWriteError as error:
        if failed_at(error, 0):
            raise NotOpen(report.report_id) from error
        raise


def query_queue(
    status: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[ReportItem], dict[str, Any] | None]:
    """The queue: open reports oldest first (the longest waiting on top), resolved ones newest
    first."""
    results = ReportItem.by_owner.query(
        f"REPORTS#{status}",
        scan_index_forward=status == OPEN,
        limit=limit,
        last_evaluated_key=start,
    )
    return [r for r in results if isinstance(r, ReportItem)], results.last_evaluated_key


def query_mine(
    reporter_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[ReportItem], dict[str, Any] | None]:
    results = ReportItem.feed.query(
        f"REPORTER#{reporter_id}", scan_index_forward=False, limit=limit, last_evaluated_key=start
    )
    return [r for r in results if isinstance(r, ReportItem)], results.last_evaluated_key


def reports_by(reporter_id: str) -> list[ReportItem]:
    return [
        r for r in ReportItem.feed.query(f"REPORTER#{reporter_id}") if isinstance(r, ReportItem)
    ]


def outcomes_of(user_id: str) -> list[ReportOutcomeItem]:
    return [
        item
        for item in ReportOutcomeItem.query(
            f"USER#{user_id}", ReportOutcomeItem.sk.startswith("REPORTOUTCOME#")
        )
        if isinstance(item, ReportOutcomeItem)
    ]


def save(item: ReportItem | ReportOutcomeItem | ReportMarkItem) -> None:
    item.save()


def delete(item: ReportItem | ReportOutcomeItem | ReportMarkItem) -> None:
    item.delete()


def delete_outcome(reporter_id: str, report_id: str) -> None:
    ReportOutcomeItem(f"USER#{reporter_id}", f"REPORTOUTCOME#{report_id}").delete()


def delete_target_marks(target_type: str, target_id: str) -> int:
    """Every mark in a target's partition (its reports stay): the number deleted."""
    marks = list(ReportMarkItem.query(target_pk(target_type, target_id)))
    with ReportMarkItem.batch_write() as batch:
        for mark in marks:
            batch.delete(mark)
    return len(marks)
