"""OpenSearch request bodies and response parsing: pure functions, tested as golden JSON.

The query structure mirrors the tantivy engine word for word: every query word must match
some text field (exactly, within its typo budget, or as the start of a title word); when no
document has every word, the engine asks again with any word. Visibility is the first
filter of every query.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from promptvault.search.backend import (
    COUNTER_FIELDS,
    FACET_FIELDS,
    FACET_SIZE,
    Hit,
    PromptDocument,
    PromptStats,
    SearchQuery,
    SearchResult,
    StatsUpdate,
    by_doc_version,
    keep_newest,
)
from promptvault.search.text import prefix_tokens, suggestion_order, tokens

# OpenSearch's AUTO:5,9 fuzziness: 0 edits below 5 characters, 1 from 5, 2 from 9.
FUZZINESS = "AUTO:5,9"
TEXT_FIELDS = ["title^3", "description^1.5", "content"]
PREFIX_BOOST = 2.4  # title boost x the tantivy engine's PREFIX_WEIGHT
# Content versions are spaced 2^32 apart: each counter update (_update) bumps the internal
# _version by one, and the next content version must still be greater.
VERSION_SHIFT = 32
# Deletes must stay remembered longer than a stream record can be retried (24 h retention).
GC_DELETES = "25h"
_KEYWORDS = ("id", "owner_id", "visibility", "status", "slug", "category", "model", "tags")
STATS_SOURCE = ["stats_version", *COUNTER_FIELDS]  # what a content write reads back first
_LONGS = ("doc_version", "stats_version", "created_ms", "engagement", *COUNTER_FIELDS)
_SORTS: dict[str, list[Any]] = {
    "newest": [{"created_ms": "desc"}, {"id": "asc"}],
    "top": [{"rating_score": "desc"}, {"created_ms": "desc"}, {"id": "asc"}],
    "popular": [{"copies": "desc"}, {"created_ms": "desc"}, {"id": "asc"}],
    "relevance": [{"_score": "desc"}, {"created_ms": "desc"}, {"id": "asc"}],
    "trending": [{"_score": "desc"}, {"created_ms": "desc"}, {"id": "asc"}],
}
TRENDING_SCRIPT = (
    "double hours = Math.max(0.0, (params.now - doc['created_ms'].value) / 3600000.0);"
    " return doc['engagement'].value / Math.pow(hours + 2.0, 1.5);"
)
STATS_SCRIPT = (
    "if (ctx._source.stats_version == null"
    " || params.stats_version > ctx._source.stats_version) {"
    " for (entry in params.stats.entrySet()) { ctx._source[entry.getKey()] = entry.getValue(); }"
    " ctx._source.stats_version = params.stats_version; } else { ctx.op = 'noop'; }"
)


def index_body() -> dict[str, Any]:
    properties: dict[str, Any] = {name: {"type": "keyword"} for name in _KEYWORDS}
    properties.update({name: {"type": "long"} for name in _LONGS})
    properties.update(
        {
            "title": {"type": "text"},
            "description": {"type": "text"},
            "content": {"type": "text"},
            "created_at": {"type": "date"},
            "rating_score": {"type": "float"},
        }
    )
    return {
        "settings": {"index": {"gc_deletes": GC_DELETES, "max_result_window": 10_000}},
        "mappings": {"dynamic": "strict", "properties": properties},
    }


def stats_fields(stats: PromptStats) -> dict[str, Any]:
    fields: dict[str, Any] = {name: getattr(stats, name) for name in COUNTER_FIELDS}
    fields["engagement"] = stats.engagement
    fields["rating_score"] = stats.rating_score
    return fields


def source(doc: PromptDocument) -> dict[str, Any]:
    return {
        "id": doc.id,
        "doc_version": doc.doc_version,
        "stats_version": doc.stats_version,
        "owner_id": doc.owner_id,
        "slug": doc.slug,
        "title": doc.title,
        "description": doc.description,
        "content": doc.content,
        "category": doc.category,
        "model": doc.model,
        "tags": list(doc.tags),
        "visibility": doc.visibility,
        "status": doc.status,
        "created_at": doc.created_at,
        "created_ms": doc.created_ms,
        **stats_fields(doc.stats),
    }


def external_version(doc_version: int) -> int:
    return doc_version << VERSION_SHIFT


def with_newer_stats(doc: PromptDocument, stored: dict[str, Any] | None) -> PromptDocument:
    """The document, carrying the stored counters instead of its own when those are newer:
    an index write replaces the whole source, and counters travel on their own version."""
    if not stored or int(stored.get("stats_version") or 0) <= doc.stats_version:
        return doc
    counters = PromptStats(**{name: int(stored.get(name) or 0) for name in COUNTER_FIELDS})
    return replace(doc, stats=counters, stats_version=int(stored["stats_version"]))


def upsert_actions(
    index: str,
    documents: list[PromptDocument],
    stored: dict[str, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Bulk lines: index with an external version, so an older document is refused (409).
    ``stored``: the counters already indexed (``STATS_SOURCE`` of each id), kept if newer."""
    newest: dict[str, PromptDocument] = {}
    for doc in documents:
        keep_newest(newest, doc.id, doc, by_doc_version)
    lines: list[dict[str, Any]] = []
    for doc in newest.values():
        meta = {
            "_index": index,
            "_id": doc.id,
            "version": external_version(doc.doc_version),
            "version_type": "external",
        }
        lines += [{"index": meta}, source(with_newer_stats(doc, (stored or {}).get(doc.id)))]
    return lines


def delete_params(doc_version: int) -> dict[str, Any]:
    """external_gte with the top of the version's range: the delete wins a tie, and beats
    any counter updates made on that version."""
    top = external_version(doc_version) | ((1 << VERSION_SHIFT) - 1)
    return {"version": top, "version_type": "external_gte"}


def stats_actions(index: str, updates: list[StatsUpdate]) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for update in updates:
        params = {"stats_version": update.stats_version, "stats": stats_fields(update.stats)}
        lines += [
            {"update": {"_index": index, "_id": update.prompt_id, "retry_on_conflict": 3}},
            {"script": {"lang": "painless", "source": STATS_SCRIPT, "params": params}},
        ]
    return lines


def visibility_filter(viewer_id: str | None, include_own_private: bool) -> dict[str, Any]:
    public = {
        "bool": {"filter": [{"term": {"visibility": "public"}}, {"term": {"status": "published"}}]}
    }
    if not (include_own_private and viewer_id):
        return public
    own = {"term": {"owner_id": viewer_id}}
    return {"bool": {"should": [public, own], "minimum_should_match": 1}}


def _word_query(word: str) -> dict[str, Any]:
    should: list[dict[str, Any]] = [
        {"multi_match": {"query": word, "fields": TEXT_FIELDS, "fuzziness": FUZZINESS}}
    ]
    if prefix_tokens([word]):
        should.append({"prefix": {"title": {"value": word, "boost": PREFIX_BOOST}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _filters(query: SearchQuery) -> list[dict[str, Any]]:
    filters = [visibility_filter(query.viewer_id, query.include_own_private)]
    for field, value in (
        ("category", query.category),
        ("model", query.model),
        ("owner_id", query.owner_id),
    ):
        if value:
            filters.append({"term": {field: value}})
    filters.extend({"term": {"tags": tag}} for tag in query.tags)
    return filters


def search_body(query: SearchQuery, now_ms: int, *, strict: bool = True) -> dict[str, Any]:
    words = tokens(query.text)
    sort = query.sort if (words or query.sort != "relevance") else "newest"
    boolean: dict[str, Any] = {"filter": _filters(query)}
    if words and strict:
        boolean["must"] = [_word_query(w) for w in words]
    elif words:
        boolean["must"] = [
            {"bool": {"should": [_word_query(w) for w in words], "minimum_should_match": 1}}
        ]
    main: dict[str, Any] = {"bool": boolean}
    if sort == "trending":
        script = {"source": TRENDING_SCRIPT, "params": {"now": now_ms}}
        main = {"script_score": {"query": main, "script": script}}
    body: dict[str, Any] = {
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        "_source": {"excludes": ["content"]},
        "query": main,
        "sort": _SORTS[sort],
    }
    if query.highlight and words:
        body["highlight"] = {
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "encoder": "html",
            "fields": {
                "title": {"number_of_fragments": 0},
                "description": {"number_of_fragments": 0},
                "content": {"fragment_size": 180, "number_of_fragments": 1},
            },
        }
    if query.facets:
        body["aggs"] = {f: {"terms": {"field": f, "size": FACET_SIZE}} for f in FACET_FIELDS}
    return body


def suggest_body(
    prefix: str, viewer_id: str | None, limit: int, include_own_private: bool
) -> dict[str, Any]:
    return {
        "size": limit * 3,
        "_source": ["title"],
        "query": {
            "bool": {
                "must": [{"match_phrase_prefix": {"title": {"query": " ".join(tokens(prefix))}}}],
                "filter": [visibility_filter(viewer_id, include_own_private)],
            }
        },
    }


def document_from_source(raw: dict[str, Any]) -> PromptDocument:
    return PromptDocument(
        id=raw["id"],
        doc_version=int(raw.get("doc_version", 0)),
        owner_id=raw.get("owner_id", ""),
        slug=raw.get("slug", ""),
        title=raw.get("title", ""),
        description=raw.get("description") or "",
        content=raw.get("content") or "",
        category=raw.get("category"),
        model=raw.get("model"),
        tags=tuple(raw.get("tags") or ()),
        visibility=raw.get("visibility", ""),
        status=raw.get("status", ""),
        created_at=raw.get("created_at", ""),
        stats=PromptStats(**{name: int(raw.get(name) or 0) for name in COUNTER_FIELDS}),
        stats_version=int(raw.get("stats_version") or 0),
    )


def parse_search(response: dict[str, Any]) -> SearchResult:
    hits = [
        Hit(
            id=hit["_id"],
            score=float(hit.get("_score") or 0.0),
            document=document_from_source(hit["_source"]),
            highlights={k: list(v) for k, v in (hit.get("highlight") or {}).items()},
        )
        for hit in response["hits"]["hits"]
    ]
    total = response["hits"]["total"]
    count = int(total["value"] if isinstance(total, dict) else total)
    aggregations = response.get("aggregations") or {}
    facets = {
        name: {str(b["key"]): int(b["doc_count"]) for b in aggregations[name]["buckets"]}
        for name in FACET_FIELDS
        if name in aggregations
    }
    return SearchResult(hits=hits, total=count, facets=facets)


def parse_suggest(response: dict[str, Any], prefix: str, limit: int) -> list[str]:
    titles = [hit["_source"]["title"] for hit in response["hits"]["hits"]]
    return suggestion_order(titles, prefix, limit)


def bulk_failures(response: dict[str, Any]) -> list[tuple[str, int, str]]:
    """(id, status, reason) of the items that really failed: a version conflict (409) means a
    newer document is already there, and a missing document (404) has nothing to count."""
    failed: list[tuple[str, int, str]] = []
    for item in response.get("items", []):
        (result,) = item.values()
        status = int(result.get("status", 200))
        if status >= 300 and status not in (404, 409):
            reason = str((result.get("error") or {}).get("type", "error"))
            failed.append((str(result.get("_id")), status, reason))
    return failed
