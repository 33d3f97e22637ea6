"""Reports: filing one, hiding what enough people reported, the moderators' queue and its
resolution. See docs/community.md ("Reports and moderation") and decision 70.

A report names a target (a prompt, a user) the reporter can see and does not own; one open
report per reporter and target (a conditional put of the reporter's mark in the target's
partition). When ``report_hide_threshold`` distinct people (3 unless the stage says
otherwise) have an open report of a prompt, it is hidden from everyone but its owner and
moderators, pending review. A moderator resolves a report with an action, which applies to
the target and closes every open report of it: each reporter gets an outcome item (the
``report.resolved`` event) and sees the outcome in ``GET /v1/users/me/reports``; the action
is recorded in the moderation log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from promptvault.comments import service as comments
from promptvault.core.caller import Caller
from promptvault.core.clock import now_iso
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.errors import Conflict, Forbidden, NotFound, field_error
from promptvault.core.ids import new_id
from promptvault.core.settings import get_settings
from promptvault.data.models import ReportItem, ReportOutcomeItem
from promptvault.identity import directory
from promptvault.moderation import service as moderation
from promptvault.prompts import service as prompts
from promptvault.reports import repository as repo
from promptvault.reports.schemas import QueuedReportOut, ReportCreate, ReportOut

OUTCOME_DAYS = 30  # an outcome item (the event's source) expires after this
DELETED = "deleted-user"


@dataclass(frozen=True, slots=True)
class TargetKind:
    """What reports can do to one kind of target."""

    find: Callable[[str, Caller], tuple[str, str]]  # (canonical id, owner id); 404 if unseen
    allowed: frozenset[str]  # the actions a moderator may resolve its reports with
    # (action, target id, note): apply it; None: the kind is reviewed, never acted on here
    act: Callable[[str, str, str], None] | None = None
    hide_pending: Callable[[str, str], None] | None = None  # when enough people reported


def _find_prompt(target_id: str, caller: Caller) -> tuple[str, str]:
    head = prompts.find_prompt(target_id, caller)
    return head.prompt_id, head.owner_id


def _act_on_prompt(action: str, prompt_id: str, note: str) -> None:
    try:
        if action == "dismiss":
            prompts.unhide_pending(prompt_id)
        elif action == "hide":
            prompts.hide_as_moderator(prompt_id, note)
        elif action == "remove":
            prompts.delete_as_moderator(prompt_id)
        else:
            prompts.restore_as_moderator(prompt_id)
    except NotFound:
        return  # deleted since it was reported: the reports close, nothing to act on
    except Conflict as exc:
        if action != "restore":  # restoring what nothing hid or archived changes nothing
            raise exc


def _hide_prompt(prompt_id: str, reason: str) -> None:
    prompts.hide_as_moderator(prompt_id, reason, pending=True)


def _find_user(target_id: str, caller: Caller) -> tuple[str, str]:
    if directory.get_profile(target_id) is None:
        raise NotFound("No user with that id")
    return target_id, target_id


def _find_comment(target_id: str, caller: Caller) -> tuple[str, str]:
    return comments.reportable(target_id, caller)


def _act_on_comment(action: str, comment_id: str, note: str) -> None:
    if action == "dismiss":
        comments.show(comment_id, only_pending=True)
    elif action == "hide":
        comments.hide(comment_id, pending=False)
    elif action == "remove":
        comments.remove_as_moderator(comment_id)
    else:
        comments.show(comment_id, only_pending=False)


def _hide_comment(comment_id: str, reason: str) -> None:
    comments.hide(comment_id, pending=True)


# A person is reviewed, not hidden: a moderator dismisses the report (recorded) and acts on
# the person's prompts through their own reports, or on their role (admins), where warranted.
TARGETS: dict[str, TargetKind] = {
    "prompt": TargetKind(
        _find_prompt,
        frozenset({"dismiss", "hide", "remove", "restore"}),
        _act_on_prompt,
        _hide_prompt,
    ),
    "comment": TargetKind(
        _find_comment,
        frozenset({"dismiss", "hide", "remove", "restore"}),
        _act_on_comment,
        _hide_comment,
    ),
    "user": TargetKind(_find_user, frozenset({"dismiss"})),
}


def file_report(caller: Caller, body: ReportCreate) -> ReportItem:
    kind = TARGETS[body.target_type]
    target_id, owner_id = kind.find(body.target_id, caller)
    if owner_id == caller.user_id:
        raise field_error("targetId", "you cannot report yourself or your own content")
    now = now_iso()
    report_id = new_id("rp")
    report = ReportItem(
        repo.report_pk(report_id),
        repo.REPORT,
        report_id=report_id,
        target_type=body.target_type,
        target_id=target_id,
        reporter_id=caller.user_id,
        reason=body.reason,
        details=body.details,
        status=repo.OPEN,
        created_at=now,
        gsi2pk=f"REPORTER#{caller.user_id}",
        gsi2sk=f"{now}#{report_id}",
    )
    repo.queue_keys(report, repo.OPEN, now)
    try:
        repo.file_report(report)
    except repo.AlreadyReported as exc:
        raise Conflict(
            "You already have an open report of this; a moderator will review it",
            [{"field": "targetId", "message": "already reported"}],
        ) from exc
    threshold = get_settings().report_hide_threshold
    if kind.hide_pending is not None:
        count = len(repo.open_reporters(body.target_type, target_id))
        if count >= threshold:
            kind.hide_pending(target_id, f"Reported by {count} people; pending review")
    return report


def my_reports(
    caller: Caller, cursor: str | None, limit: int
) -> tuple[list[ReportItem], dict[str, Any]]:
    scope = f"reports:{caller.user_id}"
    items, last = repo.query_mine(caller.user_id, limit, decode_cursor(cursor, scope))
    return items, page_meta(last, scope)


def _require_moderator(caller: Caller) -> None:
    if not caller.is_moderator:
        raise Forbidden("Only moderators and admins can do this")


def queue(
    caller: Caller, status: str, cursor: str | None, limit: int
) -> tuple[list[ReportItem], dict[str, Any]]:
    _require_moderator(caller)
    scope = f"moderation-reports:{status}"
    items, last = repo.query_queue(status, limit, decode_cursor(cursor, scope))
    return items, page_meta(last, scope)


@dataclass(frozen=True, slots=True)
class Resolved:
    target_type: str
    target_id: str
    action: str
    count: int
    note: str


def resolve(caller: Caller, report_id: str, action: str, note: str) -> Resolved:
    """Apply ``action`` to the report's target, then close every open report of it (each
    reporter learns the outcome); 409 when this report was resolved already."""
    _require_moderator(caller)
    report = repo.get_report(report_id) if report_id.startswith("rp_") else None
    if report is None:
        raise NotFound("No report with that id")
    if report.status != repo.OPEN:
        raise Conflict("This report was resolved already", [{"field": "id", "message": "resolved"}])
    kind = TARGETS[report.target_type]
    if action not in kind.allowed:
        allowed = ", ".join(sorted(kind.allowed))
        raise field_error(
            "action", f"a {report.target_type} report can be resolved with: {allowed}"
        )
    if kind.act is not None:
        kind.act(action, report.target_id, note)
    now = now_iso()
    marks = repo.open_reporters(report.target_type, report.target_id)
    closed = 0
    for item in repo.get_reports([mark.report_id for mark in marks]):
        if item.status != repo.OPEN:
            continue
        item.status, item.resolved_at, item.action = repo.RESOLVED, now, action
        item.note, item.moderator_id = note, caller.user_id
        repo.queue_keys(item, repo.RESOLVED, now)
        try:
            repo.close(item, _outcome(item, now))
        except repo.NotOpen:
            continue  # another moderator closed it meanwhile
        closed += 1
    if closed == 0:
        raise Conflict("This report was resolved already", [{"field": "id", "message": "resolved"}])
    moderation.record(caller, report.target_type, report.target_id, action, note, now)
    return Resolved(report.target_type, report.target_id, action, closed, note)


def _outcome(report: ReportItem, now: str) -> ReportOutcomeItem | None:
    if report.reporter_id == DELETED:
        return None
    expires = datetime.fromisoformat(now) + timedelta(days=OUTCOME_DAYS)
    return ReportOutcomeItem(
        f"USER#{report.reporter_id}",
        f"REPORTOUTCOME#{report.report_id}",
        report_id=report.report_id,
        reporter_id=report.reporter_id,
        target_type=report.target_type,
        target_id=report.target_id,
        action=report.action or "dismiss",
        resolved_at=now,
        expires_at=expires,
    )


def report_out(report: ReportItem) -> ReportOut:
    return ReportOut(
        id=report.report_id,
        target_type=report.target_type,
        target_id=report.target_id,
        reason=report.reason,
        details=report.details,
        status=report.status,  # type: ignore[arg-type]
        created_at=report.created_at,
        resolved_at=report.resolved_at,
        action=report.action,  # type: ignore[arg-type]
    )


def queued_out(report: ReportItem) -> QueuedReportOut:
    return QueuedReportOut(
        **report_out(report).model_dump(),
        reporter_id=report.reporter_id,
        note=report.note,
        moderator_id=report.moderator_id,
    )


# --- account deletion ---------------------------------------------------------------------


def forget(user_id: str) -> int:
    """Account deletion: the person's reports stay for the moderators, anonymised (their open
    marks go, so they no longer count towards hiding anything); reports of the person as a
    target lose the id; their outcome items go. The number of items changed."""
    changed = 0
    for report in repo.reports_by(user_id):
        if report.status == repo.OPEN:
            for mark in repo.open_reporters(report.target_type, report.target_id):
                if mark.sk == f"{repo.BY}{user_id}":
                    repo.delete(mark)
        report.reporter_id = DELETED
        report.gsi2pk = None
        report.gsi2sk = None
        repo.save(report)
        changed += 1
    for report in repo.get_reports(repo.target_reports("user", user_id)):
        if report.status == repo.RESOLVED and report.reporter_id != DELETED:
            repo.delete_outcome(report.reporter_id, report.report_id)  # it names the person
        report.target_id = DELETED
        if report.status == repo.OPEN:
            report.status, report.action, report.resolved_at = repo.RESOLVED, "dismiss", now_iso()
            report.note = "The account was deleted"
            repo.queue_keys(report, repo.RESOLVED, report.resolved_at)
        repo.save(report)
        changed += 1
    changed += repo.delete_target_marks("user", user_id)
    for outcome in repo.outcomes_of(user_id):
        repo.delete(outcome)
        changed += 1
    changed += moderation.forget_target("user", user_id, DELETED)
    return changed
