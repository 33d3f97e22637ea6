"""The search indexer: prompt heads and their counters, from the stream into the index.

It reads nothing from the table: the stream's images are the source. Per batch, and per
prompt, it keeps only the newest head image and the newest stats image, then makes at most
one ``upsert`` (content changed), one ``update_stats`` (counters changed, no content
re-index) and one ``delete`` per prompt, each with the table's own version, so a replayed
or late record can never overwrite newer data nor resurrect a deleted prompt.
"""

from __future__ import annotations

from typing import Any

from promptvault.search.backend import (
    PromptDocument,
    SearchBackend,
    StatsUpdate,
    by_doc_version,
    by_stats_version,
    keep_newest,
)
from promptvault.streams.documents import build_document, stats_update, tombstone_version
from promptvault.streams.records import Change, partial_batch

META, STATS = "META", "STATS"


class IndexPlan:
    def __init__(self) -> None:
        self.sequences: list[str] = []
        self.documents: dict[str, PromptDocument] = {}
        self.stats: dict[str, StatsUpdate] = {}
        self.deleted: dict[str, int] = {}

    def add(self, change: Change) -> None:
        pk, sk = str(change.keys.get("PK", "")), change.keys.get("SK")
        if not pk.startswith("PROMPT#") or sk not in (META, STATS):
            return
        prompt_id = pk.removeprefix("PROMPT#")
        self.sequences.append(change.sequence)
        if sk == META and change.event_name == "REMOVE":
            version = tombstone_version(change.old)
            self.deleted[prompt_id] = max(version, self.deleted.get(prompt_id, 0))
        elif sk == META and change.new is not None:
            keep_newest(self.documents, prompt_id, build_document(change.new), by_doc_version)
        # a stats image at version 0 is the zeroed item created with the prompt: no news
        elif sk == STATS and change.new is not None and int(change.new.get("updates") or 0):
            update = stats_update(prompt_id, change.new)
            keep_newest(self.stats, prompt_id, update, by_stats_version)

    def flush(self, backend: SearchBackend) -> set[str]:
        """Upserts first (a new prompt's stats need its document), then stats, then deletes."""
        try:
            if self.documents:
                backend.upsert(list(self.documents.values()))
            if self.stats:
                backend.update_stats(list(self.stats.values()))
            for prompt_id, version in self.deleted.items():
                backend.delete(prompt_id, version)
        except Exception:
            from aws_lambda_powertools import Logger

            Logger(service="promptvault").exception("index update failed")
            return set(self.sequences)
        return set()


def default_backend() -> SearchBackend:
    from promptvault.search.engine import get_backend  # the stage's engine (tantivy / OpenSearch)

    return get_backend()


def handle(
    event: dict[str, Any], _context: Any = None, backend: SearchBackend | None = None
) -> Any:
    """Lambda entry: partial batch response; at most three index requests per prompt per batch."""
    chosen = backend or default_backend()
    plan = IndexPlan()
    return partial_batch(event.get("Records") or [], plan.add, lambda: plan.flush(chosen))
