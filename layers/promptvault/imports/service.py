"""Imports as a person sees them: starting one, reading its status and its rows; exports.

An import's file always lands in the stage's imports bucket, at ``imports/<owner>/<id>``:
inline content is put there by ``start_import`` itself, a file by its owner through the
pre-signed URL. The bucket's ObjectCreated event reaches the import worker through a queue
(imports/worker.py), so both take one path (decision 57).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from promptvault.core.caller import Caller
from promptvault.core.clock import iso, now_iso, utcnow
from promptvault.core.cursors import decode_cursor, page_meta
from promptvault.core.errors import DomainError, NotFound
from promptvault.core.ids import new_id
from promptvault.data.models import ImportItem, ImportRowItem
from promptvault.imports import formats
from promptvault.imports import repository as repo
from promptvault.imports.schemas import ImportCounts, ImportCreate, ImportOut, ImportRowOut
from promptvault.imports.schemas import ImportStarted as ImportStartedOut
from promptvault.prompts import portable

UPLOAD_SECONDS = 15 * 60  # a pre-signed upload URL works this long
# Lambda answers at most 6 MB; the file, its headers and API Gateway's framing stay below.
MAX_EXPORT_BYTES = 5_000_000
_NOT_FOUND = "No import with that id"


class ExportTooLarge(DomainError):
    code, status = "EXPORT_TOO_LARGE", 422


def start_import(caller: Caller, body: ImportCreate) -> ImportStartedOut:
    """The import, answered at once; its processing starts when its file is in the bucket."""
    import_id = new_id("i")
    key = repo.object_key(caller.user_id, import_id)
    now = now_iso()
    if body.content is not None:
        # the file first: its event may reach the worker before the import is written, and
        # the worker waits for it (a redelivery); an import is never left without its file
        item = repo.new_import(import_id, caller.user_id, body.format, "processing", created_at=now)
        repo.put_file(key, body.content)
        repo.put_import(item)
        return ImportStartedOut(**_out(item).model_dump())
    expires = iso(utcnow() + timedelta(seconds=UPLOAD_SECONDS))
    item = repo.new_import(
        import_id,
        caller.user_id,
        body.format,
        "awaiting-upload",
        created_at=now,
        filename=body.filename,
        upload_expires_at=expires,
    )
    repo.put_import(item)
    url = repo.upload_url(key, UPLOAD_SECONDS)
    return ImportStartedOut(**_out(item).model_dump(), upload_url=url, upload_expires_at=expires)


def forget(owner_id: str) -> int:
    """Account deletion: the person's imports, their rows and fingerprints (repository)."""
    return repo.forget(owner_id)


def _out(item: ImportItem) -> ImportOut:
    return ImportOut(
        id=item.import_id,
        status=item.status,  # type: ignore[arg-type]
        format=item.format,  # type: ignore[arg-type]
        counts=ImportCounts(
            created=item.created or 0, skipped=item.skipped or 0, rejected=item.rejected or 0
        ),
        created_at=item.created_at,
        filename=item.filename,
        finished_at=item.finished_at,
        error=item.error,
    )


def _own_import(caller: Caller, import_id: str) -> ImportItem:
    """The caller's own import; anyone else's, like a missing one, is 404 (not even a
    moderator reads someone's import: it is their private file)."""
    item = repo.get_import(import_id)
    if item is None or item.owner_id != caller.user_id:
        raise NotFound(_NOT_FOUND)
    return item


def get_import(caller: Caller, import_id: str) -> ImportOut:
    return _out(_own_import(caller, import_id))


def _row_out(row: ImportRowItem) -> ImportRowOut:
    return ImportRowOut(
        number=row.number,
        status=row.status,  # type: ignore[arg-type]
        title=row.title,
        prompt_id=row.prompt_id,
        reason=row.reason,
    )


def import_rows(
    caller: Caller, import_id: str, status: str | None, cursor: str | None, limit: int
) -> tuple[list[ImportRowOut], dict[str, Any]]:
    """The rows' outcomes, by status (created, rejected, skipped) then number."""
    _own_import(caller, import_id)
    scope = f"import-rows:{import_id}:{status or ''}"
    rows, last = repo.query_rows(import_id, status, limit, decode_cursor(cursor, scope))
    return [_row_out(row) for row in rows], page_meta(last, scope)


# --- export ------------------------------------------------------------------------------


def _portable(owned: portable.Owned) -> formats.Portable:
    numbers = [v.version for v in owned.versions]
    versions = []
    for version in owned.versions:
        body = version.model_dump(
            mode="json",
            by_alias=True,
            include={
                "title",
                "type",
                "description",
                "content",
                "messages",
                "instructions",
                "example_output",
                "variables",
                "category",
                "model",
                "tags",
            },
        )
        if body["type"] == "chat":
            body.pop("content")
        else:
            body.pop("messages")
        body["variables"] = [
            {k: v for k, v in variable.items() if v is not None} for variable in body["variables"]
        ]
        versions.append({k: v for k, v in body.items() if v is not None})
    labels = {
        name: numbers.index(number) + 1
        for name, number in owned.labels.items()
        if number in numbers
    }
    return formats.Portable(
        versions,
        visibility=owned.head.visibility,
        status=owned.head.status,
        labels=labels,
        change_messages=[v.change_message for v in owned.versions],
    )


def export_file(caller: Caller, fmt: formats.ExportFormat) -> tuple[str, str, str]:
    """(the file, its media type, its file name) of every prompt the caller owns; a file
    past MAX_EXPORT_BYTES is refused (422), never cut short."""
    owned = list(portable.owned_prompts(caller.user_id))
    text = formats.render(fmt, [_portable(o) for o in owned], [o.head.slug for o in owned])
    size = len(text.encode())
    if size > MAX_EXPORT_BYTES:
        raise ExportTooLarge(
            f"The export would be {size:,} bytes, over the {MAX_EXPORT_BYTES:,} one answer can "
            "carry; csv, yaml and markdown carry only the current versions and are smaller"
        )
    return text, formats.MEDIA_TYPES[fmt], f"promptvault-export.{formats.EXTENSIONS[fmt]}"
