"""Imports in the table and their files in the stage's imports bucket.

AWS calls: starting an import 1 PutItem (+ 1 PutObject inline, or a pre-signed URL made
without a call); reading one 1 GetItem; its rows 1 GetItem + 1 Query. The worker, per file:
1 GetItem, 1 UpdateItem (processing), 1 GetObject, 1 GetItem (today's quota), then per
chunk of up to 100 writes 1 BatchGetItem (fingerprints), 1 TransactWriteItems and 1
BatchWriteItem per 25 rows' outcomes; 1 UpdateItem when done (docs/imports.md).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from promptvault.core import aws
from promptvault.core.clock import utcnow
from promptvault.core.settings import get_settings
from promptvault.data.models import (
    ImportedItem,
    ImportItem,
    ImportQuotaItem,
    ImportRowItem,
    Item,
)
from promptvault.prompts.portable import AlsoWrite

META = "META"
RETENTION_DAYS = 30  # an import and its rows expire (TTL) this long after it was started
QUOTA_TTL_DAYS = 2


def import_pk(import_id: str) -> str:
    return f"IMPORT#{import_id}"


def object_key(owner_id: str, import_id: str) -> str:
    return f"imports/{owner_id}/{import_id}"


def ids_of_key(key: str) -> tuple[str, str] | None:
    """(owner id, import id) of an object key, or None for a key that is not an import's."""
    parts = key.split("/")
    if len(parts) != 3 or parts[0] != "imports" or not parts[2].startswith("i_"):
        return None
    return parts[1], parts[2]


def row_sk(status: str, number: int) -> str:
    return f"ROW#{status}#{number:07d}"


def new_import(import_id: str, owner_id: str, fmt: str, status: str, **fields: Any) -> ImportItem:
    """GSI1 IMPORTS#<owner>: what account deletion follows to a person's imports."""
    return ImportItem(
        import_pk(import_id),
        META,
        import_id=import_id,
        owner_id=owner_id,
        format=fmt,
        status=status,
        expires_at=utcnow() + timedelta(days=RETENTION_DAYS),
        gsi1pk=f"IMPORTS#{owner_id}",
        gsi1sk=import_id,
        **fields,
    )


def forget(owner_id: str) -> int:
    """Every import of the person with its rows, and what they imported (fingerprints, quota
    days): one Query of GSI1, one of each import's partition, one of theirs; deleted in
    batches of 25. The files expire by themselves (3 days)."""
    doomed: list[Item] = []
    for found in ImportItem.by_owner.query(f"IMPORTS#{owner_id}"):
        doomed.extend(Item.query(found.pk))
    doomed.extend(Item.query(f"USER#{owner_id}", Item.sk.startswith("IMPORT")))
    with Item.batch_write() as batch:
        for item in doomed:
            batch.delete(item)
    return len(doomed)


def put_import(item: ImportItem) -> None:
    item.save(condition=ImportItem.pk.does_not_exist())


def get_import(import_id: str) -> ImportItem | None:
    try:
        return ImportItem.get(import_pk(import_id), META)
    except DoesNotExist:
        return None


def start_processing(item: ImportItem) -> bool:
    """awaiting-upload -> processing; False when it is done or failed already (a replay)."""
    try:
        item.update(
            actions=[ImportItem.status.set("processing")],
            condition=ImportItem.status.is_in("awaiting-upload", "processing"),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def finish(item: ImportItem, status: str, finished_at: str, **fields: Any) -> None:
    """The import's outcome, once: a replay that finds it finished changes nothing."""
    actions: list[Any] = [ImportItem.status.set(status), ImportItem.finished_at.set(finished_at)]
    actions += [getattr(ImportItem, name).set(value) for name, value in fields.items()]
    try:
        item.update(actions=actions, condition=ImportItem.status == "processing")
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


def imported(owner_id: str, fingerprints: list[str]) -> dict[str, ImportedItem]:
    """What this person imported already, by fingerprint (one BatchGetItem per 100)."""
    keys = [(f"USER#{owner_id}", f"IMPORTED#{fp}") for fp in dict.fromkeys(fingerprints)]
    found = ImportedItem.batch_get(keys) if keys else ()
    return {item.sk.removeprefix("IMPORTED#"): item for item in found}


def imported_write(owner_id: str, fingerprint: str, prompt_id: str, import_id: str) -> AlsoWrite:
    item = ImportedItem(
        f"USER#{owner_id}", f"IMPORTED#{fingerprint}", prompt_id=prompt_id, import_id=import_id
    )
    return (item, ImportedItem.pk.does_not_exist(), None)


def _quota_key(owner_id: str, day: str) -> ImportQuotaItem:
    return ImportQuotaItem(f"USER#{owner_id}", f"IMPORTDAY#{day}")


def quota_used(owner_id: str, day: str) -> int:
    try:
        item = ImportQuotaItem.get(f"USER#{owner_id}", f"IMPORTDAY#{day}", consistent_read=True)
    except DoesNotExist:
        return 0
    return int(item.created or 0)


def quota_write(owner_id: str, day: str, count: int, limit: int) -> AlsoWrite:
    """Count ``count`` more against today's quota, only while it stays within ``limit``."""
    item = _quota_key(owner_id, day)
    expires = utcnow() + timedelta(days=QUOTA_TTL_DAYS)
    actions = [
        ImportQuotaItem.entity.set(ImportQuotaItem),  # the item's type, as a put writes it
        ImportQuotaItem.created.add(count),
        ImportQuotaItem.expires_at.set(expires),
    ]
    condition = ImportQuotaItem.created.does_not_exist() | (
        ImportQuotaItem.created <= limit - count
    )
    return (item, condition, actions)


def put_rows(rows: list[ImportRowItem]) -> None:
    """Each row's outcome (BatchWriteItem, 25 a call); a row written again is the same."""
    with ImportRowItem.batch_write() as batch:
        for row in rows:
            batch.save(row)


def new_row(import_id: str, number: int, status: str, **fields: Any) -> ImportRowItem:
    return ImportRowItem(
        import_pk(import_id),
        row_sk(status, number),
        number=number,
        status=status,
        expires_at=utcnow() + timedelta(days=RETENTION_DAYS),
        **fields,
    )


def query_rows(
    import_id: str, status: str | None, limit: int, start: dict[str, Any] | None
) -> tuple[list[ImportRowItem], dict[str, Any] | None]:
    prefix = f"ROW#{status}#" if status else "ROW#"
    results = ImportRowItem.query(
        import_pk(import_id),
        ImportRowItem.sk.startswith(prefix),
        limit=limit,
        last_evaluated_key=start,
    )
    return list(results), results.last_evaluated_key


# --- the bucket --------------------------------------------------------------------------


def upload_url(key: str, expires_in: int) -> str:
    """A pre-signed PUT of the object (no call: signed with the function's credentials)."""
    bucket = get_settings().imports_bucket
    url: str = aws.client("s3").generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires_in
    )
    return url


def put_file(key: str, text: str) -> None:
    aws.client("s3").put_object(
        Bucket=get_settings().imports_bucket,
        Key=key,
        Body=text.encode(),
        ContentType="text/plain; charset=utf-8",
    )


class FileTooLarge(Exception):
    pass


def read_file(bucket: str, key: str, max_bytes: int) -> bytes:
    """The object's bytes (one GetObject); FileTooLarge past ``max_bytes``."""
    reply = aws.client("s3").get_object(Bucket=bucket, Key=key)
    if int(reply.get("ContentLength") or 0) > max_bytes:
        reply["Body"].close()
        raise FileTooLarge(key)
    data: bytes = reply["Body"].read()
    return data
