"""The tantivy engine: an on-disk index for the local runtime, tests and benchmarks.

One schema version per sub-directory, so a schema change never opens an old index. Every
prompt id has at most one record: its live document or its tombstone (``kind``), and
``doc_version`` / ``stats_version`` are fast fields, so the version checks of upsert, delete
and update_stats never read stored content.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import tantivy

from promptvault.search.backend import (
    Hit,
    PromptDocument,
    PromptStats,
    SearchQuery,
    SearchResult,
    StatsUpdate,
    by_doc_version,
    by_stats_version,
    keep_newest,
)
from promptvault.search.text import (
    distinct_words,
    matched_words,
    prefix_tokens,
    tokens,
    typo_budget,
)

SCHEMA_VERSION = "v1"
FIELD_BOOSTS = {"title": 3.0, "description": 1.5, "content": 1.0}
FUZZY_WEIGHT = 0.6  # a fuzzy match scores a constant; keep it below a typical exact match
PREFIX_WEIGHT = 0.8
FACET_FIELDS = ("category", "model", "tags")
FACET_SIZE = 20
SNIPPET_CHARS = {"title": 200, "description": 300, "content": 180}
TRENDING_PAGE = 1000
TITLE_VARIANTS_SCAN = 5000  # title terms read per query word (those sharing its first letter)
TITLE_VARIANTS = 20
_COUNTERS = ("views", "copies", "bookmarks", "forks", "rating_count", "rating_sum")
_SORT_FIELD = {"newest": "created_ms", "top": "rating_score", "popular": "copies"}
Occur = tantivy.Occur
Facets = dict[str, dict[str, int]]
# tantivy releases the GIL while it searches, so facets counted here run beside the ranking.
_FACET_WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tantivy-facets")


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ("kind", "id", "owner_id", "visibility", "status", "slug", "created_at"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw")
    for name in FACET_FIELDS:
        builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    for name in FIELD_BOOSTS:
        builder.add_text_field(name, stored=True)
    for name in ("doc_version", "stats_version", "created_ms", "engagement", *_COUNTERS):
        builder.add_integer_field(name, stored=True, indexed=True, fast=True)
    builder.add_float_field("rating_score", stored=True, fast=True)
    return builder.build()


def _millis(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class _Stored:
    live: bool
    doc_version: int
    stats_version: int
    stats: PromptStats


class TantivyBackend:
    def __init__(self, directory: str | Path, *, heap_bytes: int = 50_000_000, threads: int = 1):
        path = Path(directory) / SCHEMA_VERSION
        path.mkdir(parents=True, exist_ok=True)
        self._schema = _schema()
        self._index = tantivy.Index(self._schema, path=str(path), reuse=True)
        self._heap_bytes = heap_bytes
        self._threads = threads
        self._lock = threading.Lock()

    # --- writes ---------------------------------------------------------------------------

    def upsert(self, documents: list[PromptDocument]) -> None:
        newest: dict[str, PromptDocument] = {}
        for doc in documents:
            keep_newest(newest, doc.id, doc, by_doc_version)
        with self._writing() as (writer, searcher):
            for doc in newest.values():
                stored = self._stored(searcher, doc.id)
                if stored is not None and stored.doc_version >= doc.doc_version:
                    continue  # an old or replayed record; tombstones win ties too
                if stored is not None and stored.live and stored.stats_version > doc.stats_version:
                    doc = replace(doc, stats=stored.stats, stats_version=stored.stats_version)
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self._document(doc))

    def delete(self, prompt_id: str, doc_version: int) -> None:
        with self._writing() as (writer, searcher):
            stored = self._stored(searcher, prompt_id)
            if stored is not None and (
                stored.doc_version > doc_version
                or (not stored.live and stored.doc_version == doc_version)
            ):
                return
            writer.delete_documents_by_term("id", prompt_id)
            tombstone = tantivy.Document(kind="tombstone", id=prompt_id, doc_version=doc_version)
            writer.add_document(tombstone)

    def update_stats(self, updates: list[StatsUpdate]) -> None:
        newest: dict[str, StatsUpdate] = {}
        for update in updates:
            keep_newest(newest, update.prompt_id, update, by_stats_version)
        with self._writing() as (writer, searcher):
            for update in newest.values():
                found = self._address(searcher, update.prompt_id)
                if found is None:
                    continue
                stored = self._stored_at(searcher, found)
                if not stored.live or stored.stats_version >= update.stats_version:
                    continue
                current = self._from_stored(searcher.doc(found).to_dict())
                doc = replace(current, stats=update.stats, stats_version=update.stats_version)
                writer.delete_documents_by_term("id", update.prompt_id)
                writer.add_document(self._document(doc))

    def reset(self) -> None:
        with self._writing() as (writer, _searcher):
            writer.delete_all_documents()

    def versions(self) -> dict[str, int]:
        searcher = self._index.searcher()
        live = tantivy.Query.term_query(self._schema, "kind", "doc")
        total = _count(searcher.search(live, 1))
        if not total:
            return {}
        hits = searcher.search(live, total, order_by_field="doc_version").hits
        return {searcher.doc(a)["id"][0]: int(v) for v, a in hits}

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
        hits = searcher.search(self._term("id", prompt_id), 1, count=False).hits
        return hits[0][1] if hits else None

    def _stored(self, searcher: tantivy.Searcher, prompt_id: str) -> _Stored | None:
        found = self._address(searcher, prompt_id)
        return None if found is None else self._stored_at(searcher, found)

    def _stored_at(self, searcher: tantivy.Searcher, address: Any) -> _Stored:
        def value(name: str) -> int:
            got = searcher.fast_field_values(name, [address])[0]
            return int(got) if got is not None else 0

        counters = {name: value(name) for name in _COUNTERS}
        return _Stored(
            live=searcher.fast_field_values("created_ms", [address])[0] is not None,
            doc_version=value("doc_version"),
            stats_version=value("stats_version"),
            stats=PromptStats(**counters),
        )

    def _document(self, doc: PromptDocument) -> tantivy.Document:
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
            "created_ms": _millis(doc.created_at),
            "engagement": doc.stats.engagement,
            "rating_score": doc.stats.rating_score,
        }
        fields.update({name: getattr(doc.stats, name) for name in _COUNTERS})
        if doc.category:
            fields["category"] = doc.category
        if doc.model:
            fields["model"] = doc.model
        if doc.tags:
            fields["tags"] = list(doc.tags)
        return tantivy.Document(**fields)

    @staticmethod
    def _from_stored(values: dict[str, list[Any]]) -> PromptDocument:
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
            stats=PromptStats(**{name: int(first(name, 0)) for name in _COUNTERS}),
            stats_version=int(first("stats_version", 0)),
        )

    # --- reads ----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        searcher = self._index.searcher()
        words = tokens(query.text)
        scope = self._scope(query)
        sort = query.sort if (words or query.sort != "relevance") else "newest"
        matching = self._matching(searcher, words, scope, strict=True)
        facets = self._count_facets(searcher, matching, query.facets)
        ranked, total = self._rank(searcher, matching, query, sort)
        if total == 0 and len(words) > 1:
            # nothing has every word: any word will do
            facets.cancel()
            matching = self._matching(searcher, words, scope, strict=False)
            facets = self._count_facets(searcher, matching, query.facets)
            ranked, total = self._rank(searcher, matching, query, sort)
        docs = [searcher.doc(address) for _, address in ranked]
        stored = [doc.to_dict() for doc in docs]
        highlighter = self._highlighter(searcher, words, stored, query.highlight)
        hits = []
        for (score, _address), doc, values in zip(ranked, docs, stored, strict=True):
            document = self._from_stored(values)
            hits.append(Hit(document.id, score, document, highlighter(doc)))
        return SearchResult(hits=hits, total=total, facets=facets.result())

    def _rank(
        self, searcher: tantivy.Searcher, matching: tantivy.Query, query: SearchQuery, sort: str
    ) -> tuple[list[tuple[float, Any]], int]:
        if sort == "trending":
            ranked, total = self._trending(searcher, matching, query.offset + query.limit)
            return ranked[query.offset :], total
        found = searcher.search(
            matching, query.limit, offset=query.offset, order_by_field=_SORT_FIELD.get(sort)
        )
        return [(float(s), a) for s, a in found.hits], _count(found)

    def suggest(
        self, prefix: str, viewer_id: str | None, limit: int = 8, include_own_private: bool = False
    ) -> list[str]:
        words = tokens(prefix)
        if not words:
            return []
        searcher = self._index.searcher()
        phrase: list[str | tuple[int, str]] = list(words)
        title = tantivy.Query.phrase_prefix_query(self._schema, "title", phrase)
        visible = self._visible(viewer_id, include_own_private)
        query = tantivy.Query.boolean_query([(Occur.Must, title), (Occur.Must, visible)])
        found = searcher.search(query, limit * 3, count=False).hits
        titles = [searcher.doc(address)["title"][0] for _, address in found]
        start = prefix.strip().lower()
        ordered = sorted(titles, key=lambda t: not t.lower().startswith(start))  # stable
        return list(dict.fromkeys(ordered))[:limit]

    # --- query building -------------------------------------------------------------------

    def _term(self, field: str, value: Any) -> tantivy.Query:
        return tantivy.Query.term_query(self._schema, field, value)

    def _visible(self, viewer_id: str | None, include_own_private: bool) -> tantivy.Query:
        """Public + published for everyone; the viewer's own anything when they ask for it."""
        public = tantivy.Query.boolean_query(
            [
                (Occur.Must, self._term("visibility", "public")),
                (Occur.Must, self._term("status", "published")),
            ]
        )
        if not (include_own_private and viewer_id):
            return public
        own = self._term("owner_id", viewer_id)
        either = tantivy.Query.boolean_query([(Occur.Should, public), (Occur.Should, own)])
        return tantivy.Query.boolean_query(
            [(Occur.Must, either), (Occur.Must, self._term("kind", "doc"))]
        )

    def _scope(self, query: SearchQuery) -> list[tantivy.Query]:
        clauses = [self._visible(query.viewer_id, query.include_own_private)]
        for field, value in (
            ("category", query.category),
            ("model", query.model),
            ("owner_id", query.owner_id),
        ):
            if value:
                clauses.append(self._term(field, value))
        clauses.extend(self._term("tags", tag) for tag in query.tags)
        return clauses

    def _word_query(self, searcher: tantivy.Searcher, word: str) -> tantivy.Query:
        """One query word against every text field: exact, within its typo budget, as a prefix."""
        alternatives: list[tuple[Any, tantivy.Query]] = []
        budget = typo_budget(word)
        for field, boost in FIELD_BOOSTS.items():
            exact = tantivy.Query.boost_query(self._term(field, word), boost)
            alternatives.append((Occur.Should, exact))
            if budget:
                fuzzy = tantivy.Query.fuzzy_term_query(self._schema, field, word, distance=budget)
                alternatives.append(
                    (Occur.Should, tantivy.Query.boost_query(fuzzy, boost * FUZZY_WEIGHT))
                )
        if prefix_tokens([word]):
            prefix = tantivy.Query.fuzzy_term_query(
                self._schema, "title", word, distance=0, prefix=True
            )
            boost = FIELD_BOOSTS["title"] * PREFIX_WEIGHT
            alternatives.append((Occur.Should, tantivy.Query.boost_query(prefix, boost)))
        # The title words the fuzzy and prefix matches stand for, scored by BM25 so a short
        # title outranks a long one (fuzzy and prefix queries score a constant).
        for term in self._title_variants(searcher, word):
            scored = tantivy.Query.boost_query(self._term("title", term), FIELD_BOOSTS["title"])
            alternatives.append((Occur.Should, scored))
        return tantivy.Query.boolean_query(alternatives)

    def _title_variants(self, searcher: tantivy.Searcher, word: str) -> list[str]:
        scanned = searcher.terms_with_prefix("title", word[:1], limit=TITLE_VARIANTS_SCAN)
        candidates = [term for term, _count in scanned]
        matched = matched_words(candidates, [word])
        return [term for term in candidates if term != word and term in matched][:TITLE_VARIANTS]

    def _matching(
        self,
        searcher: tantivy.Searcher,
        words: list[str],
        scope: list[tantivy.Query],
        *,
        strict: bool,
    ) -> tantivy.Query:
        clauses: list[tuple[Any, tantivy.Query]] = [
            (Occur.Must, tantivy.Query.const_score_query(q, 0.0)) for q in scope
        ]
        if not words:
            return tantivy.Query.boolean_query(clauses)
        word_queries = [self._word_query(searcher, w) for w in words]
        if strict:
            clauses.extend((Occur.Must, q) for q in word_queries)
        else:
            any_word = tantivy.Query.boolean_query([(Occur.Should, q) for q in word_queries])
            clauses.append((Occur.Must, any_word))
        return tantivy.Query.boolean_query(clauses)

    # --- sorts, facets, highlights --------------------------------------------------------

    def _trending(
        self, searcher: tantivy.Searcher, query: tantivy.Query, wanted: int
    ) -> tuple[list[tuple[float, Any]], int]:
        """The exact top ``wanted`` by engagement / (hours + 2)^1.5, newest pages first.

        Stops once even the most engaged match could not beat the current top when it is as
        old as the page just read: older documents only score lower.
        """
        top = searcher.search(query, 1, order_by_field="engagement")
        if not top.hits:
            return [], _count(top)
        most = float(top.hits[0][0])
        now_ms = time.time() * 1000
        best: list[tuple[float, int, int, Any]] = []  # (score, created, tie-breaker, address)
        offset = 0
        order = itertools.count()
        while True:
            page = searcher.search(
                query, TRENDING_PAGE, count=False, order_by_field="created_ms", offset=offset
            ).hits
            if not page:
                break
            addresses = [a for _, a in page]
            engagement = searcher.fast_field_values("engagement", addresses)
            for (created, address), value in zip(page, engagement, strict=True):
                score = _trending_score(float(value or 0), now_ms - float(created))
                entry = (score, int(created), -next(order), address)
                if len(best) < wanted:
                    heapq.heappush(best, entry)
                elif entry[:3] > best[0][:3]:
                    heapq.heapreplace(best, entry)
            offset += len(page)
            oldest_ms = now_ms - float(page[-1][0])
            if len(best) >= wanted and best[0][0] >= _trending_score(most, oldest_ms):
                break
        ranked = sorted(best, key=lambda e: e[:3], reverse=True)
        return [(entry[0], entry[3]) for entry in ranked], _count(top)

    def _count_facets(
        self, searcher: tantivy.Searcher, query: tantivy.Query, wanted: bool
    ) -> Future[Facets]:
        """Facets over every match, counted on a worker thread while the caller ranks."""
        if wanted:
            return _FACET_WORKERS.submit(self._facets, searcher, query)
        nothing: Future[Facets] = Future()
        nothing.set_result({})
        return nothing

    def _facets(self, searcher: tantivy.Searcher, query: tantivy.Query) -> Facets:
        request = {f: {"terms": {"field": f, "size": FACET_SIZE}} for f in FACET_FIELDS}
        answer = searcher.aggregate(query, request)
        return {
            f: {str(b["key"]): int(b["doc_count"]) for b in answer.get(f, {}).get("buckets", [])}
            for f in FACET_FIELDS
        }

    def _highlighter(
        self,
        searcher: tantivy.Searcher,
        words: list[str],
        stored: list[dict[str, list[Any]]],
        enabled: bool,
    ) -> Callable[[tantivy.Document], dict[str, list[str]]]:
        """Snippets for the words the query really matched (fuzzy and prefix ones included)."""
        if not (enabled and words and stored):
            return lambda _doc: {}
        text = "\n".join(t for values in stored for f in FIELD_BOOSTS for t in values.get(f, ()))
        matched = sorted(matched_words(distinct_words(text), words))
        if not matched:
            return lambda _doc: {}
        generators = {}
        for field, chars in SNIPPET_CHARS.items():
            terms = [(Occur.Should, self._term(field, w)) for w in matched]
            query = tantivy.Query.boolean_query(terms)
            generator = tantivy.SnippetGenerator.create(searcher, query, self._schema, field)
            generator.set_max_num_chars(chars)
            generators[field] = generator

        def highlight(doc: tantivy.Document) -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            for field, generator in generators.items():
                snippet = generator.snippet_from_doc(doc)
                if snippet.highlighted():
                    html = snippet.to_html().replace("<b>", "<mark>").replace("</b>", "</mark>")
                    out[field] = [html]
            return out

        return highlight


def _count(result: tantivy.SearchResult) -> int:
    """The number of matches (the stub file does not declare ``count``)."""
    return int(result.count or 0)  # type: ignore[attr-defined]


def _trending_score(engagement: float, age_ms: float) -> float:
    hours = max(age_ms, 0.0) / 3_600_000
    return engagement / (hours + 2) ** 1.5
