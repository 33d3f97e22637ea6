"""The tantivy queries: visibility and filters, the query words (exact, within their typo
budget, as a title prefix), the sorts (trending computed exactly) and the facets, which are
counted on a worker thread while the caller ranks. See docs/search.md.
"""

from __future__ import annotations

import heapq
import itertools
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import tantivy

from promptvault.search.backend import FACET_FIELDS, FACET_SIZE, SearchQuery
from promptvault.search.tantivy_index import match_count
from promptvault.search.text import matched_words, prefix_tokens, typo_budget

FIELD_BOOSTS = {"title": 3.0, "description": 1.5, "content": 1.0}
FUZZY_WEIGHT = 0.6  # a fuzzy match scores a constant; keep it below a typical exact match
PREFIX_WEIGHT = 0.8
TRENDING_PAGE = 1000
TITLE_VARIANTS_SCAN = 5000  # title terms read per query word (those sharing its first letter)
TITLE_VARIANTS = 20
_SORT_FIELD = {"newest": "created_ms", "top": "rating_score", "popular": "copies"}
Occur = tantivy.Occur
Facets = dict[str, dict[str, int]]
Ranked = list[tuple[float, Any]]  # (score, document address), best first
# tantivy releases the GIL while it searches, so facets counted here run beside the ranking.
_FACET_WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tantivy-facets")


class QueryBuilder:
    """The queries of one index's schema."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def term(self, field: str, value: Any) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def visible(self, viewer_id: str | None, include_own_private: bool) -> tantivy.Query:
        """Public + published for everyone; the viewer's own anything when they ask for it."""
        public = tantivy.Query.boolean_query(
            [
                (Occur.Must, self.term("visibility", "public")),
                (Occur.Must, self.term("status", "published")),
            ]
        )
        if not (include_own_private and viewer_id):
            return public
        own = self.term("owner_id", viewer_id)
        either = tantivy.Query.boolean_query([(Occur.Should, public), (Occur.Should, own)])
        return tantivy.Query.boolean_query(
            [(Occur.Must, either), (Occur.Must, self.term("kind", "doc"))]
        )

    def scope(self, query: SearchQuery) -> list[tantivy.Query]:
        """Visibility first, then the query's filters (category, model, owner, tags)."""
        clauses = [self.visible(query.viewer_id, query.include_own_private)]
        for field, value in (
            ("category", query.category),
            ("model", query.model),
            ("owner_id", query.owner_id),
        ):
            if value:
                clauses.append(self.term(field, value))
        clauses.extend(self.term("tags", tag) for tag in query.tags)
        return clauses

    def matching(
        self,
        searcher: tantivy.Searcher,
        words: list[str],
        scope: list[tantivy.Query],
        *,
        strict: bool,
    ) -> tantivy.Query:
        """The scope (unscored) and every word (``strict``) or any word, scored."""
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

    def title_prefix(
        self, words: list[str], viewer_id: str | None, include_own_private: bool
    ) -> tantivy.Query:
        """Suggestions: visible titles that start with the typed words (the last one partly)."""
        phrase: list[str | tuple[int, str]] = list(words)
        title = tantivy.Query.phrase_prefix_query(self.schema, "title", phrase)
        visible = self.visible(viewer_id, include_own_private)
        return tantivy.Query.boolean_query([(Occur.Must, title), (Occur.Must, visible)])

    def _word_query(self, searcher: tantivy.Searcher, word: str) -> tantivy.Query:
        """One query word against every text field: exact, within its typo budget, as a prefix."""
        alternatives: list[tuple[Any, tantivy.Query]] = []
        budget = typo_budget(word)
        for field, boost in FIELD_BOOSTS.items():
            exact = tantivy.Query.boost_query(self.term(field, word), boost)
            alternatives.append((Occur.Should, exact))
            if budget:
                fuzzy = tantivy.Query.fuzzy_term_query(self.schema, field, word, distance=budget)
                alternatives.append(
                    (Occur.Should, tantivy.Query.boost_query(fuzzy, boost * FUZZY_WEIGHT))
                )
        if prefix_tokens([word]):
            prefix = tantivy.Query.fuzzy_term_query(
                self.schema, "title", word, distance=0, prefix=True
            )
            boost = FIELD_BOOSTS["title"] * PREFIX_WEIGHT
            alternatives.append((Occur.Should, tantivy.Query.boost_query(prefix, boost)))
        # The title words the fuzzy and prefix matches stand for, scored by BM25 so a short
        # title outranks a long one (fuzzy and prefix queries score a constant).
        for term in _title_variants(searcher, word):
            scored = tantivy.Query.boost_query(self.term("title", term), FIELD_BOOSTS["title"])
            alternatives.append((Occur.Should, scored))
        return tantivy.Query.boolean_query(alternatives)


def _title_variants(searcher: tantivy.Searcher, word: str) -> list[str]:
    scanned = searcher.terms_with_prefix("title", word[:1], limit=TITLE_VARIANTS_SCAN)
    candidates = [term for term, _count in scanned]
    matched = matched_words(candidates, [word])
    return [term for term in candidates if term != word and term in matched][:TITLE_VARIANTS]


def rank(
    searcher: tantivy.Searcher, matching: tantivy.Query, query: SearchQuery, sort: str
) -> tuple[Ranked, int]:
    """The page the query asks for, in ``sort`` order, and the number of matches."""
    if sort == "trending":
        ranked, total = _trending(searcher, matching, query.offset + query.limit)
        return ranked[query.offset :], total
    found = searcher.search(
        matching, query.limit, offset=query.offset, order_by_field=_SORT_FIELD.get(sort)
    )
    return [(float(s), a) for s, a in found.hits], match_count(found)


def _trending(searcher: tantivy.Searcher, query: tantivy.Query, wanted: int) -> tuple[Ranked, int]:
    """The exact top ``wanted`` by engagement / (hours + 2)^1.5, newest pages first.

    Stops once even the most engaged match could not beat the current top when it is as
    old as the page just read: older documents only score lower.
    """
    top = searcher.search(query, 1, order_by_field="engagement")
    if not top.hits:
        return [], match_count(top)
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
    return [(entry[0], entry[3]) for entry in ranked], match_count(top)


def _trending_score(engagement: float, age_ms: float) -> float:
    hours = max(age_ms, 0.0) / 3_600_000
    return engagement / (hours + 2) ** 1.5


def count_facets(searcher: tantivy.Searcher, query: tantivy.Query, wanted: bool) -> Future[Facets]:
    """Facets over every match, counted on a worker thread while the caller ranks."""
    if wanted:
        return _FACET_WORKERS.submit(_facets, searcher, query)
    nothing: Future[Facets] = Future()
    nothing.set_result({})
    return nothing


def _facets(searcher: tantivy.Searcher, query: tantivy.Query) -> Facets:
    request = {f: {"terms": {"field": f, "size": FACET_SIZE}} for f in FACET_FIELDS}
    answer = searcher.aggregate(query, request)
    return {
        f: {str(b["key"]): int(b["doc_count"]) for b in answer.get(f, {}).get("buckets", [])}
        for f in FACET_FIELDS
    }
