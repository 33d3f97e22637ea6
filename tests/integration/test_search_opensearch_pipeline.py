"""The write path on the real OpenSearch node: the API writes the table, the stream indexer
feeds the node, the search functions read it back; and ``make reindex`` rebuilds it.

The node refuses to create an index on a write (``action.auto_create_index: false``, as the
product requires), so these tests also prove the indexer makes the index with its mapping.
"""

from __future__ import annotations

import uuid

import pytest

from promptvault.core.settings import get_settings
from promptvault.search import engine as search_engine
from promptvault.search import service
from promptvault.search.backend import SearchQuery
from promptvault.search.opensearch_body import index_body
from promptvault.streams import indexer, reindex
from tests.support.api import call
from tests.support.factories import create_prompt, sign_up
from tests.support.opensearch import ON_OPENSEARCH, opensearch_backend
from tests.support.streams import drain

pytestmark = ON_OPENSEARCH


@pytest.fixture
def node_index(opensearch_node, monkeypatch):
    """A fresh index on the node that the indexer writes and the search functions read."""
    backend = opensearch_backend(opensearch_node, f"prompts-pipeline-{uuid.uuid4().hex[:10]}")
    monkeypatch.setattr(indexer, "default_backend", lambda: backend)
    monkeypatch.setattr(service, "get_backend", lambda: backend)
    yield backend
    backend.drop_index()


def titles(query: str, **extra: str) -> list[str]:
    reply = call("GET", "/v1/search", query={"q": query, **extra})
    assert reply.status == 200, reply.body
    return [hit["title"] for hit in reply.data]


def test_the_indexer_creates_the_index_with_its_mapping_before_the_first_write(node_index):
    owner = sign_up()
    create_prompt(owner, title="Mapped before written")

    drain()

    mapping = node_index._client.indices.get_mapping(index=node_index._index)
    (found,) = mapping.values()
    assert found["mappings"]["dynamic"] == "strict"
    assert found["mappings"]["properties"] == index_body()["mappings"]["properties"]
    assert titles("mapped written") == ["Mapped before written"]


def test_edits_counters_and_deletes_flow_from_the_table_to_the_node(node_index):
    owner = sign_up()
    prompt = create_prompt(owner, title="Quarterly report writer", tags=["reports"])
    path = f"/v1/prompts/{prompt['id']}"
    drain()
    edited = call(
        "PATCH",
        path,
        {"title": "Annual report writer"},
        token=owner.token,
        headers={"if-match": prompt["etag"]},
    )
    assert edited.status == 200, edited.body
    for _ in range(2):
        call("POST", f"{path}/copies")

    drain()

    (hit,) = call("GET", "/v1/search", query={"q": "annual reprot"}).data
    assert (hit["title"], hit["stats"]["copies"]) == ("Annual report writer", 2)
    assert titles("quarterly") == []
    facets = call("GET", "/v1/search", query={"q": "report"}).body["meta"]["facets"]
    assert facets["tags"] == {"reports": 1}
    assert call("DELETE", path, token=owner.token).status == 204
    drain()
    assert titles("annual report") == []
    assert prompt["id"] not in node_index.versions()


def test_make_reindex_rebuilds_the_node_from_the_table(opensearch_node, monkeypatch):
    owner = sign_up()
    kept = create_prompt(owner, title="Rebuilt from the table")
    call("POST", f"/v1/prompts/{kept['id']}/copies")
    drain()
    # what `make reindex` runs, configured as an operator would: SEARCH_* names the node
    index = f"prompts-reindex-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("SEARCH_BACKEND", "opensearch")
    monkeypatch.setenv("SEARCH_ENDPOINT", opensearch_node.url)
    monkeypatch.setenv("SEARCH_INDEX_NAME", index)
    get_settings.cache_clear()
    search_engine.get_backend.cache_clear()
    try:
        assert reindex.main([]) == 0
        backend = search_engine.get_backend()
        versions = backend.versions()
        found = backend.search(SearchQuery(text="rebuilt table")).hits
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        search_engine.get_backend.cache_clear()
        opensearch_backend(opensearch_node, index).drop_index()

    assert versions[kept["id"]] == 1
    assert [(h.id, h.document.stats.copies) for h in found] == [(kept["id"], 1)]
