"""The tantivy index: its schema, its versioned writes, and documents read back from it.

One schema version per sub-directory, so a schema change never opens an old index. Every
prompt id has at most one record: its live document or its tombstone (``kind``), and
``doc_version`` / ``stats_version`` are fast fields, so the version checks of upsert, delete
and update_stats never read stored content.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import tantivy

from promptvault.search.backend import (
    COUNTER_FIELDS,
    FACET_FIELDS,
    PromptDocument,
    PromptStats,
    StatsUpdate,
    by_doc_version,
    by_stats_version,
    keep_newest,
)

SCHEMA_VERSION = "v1"
TEXT_FIELDS = ("title", "description", "content")  # tokenized; the rest are exact (raw) terms


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ("kind", "id", "owner_id", "visibility", "status", "slug", "created_at"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw")
    for name in FACET_FIELDS:
        builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=True)
    for name in ("doc_version", "stats_version", "created_ms", "engagement", *COUNTER_FIELDS):
        builder.add_integer_field(name, stored=True, indexed=True, fast=True)
    builder.add_float_field("rating_score", stored=True, fast=True)
    return builder.build()


def match_count(result: tantivy.SearchResult) -> int:
    """The number of matches (the stub file does not declare ``count``)."""
    return int(result.count or 0)  # type: ignore[attr-defined]


def to_document(doc: PromptDocument) -> tantivy.Document:
    fields: dict[str, Any] = {
        "kind": "doc",
        "id": doc.id,
        "owner_id": doc.owner_id,
        "visibility": doc.visibility,
        "status": doc.status,
        "slug": doc.slug,
        "created_at": doc.created_at,
        "title": doc.title,
        "description": doc.description,
        "content": doc.content,
        "doc_version": doc.doc_version,
        "stats_version": doc.stats_version,
        "created_ms": doc.created_ms,
        "engagement": doc.stats.engagement,
        "rating_score": doc.stats.rating_score,
    }
    fields.update({name: getattr(doc.stats, name) for name in COUNTER_FIELDS})
    if doc.category:
        fields["category"] = doc.category
    if doc.model:
        fields["model"] = doc.model
    if doc.tags:
        fields["tags"] = list(doc.tags)
    return tantivy.Document(**fields)


def from_stored(values: dict[str, list[Any]]) -> PromptDocument:
    """A document as stored (``tantivy.Document.to_dict()``) back into the port's shape."""

    def first(name: str, default: Any = None) -> Any:
        got = values.get(name)
        return got[0] if got else default

    return PromptDocument(
        id=first("id"),
        doc_version=int(first("doc_version", 0)),
        owner_id=first("owner_id", ""),
        slug=first("slug", ""),
        title=first("title", ""),
        description=first("description", ""),
        content=first("content", ""),
        category=first("category"),
        model=first("model"),
        tags=tuple(values.get("tags", ())),
        visibility=first("visibility", ""),
        status=first("status", ""),
        created_at=first("created_at", ""),
        stats=PromptStats(**{name: int(first(name, 0)) for name in COUNTER_FIELDS}),
        stats_version=int(first("stats_version", 0)),
    )


def _newest[V: (PromptDocument, StatsUpdate)](
    items: list[V], prompt_id: Callable[[V], str], version: Callable[[V], int]
) -> list[V]:
    newest: dict[str, V] = {}
    for item in items:
        keep_newest(newest, prompt_id(item), item, version)
    return list(newest.values())


@dataclass(frozen=True, slots=True)
class Stored:
    """A prompt's record as its fast fields tell it (no stored content read)."""

    live: bool  # a document, not a tombstone
    doc_version: int
    stats_version: int
    stats: PromptStats


class TantivyIndex:
    """The index on disk: versioned writes (one commit per write batch) and stored reads."""

    def __init__(self, directory: str | Path, *, heap_bytes: int, threads: int) -> None:
        path = Path(directory) / SCHEMA_VERSION
        path.mkdir(parents=True, exist_ok=True)
        self.schema = build_schema()
        self._index = tantivy.Index(self.schema, path=str(path), reuse=True)
        self._heap_bytes = heap_bytes
        self._threads = threads
        self._lock = threading.Lock()

    def searcher(self) -> tantivy.Searcher:
        return self._index.searcher()

    def upsert(self, documents: list[PromptDocument]) -> None:
        newest = _newest(documents, lambda d: d.id, by_doc_version)
        with self._writing() as (writer, searcher):
            for doc in newest:
                stored = self.stored(searcher, doc.id)
                if stored is not None and stored.doc_version >= doc.doc_version:
                    continue  # an old or replayed record; tombstones win ties too
                if stored is not None and stored.live and stored.stats_version > doc.stats_version:
                    doc = replace(doc, stats=stored.stats, stats_version=stored.stats_version)
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(to_document(doc))

    def delete(self, prompt_id: str, doc_version: int) -> None:
        with self._writing() as (writer, searcher):
            stored = self.stored(searcher, prompt_id)
            if stored is not None and (
                stored.doc_version > doc_version
                or (not stored.live and stored.doc_version == doc_version)
            ):
                return
            writer.delete_documents_by_term("id", prompt_id)
            tombstone = tantivy.Document(kind="tombstone", id=prompt_id, doc_version=doc_version)
            writer.add_document(tombstone)

    def update_stats(self, updates: list[StatsUpdate]) -> None:
        newest = _newest(updates, lambda u: u.prompt_id, by_stats_version)
        with self._writing() as (writer, searcher):
            for update in newest:
                found = self._address(searcher, update.prompt_id)
                if found is None:
                    continue
                stored = self._stored_at(searcher, found)
                if not stored.live or stored.stats_version >= update.stats_version:
                    continue
                current = from_stored(searcher.doc(found).to_dict())
                doc = replace(current, stats=update.stats, stats_version=update.stats_version)
                writer.delete_documents_by_term("id", update.prompt_id)
                writer.add_document(to_document(doc))

    def reset(self) -> None:
        with self._writing() as (writer, _searcher):
            writer.delete_all_documents()

    def versions(self) -> dict[str, int]:
        searcher = self._index.searcher()
        live = tantivy.Query.term_query(self.schema, "kind", "doc")
        total = match_count(searcher.search(live, 1))
        if not total:
            return {}
        hits = searcher.search(live, total, order_by_field="doc_version").hits
        return {searcher.doc(a)["id"][0]: int(v) for v, a in hits}

    def stored(self, searcher: tantivy.Searcher, prompt_id: str) -> Stored | None:
        """The prompt's record (document or tombstone) as ``searcher`` sees it; None if none."""
        found = self._address(searcher, prompt_id)
        return None if found is None else self._stored_at(searcher, found)

    @contextmanager
    def _writing(self) -> Iterator[tuple[Any, tantivy.Searcher]]:
        with self._lock:
            writer = self._open_writer()
            try:
                yield writer, self._index.searcher()
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
            self._index.reload()

    def _open_writer(self) -> Any:
        # Another process (the local stream pump) may hold the index's lock for a moment.
        deadline = time.monotonic() + 10
        while True:
            try:
                return self._index.writer(heap_size=self._heap_bytes, num_threads=self._threads)
            except ValueError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _address(self, searcher: tantivy.Searcher, prompt_id: str) -> Any | None:
        term = tantivy.Query.term_query(self.schema, "id", prompt_id)
        hits = searcher.search(term, 1, count=False).hits
        return hits[0][1] if hits else None

    def _stored_at(self, searcher: tantivy.Searcher, address: Any) -> Stored:
        def value(name: str) -> int:
            got = searcher.fast_field_values(name, [address])[0]
            return int(got) if got is not None else 0

        counters = {name: value(name) for name in COUNTER_FIELDS}
        return Stored(
            live=searcher.fast_field_values("created_ms", [address])[0] is not None,
            doc_version=value("doc_version"),
            stats_version=value("stats_version"),
            stats=PromptStats(**counters),
        )
