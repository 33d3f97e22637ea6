"""The OpenSearch adapter's pure parts, without a server: the mapping (golden JSON, so that
a change, which needs a reindex, is deliberate), the version arithmetic, the rules every
query body keeps, and the parsing of failures a real node rarely gives on demand.

What a body does is tested on a real node: the behaviour suite (test_search_behaviour.py)
and the pipeline (tests/integration/test_search_opensearch_pipeline.py) run on one.

To accept an intended change of the mapping:
    UPDATE_GOLDEN=1 pytest tests/unit/test_search_opensearch.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from promptvault.search import opensearch_body as body
from promptvault.search.backend import PromptStats, SearchQuery
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


def test_a_content_write_carries_the_stored_counters_when_they_are_newer():
    stored = {"p_0123": {"stats_version": 9, "views": 40, "copies": 3}}

    _, source = body.upsert_actions("prompts", [DOC], stored)
    _, kept = body.upsert_actions("prompts", [DOC], {"p_0123": {"stats_version": 1, "views": 1}})

    assert (source["views"], source["copies"], source["stats_version"]) == (40, 3, 9)
    assert source["engagement"] == 40 + 3 * 3
    assert kept["views"] == DOC.stats.views


def test_a_batch_sends_each_prompt_once_at_its_newest_version():
    newer = document(id=DOC.id, doc_version=8, title="Newer")

    lines = body.upsert_actions("prompts", [DOC, newer, DOC])

    assert [line["index"]["version"] for line in lines[::2]] == [body.external_version(8)]


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


# --- failures shaped like OpenSearch's ------------------------------------------------

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


class FakeIndices:
    def exists(self, **_kwargs):
        return True


class FakeClient:
    """Records calls and answers with canned, OpenSearch-shaped responses."""

    def __init__(self, bulk_response=None):
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.indices = FakeIndices()
        self._bulk = bulk_response or {"errors": False, "items": []}

    def mget(self, **kwargs):
        self.calls.append(("mget", kwargs))
        return {"docs": []}

    def bulk(self, **kwargs):
        self.calls.append(("bulk", kwargs))
        return self._bulk

    def delete(self, **kwargs):
        self.calls.append(("delete", kwargs))
        return {"result": "deleted"}


def test_backend_raises_for_real_bulk_failures_only():
    client = FakeClient(bulk_response=BULK_RESPONSE)

    with pytest.raises(IndexingFailed) as failed:
        OpenSearchBackend(client, "prompts").upsert([DOC])

    assert failed.value.prompt_ids == ["p_bad"]


def test_backend_delete_sends_the_external_version_and_ignores_conflicts():
    client = FakeClient()

    OpenSearchBackend(client, "prompts").delete("p_0123", 7)

    ((_, kwargs),) = client.calls
    assert kwargs["params"] == body.delete_params(7)  # no refresh on AWS
    assert set(kwargs["ignore"]) == {404, 409}
