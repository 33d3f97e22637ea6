"""The tantivy engine: an on-disk index for the local runtime, tests and benchmarks.

``SearchBackend`` composed of three parts: the index (``tantivy_index.py``: schema,
versioned writes, stored documents), the queries (``tantivy_query.py``: visibility,
filters, words, sorts, facets) and the highlights (``tantivy_highlight.py``).
"""

from __future__ import annotations

from pathlib import Path

from promptvault.search.backend import (
    Hit,
    PromptDocument,
    SearchQuery,
    SearchResult,
    StatsUpdate,
)
from promptvault.search.tantivy_highlight import highlighter
from promptvault.search.tantivy_index import TantivyIndex, from_stored
from promptvault.search.tantivy_query import QueryBuilder, count_facets, rank
from promptvault.search.text import suggestion_order, tokens


class TantivyBackend:
    def __init__(self, directory: str | Path, *, heap_bytes: int = 50_000_000, threads: int = 1):
        self.index = TantivyIndex(directory, heap_bytes=heap_bytes, threads=threads)
        self.queries = QueryBuilder(self.index.schema)

    # --- writes: the index's ----------------------------------------------------------------

    def upsert(self, documents: list[PromptDocument]) -> None:
        self.index.upsert(documents)

    def delete(self, prompt_id: str, doc_version: int) -> None:
        self.index.delete(prompt_id, doc_version)

    def update_stats(self, updates: list[StatsUpdate]) -> None:
        self.index.update_stats(updates)

    def reset(self) -> None:
        self.index.reset()

    def versions(self) -> dict[str, int]:
        return self.index.versions()

    # --- reads ------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        searcher = self.index.searcher()
        words = tokens(query.text)
        scope = self.queries.scope(query)
        sort = query.sort if (words or query.sort != "relevance") else "newest"
        matching = self.queries.matching(searcher, words, scope, strict=True)
        facets = count_facets(searcher, matching, query.facets)  # beside the ranking
        ranked, total = rank(searcher, matching, query, sort)
        if total == 0 and len(words) > 1:
            # nothing has every word: any word will do
            facets.cancel()
            matching = self.queries.matching(searcher, words, scope, strict=False)
            facets = count_facets(searcher, matching, query.facets)
            ranked, total = rank(searcher, matching, query, sort)
        docs = [searcher.doc(address) for _, address in ranked]
        stored = [doc.to_dict() for doc in docs]
        highlight = highlighter(searcher, self.index.schema, words, stored, query.highlight)
        hits = []
        for (score, _address), doc, values in zip(ranked, docs, stored, strict=True):
            document = from_stored(values)
            hits.append(Hit(document.id, score, document, highlight(doc)))
        return SearchResult(hits=hits, total=total, facets=facets.result())

    def suggest(
        self, prefix: str, viewer_id: str | None, limit: int = 8, include_own_private: bool = False
    ) -> list[str]:
        words = tokens(prefix)
        if not words:
            return []
        searcher = self.index.searcher()
        query = self.queries.title_prefix(words, viewer_id, include_own_private)
        found = searcher.search(query, limit * 3, count=False).hits
        titles = [searcher.doc(address)["title"][0] for _, address in found]
        return suggestion_order(titles, prefix, limit)
