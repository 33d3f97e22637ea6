"""``python -m promptvault.streams.reindex`` (``make reindex``): rebuild the search index
from the table.

An operator command, not a request path, so it Scans: no index lists every prompt head
(GSI1 is per owner, GSI2 holds only public + published). The Scan is filtered to heads
(``PK`` begins with ``PROMPT#``, ``SK = META``) and paginated; each page's stats come in one
BatchGetItem; documents carry the table's versions, so running it while the indexer runs is
safe (the newer write wins).
"""

from __future__ import annotations

import argparse
from typing import Any

from promptvault.data.batches import batch_get
from promptvault.search.backend import SearchBackend
from promptvault.streams.documents import build_document
from promptvault.streams.records import deserialize


def _stats(client: Any, table: str, prompt_ids: list[str]) -> dict[str, dict[str, Any]]:
    keys = [{"PK": {"S": f"PROMPT#{p}"}, "SK": {"S": "STATS"}} for p in prompt_ids]
    items = [deserialize(raw) or {} for raw in batch_get(client, table, keys)]
    return {str(item["PK"]).removeprefix("PROMPT#"): item for item in items}


def rebuild(client: Any, table: str, backend: SearchBackend, *, reset: bool = True) -> int:
    """Every prompt head (with its stats) into the index; the number of documents written."""
    if reset:
        backend.reset()
    written = 0
    pages = client.get_paginator("scan").paginate(
        TableName=table,
        # other entities use SK = META too (collections, imports): the PK names a prompt
        FilterExpression="begins_with(PK, :prompt) AND SK = :meta",
        ExpressionAttributeValues={":prompt": {"S": "PROMPT#"}, ":meta": {"S": "META"}},
    )
    for page in pages:
        heads = [deserialize(raw) or {} for raw in page.get("Items", [])]
        if not heads:
            continue
        stats = _stats(client, table, [str(h["promptId"]) for h in heads])
        documents = [build_document(h, stats.get(str(h["promptId"]))) for h in heads]
        backend.upsert(documents)
        written += len(documents)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="upsert over the index, no reset")
    args = parser.parse_args(argv)

    import boto3

    from promptvault.core.settings import get_settings
    from promptvault.search.engine import get_backend

    settings = get_settings()
    client = boto3.client(
        "dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint
    )
    count = rebuild(client, settings.table_name, get_backend(), reset=not args.keep)
    print(f"reindexed {count} prompts from {settings.table_name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
