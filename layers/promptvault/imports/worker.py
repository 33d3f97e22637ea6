"""The import worker: a file in the imports bucket becomes prompts, exactly once.

The bucket's ObjectCreated events reach it through its queue (SQS, at least once, with a
DLQ). For each file it reads the import, parses the rows, checks each as ``POST /v1/prompts``
checks a body (``PromptCreate``), and writes the new prompts several to a transaction, each
with an ``ImportedItem`` (the row's fingerprint, conditioned on not existing) and the day's
quota count in the same transaction. A redelivered message, or a retry after a timeout half
way, finds the rows it wrote by their fingerprints and writes nothing twice; the rows' outcomes
come out the same, so their items are written again unchanged (decision 58).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from pydantic import ValidationError

from promptvault.core.clock import now_iso, utcnow
from promptvault.core.settings import get_settings
from promptvault.data.models import ImportItem, ImportRowItem
from promptvault.imports import formats
from promptvault.imports import repository as repo
from promptvault.prompts import portable
from promptvault.prompts.schemas import LABEL_PATTERN, PromptCreate

log = logging.getLogger("promptvault.imports")

MAX_FILE_BYTES = 20 * 1024 * 1024  # a file past this fails as a whole
MAX_VERSIONS = 50  # versions one imported prompt may carry (a transaction holds 100 writes)
_SLUG_RETRIES = 4
_LABEL = re.compile(LABEL_PATTERN)


class ImportNotYetWritten(Exception):
    """A file whose import is not in the table (yet): the message comes back, and after the
    queue's receive count it rests in the DLQ (an import whose write failed)."""


@dataclass
class Outcome:
    number: int
    status: str
    title: str | None
    prompt_id: str | None = None
    reason: str | None = None


@dataclass
class _Pending:
    """A valid row waiting for its chunk's transaction."""

    number: int
    title: str
    fingerprint: str
    prompt: portable.NewPrompt


@dataclass
class Run:
    """One pass over one import's file."""

    item: ImportItem
    quota: int
    used: int
    outcomes: list[Outcome] = field(default_factory=list)
    # fingerprint -> the prompt made or found for it, for the rows decided so far
    claimed: dict[str, str | None] = field(default_factory=dict)
    transactions: int = 0  # TransactWriteItems sent (the bench reads it)

    @property
    def owner(self) -> str:
        return self.item.owner_id


# --- the file's rows as create bodies ---------------------------------------------------


def _reason(error: ValidationError) -> str:
    problems = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem.get("loc", ()) if p != "body")
        problems.append(f"{where}: {problem['msg']}" if where else problem["msg"])
    return "; ".join(problems)


def new_prompt(row: formats.Row) -> portable.NewPrompt | str:
    """The row as a prompt to write, or why it cannot be one (every rule of a create)."""
    source = row.prompt
    if source is None:
        return row.problem or "unreadable row"
    if len(source.versions) > MAX_VERSIONS:
        return f"more than {MAX_VERSIONS} versions"
    bodies = []
    for position, version in enumerate(source.versions, start=1):
        body = {**version, "visibility": source.visibility, "status": source.status}
        try:
            bodies.append(PromptCreate.model_validate(body))
        except ValidationError as error:
            where = f"version {position}: " if len(source.versions) > 1 else ""
            return where + _reason(error)
    bad = [name for name in source.labels if not _LABEL.match(name)]
    if bad:
        return f"label names must match {LABEL_PATTERN}: {', '.join(bad)}"
    return portable.NewPrompt(
        versions=bodies,
        visibility=bodies[-1].visibility,
        status=bodies[-1].status,
        labels=dict(source.labels),
        change_messages=list(source.change_messages),
    )


def fingerprint(prompt: portable.NewPrompt) -> str:
    """The row's content (every version, labels), not where it sits in the file or how it
    is shared: the same prompt imported again is the same fingerprint."""
    versions = [
        body.model_dump(mode="json", by_alias=True, exclude={"visibility", "status"})
        for body in prompt.versions
    ]
    canonical = json.dumps([versions, sorted(prompt.labels.items())], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- writing -----------------------------------------------------------------------------


def _chunks(pending: list[_Pending]) -> Iterator[list[_Pending]]:
    """Consecutive rows whose writes (the prompt's, its fingerprint) and the quota's fit a
    transaction."""
    chunk: list[_Pending] = []
    writes = 1  # the quota's update
    for row in pending:
        needs = row.prompt.writes + 1
        if chunk and writes + needs > portable.TRANSACTION_LIMIT:
            yield chunk
            chunk, writes = [], 1
        chunk.append(row)
        writes += needs
    if chunk:
        yield chunk


def _write_chunk(run: Run, rows: list[_Pending], day: str) -> None:
    """Skip what was imported already, reject what the quota refuses, write the rest."""
    for _ in range(_SLUG_RETRIES + 2):
        known = repo.imported(run.owner, [row.fingerprint for row in rows])
        claimed = dict(run.claimed)
        fresh: list[_Pending] = []
        decided: list[Outcome] = []
        for row in rows:
            decided.append(_decide(run, row, known.get(row.fingerprint), claimed, fresh))
        now = now_iso()
        for row in fresh:
            if row.prompt.head is None:
                portable.build(run.owner, row.prompt, now)
        try:
            if fresh:
                _insert(run, fresh, day)
        except portable.WritesRefused as refused:
            if not _retryable(run, fresh, refused):
                raise
            continue
        run.used += len(fresh)
        ids = {row.fingerprint: row.prompt.head.prompt_id for row in fresh if row.prompt.head}
        for outcome, row in zip(decided, rows, strict=True):
            outcome.prompt_id = outcome.prompt_id or ids.get(row.fingerprint)
            claimed[row.fingerprint] = outcome.prompt_id
        run.claimed = claimed
        run.outcomes.extend(decided)
        return
    raise RuntimeError("an import chunk kept being refused")


def _decide(
    run: Run,
    row: _Pending,
    found: Any,
    claimed: dict[str, str | None],
    fresh: list[_Pending],
) -> Outcome:
    """What becomes of one row: one this import wrote before (a replay) is created, with the
    prompt it wrote; one another import wrote is skipped; a new one is created, if the day's
    quota allows. (A fingerprint is never claimed twice in a file: copies differ, _rows_of.)"""
    if row.fingerprint in claimed:
        return Outcome(row.number, "skipped", row.title, claimed[row.fingerprint])
    claimed[row.fingerprint] = found.prompt_id if found is not None else None
    if found is not None:
        status = "created" if found.import_id == run.item.import_id else "skipped"
        return Outcome(row.number, status, row.title, found.prompt_id)
    if run.used + len(fresh) >= run.quota:
        reason = (
            f"the daily import quota is reached ({run.quota} prompts per person per UTC day); "
            "import the file again tomorrow"
        )
        return Outcome(row.number, "rejected", row.title, reason=reason)
    fresh.append(row)
    return Outcome(row.number, "created", row.title)


def _insert(run: Run, fresh: list[_Pending], day: str) -> None:
    also = [
        repo.imported_write(
            run.owner,
            row.fingerprint,
            row.prompt.head.prompt_id,  # type: ignore[union-attr]
            run.item.import_id,
        )
        for row in fresh
    ]
    also.append(repo.quota_write(run.owner, day, len(fresh), run.quota))
    run.transactions += 1
    portable.insert([row.prompt for row in fresh], also)


def _retryable(run: Run, fresh: list[_Pending], refused: portable.WritesRefused) -> bool:
    """A taken slug is drawn again; a fingerprint written meanwhile (a concurrent replay) is
    read again on the next attempt, and so is a quota another import moved (the update goes
    after every put: repository.insert_many)."""
    slugs = portable.slug_positions([row.prompt for row in fresh])
    puts = portable.puts_of([row.prompt for row in fresh])
    quota_at = puts + len(fresh)
    understood = False
    for position in refused.positions:
        if position in slugs:
            portable.redraw_slug(fresh[slugs[position]].prompt)
            understood = True
        elif puts <= position < quota_at:
            understood = True
        elif position == quota_at:
            run.used = repo.quota_used(run.owner, _today())
            understood = True
    return understood


def _today() -> str:
    return utcnow().date().isoformat()


# --- one file ----------------------------------------------------------------------------


def _rows_of(run: Run, text: str) -> list[_Pending]:
    """The valid rows, each with its fingerprint: the k-th copy of the same prompt in a file
    is fingerprinted as its k-th copy, so a file with a prompt twice creates it twice, and the
    same file again creates neither (docs/imports.md)."""
    pending: list[_Pending] = []
    copies: dict[str, int] = {}
    for row in formats.parse(run.item.format, text):  # type: ignore[arg-type]
        made = new_prompt(row)
        title = row.title[:200] or None
        if isinstance(made, str):
            run.outcomes.append(Outcome(row.number, "rejected", title, reason=made))
            continue
        base = fingerprint(made)
        copies[base] = copies.get(base, 0) + 1
        print_ = base if copies[base] == 1 else fingerprint_of_copy(base, copies[base])
        pending.append(_Pending(row.number, title or "", print_, made))
    return pending


def fingerprint_of_copy(base: str, copy: int) -> str:
    return hashlib.sha256(f"{base}#{copy}".encode()).hexdigest()


def _record(run: Run) -> None:
    rows: list[ImportRowItem] = []
    for outcome in run.outcomes:
        fields: dict[str, Any] = {"title": outcome.title}
        if outcome.prompt_id:
            fields["prompt_id"] = outcome.prompt_id
        if outcome.reason:
            fields["reason"] = outcome.reason
        rows.append(repo.new_row(run.item.import_id, outcome.number, outcome.status, **fields))
    repo.put_rows(rows)


def process_file(item: ImportItem, data: bytes) -> Run:
    """Every row of the file, then the import's outcome."""
    day = _today()
    quota = get_settings().import_daily_quota
    run = Run(item, quota, repo.quota_used(item.owner_id, day))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        repo.finish(item, "failed", now_iso(), error="The file is not UTF-8 text")
        return run
    try:
        pending = _rows_of(run, text)
    except formats.FileUnreadable as error:
        repo.finish(item, "failed", now_iso(), error=str(error))
        return run
    for chunk in _chunks(pending):
        _write_chunk(run, chunk, day)
    run.outcomes.sort(key=lambda outcome: outcome.number)
    _record(run)
    counts = {s: sum(1 for o in run.outcomes if o.status == s) for s in _STATUSES}
    repo.finish(item, "done", now_iso(), **counts)
    return run


_STATUSES = ("created", "skipped", "rejected")


def process_object(bucket: str, key: str) -> Run | None:
    """The file at ``key``: its import processed, or nothing when the key is not an import's,
    the import is unknown, or it is finished already (a redelivered event)."""
    ids = repo.ids_of_key(key)
    if ids is None:
        log.warning("ignoring an object that is not an import's: %s", key)
        return None
    owner_id, import_id = ids
    item = repo.get_import(import_id)
    if item is None:  # the file is put before its import is written: wait for a redelivery
        raise ImportNotYetWritten(key)
    if item.owner_id != owner_id:
        log.warning("ignoring a file under another person's prefix: %s", key)
        return None
    if not repo.start_processing(item):
        return None
    try:
        data = repo.read_file(bucket, key, MAX_FILE_BYTES)
    except repo.FileTooLarge:
        repo.finish(item, "failed", now_iso(), error=f"The file is over {MAX_FILE_BYTES} bytes")
        return None
    return process_file(item, data)


def objects_of(body: str) -> list[tuple[str, str]]:
    """(bucket, key) of each ObjectCreated record of an S3 event notification (an SQS
    message's body); S3's test event and other records name none."""
    try:
        event = json.loads(body)
    except ValueError:
        return []
    found = []
    for record in event.get("Records") or [] if isinstance(event, dict) else []:
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record.get("s3") or {}
        bucket = (s3.get("bucket") or {}).get("name")
        key = (s3.get("object") or {}).get("key")
        if bucket and key:
            found.append((str(bucket), unquote_plus(str(key))))
    return found


def handle(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Lambda entry (SQS): partial batch response, one record per S3 event."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    processor = BatchProcessor(EventType.SQS, raise_on_entire_batch_failure=False)

    def record_handler(record: SQSRecord) -> None:
        for bucket, key in objects_of(record.body):
            process_object(bucket, key)

    with processor(
        records=event.get("Records") or [], handler=record_handler, lambda_context=context
    ):
        processor.process()
    return dict(processor.response())
