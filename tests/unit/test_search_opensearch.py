"""The OpenSearch adapter, tested as data: the exact request bodies it builds (golden JSON
under tests/unit/golden/) and the parsing of responses shaped like OpenSearch's. No server
runs here; nothing in this file pretends one did.

To accept an intended change of a body: UPDATE_GOLDEN=1 pytest tests/unit/test_search_opensearch.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from promptvault.search import opensearch_body as body
from promptvault.search.backend import PromptStats, SearchQuery, StatsUpdate
from promptvault.search.opensearch_backend import IndexingFailed, OpenSearchBackend
from tests.support.search import document

GOLDEN = Path(__file__).parent / "golden"
NOW_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def assert_golden(name: str, value: Any) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(value, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert json.loads(path.read_text()) == json.loads(text), f"{path.name} differs"


DOC = document(
    id="p_0123",
    doc_version=7,
    owner_id="owner-1",
    slug="python-tutor",
    title="Python tutor",
    description="Patient help",
    content="Explain {{topic}} to a beginner.",
    category="coding",
    model="gpt-4o",
    tags=("python", "teaching"),
    created_at="2026-01-01T00:00:00.000Z",
    stats=PromptStats(views=10, copies=2, bookmarks=1, rating_count=2, rating_sum=9),
    stats_version=4,
)


def test_index_mapping():
    assert_golden("index_body", body.index_body())


def test_search_with_words_filters_facets_and_highlights():
    query = SearchQuery(
        text="Pyton tut",
        category="coding",
        model="gpt-4o",
        tags=("python",),
        offset=20,
        limit=10,
    )

    assert_golden("search_relevance", body.search_body(query, NOW_MS))


def test_search_relaxed_to_any_word():
    assert_golden(
        "search_any_word", body.search_body(SearchQuery(text="linx terminal"), NOW_MS, strict=False)
    )


def test_search_trending_for_a_viewer_with_own_private():
    query = SearchQuery(viewer_id="user-9", include_own_private=True, sort="trending")

    assert_golden("search_trending_own", body.search_body(query, NOW_MS))


@pytest.mark.parametrize("sort", ["newest", "top", "popular"])
def test_search_sorted_browse(sort):
    query = SearchQuery(sort=sort, facets=False, highlight=False, owner_id="owner-1")

    assert_golden(f"search_{sort}", body.search_body(query, NOW_MS))


def test_suggest():
    assert_golden("suggest", body.suggest_body("Englsh Tr", None, 8, False))


def test_bulk_upsert_uses_external_versions():
    assert_golden("bulk_upsert", body.upsert_actions("prompts", [DOC]))


def test_bulk_stats_update_is_a_guarded_script():
    update = StatsUpdate("p_0123", 5, PromptStats(views=11, copies=2))

    assert_golden("bulk_stats", body.stats_actions("prompts", [update]))


def test_delete_wins_a_tie_and_beats_counter_updates_of_its_version():
    params = body.delete_params(7)

    assert params["version_type"] == "external_gte"
    assert body.external_version(7) <= params["version"] < body.external_version(8)


@pytest.mark.parametrize("sort", ["relevance", "newest", "top", "popular", "trending"])
@pytest.mark.parametrize("viewer", [None, "user-9"])
def test_every_query_is_filtered_by_visibility_first(sort, viewer):
    query = SearchQuery(text="anything", viewer_id=viewer, sort=sort)
    found = body.search_body(query, NOW_MS)["query"]
    boolean = found["script_score"]["query"]["bool"] if sort == "trending" else found["bool"]

    assert boolean["filter"][0] == body.visibility_filter(None, False)


def test_the_typo_rule_is_opensearch_auto_5_9():
    (match, *_) = body.search_body(SearchQuery(text="kubrnetis"), NOW_MS)["query"]["bool"]["must"]

    assert match["bool"]["should"][0]["multi_match"]["fuzziness"] == "AUTO:5,9"


# --- responses shaped like OpenSearch's ------------------------------------------------

SEARCH_RESPONSE = {
    "took": 4,
    "timed_out": False,
    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {
        "total": {"value": 31, "relation": "eq"},
        "max_score": 7.25,
        "hits": [
            {
                "_index": "prompts",
                "_id": "p_0123",
                "_score": 7.25,
                "_source": {k: v for k, v in body.source(DOC).items() if k != "content"},
                "highlight": {"title": ["<mark>Python</mark> tutor"]},
                "sort": [7.25, 1767225600000, "p_0123"],
            }
        ],
    },
    "aggregations": {
        "category": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [{"key": "coding", "doc_count": 30}, {"key": "writing", "doc_count": 1}],
        },
        "model": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []},
        "tags": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 3,
            "buckets": [{"key": "python", "doc_count": 12}],
        },
    },
}


def test_parse_search_reads_hits_totals_highlights_and_facets():
    result = body.parse_search(SEARCH_RESPONSE)

    (hit,) = result.hits
    assert result.total == 31
    assert hit.id == "p_0123"
    assert hit.document.title == "Python tutor"
    assert hit.document.content == ""
    assert hit.document.stats == DOC.stats
    assert hit.document.tags == ("python", "teaching")
    assert hit.highlights == {"title": ["<mark>Python</mark> tutor"]}
    assert result.facets == {
        "category": {"coding": 30, "writing": 1},
        "model": {},
        "tags": {"python": 12},
    }


def test_parse_suggest_puts_titles_that_start_with_the_prefix_first():
    response = {
        "hits": {
            "total": {"value": 3, "relation": "eq"},
            "hits": [
                {"_id": "a", "_score": 3.0, "_source": {"title": "Learn English"}},
                {"_id": "b", "_score": 2.0, "_source": {"title": "English Translator"}},
                {"_id": "c", "_score": 1.0, "_source": {"title": "English Translator"}},
            ],
        }
    }

    assert body.parse_suggest(response, "engl", 8) == ["English Translator", "Learn English"]


BULK_RESPONSE = {
    "took": 3,
    "errors": True,
    "items": [
        {"index": {"_index": "prompts", "_id": "p_ok", "_version": 30064771072, "status": 201}},
        {
            "index": {
                "_index": "prompts",
                "_id": "p_stale",
                "status": 409,
                "error": {"type": "version_conflict_engine_exception", "reason": "..."},
            }
        },
        {
            "update": {
                "_index": "prompts",
                "_id": "p_gone",
                "status": 404,
                "error": {"type": "document_missing_exception", "reason": "..."},
            }
        },
        {
            "index": {
                "_index": "prompts",
                "_id": "p_bad",
                "status": 400,
                "error": {"type": "mapper_parsing_exception", "reason": "..."},
            }
        },
    ],
}


def test_bulk_failures_ignore_stale_and_missing_documents():
    assert body.bulk_failures(BULK_RESPONSE) == [("p_bad", 400, "mapper_parsing_exception")]


class FakeClient:
    """Records calls and answers with canned, OpenSearch-shaped responses."""

    def __init__(self, search_responses=(), bulk_response=None):
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._search = list(search_responses)
        self._bulk = bulk_response or {"errors": False, "items": []}

    def search(self, **kwargs):
        self.calls.append(("search", kwargs))
        return self._search.pop(0)

    def bulk(self, **kwargs):
        self.calls.append(("bulk", kwargs))
        return self._bulk

    def delete(self, **kwargs):
        self.calls.append(("delete", kwargs))
        return {"result": "deleted"}


EMPTY = {"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}


def test_backend_asks_again_with_any_word_when_nothing_has_every_word():
    client = FakeClient([EMPTY, SEARCH_RESPONSE])

    result = OpenSearchBackend(client, "prompts").search(SearchQuery(text="linx terminal"))

    strict, relaxed = (kwargs["body"] for _, kwargs in client.calls)
    assert result.total == 31
    assert len(strict["query"]["bool"]["must"]) == 2
    assert len(relaxed["query"]["bool"]["must"]) == 1


def test_backend_raises_for_real_bulk_failures_only():
    client = FakeClient(bulk_response=BULK_RESPONSE)

    with pytest.raises(IndexingFailed) as failed:
        OpenSearchBackend(client, "prompts").upsert([DOC])

    assert failed.value.prompt_ids == ["p_bad"]


def test_backend_delete_sends_the_external_version_and_ignores_conflicts():
    client = FakeClient()

    OpenSearchBackend(client, "prompts").delete("p_0123", 7)

    ((_, kwargs),) = client.calls
    assert kwargs["params"] == body.delete_params(7)
    assert set(kwargs["ignore"]) == {404, 409}
