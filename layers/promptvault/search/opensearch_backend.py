"""The OpenSearch engine: opensearch-py, signed with SigV4 (service ``es``) on AWS, plain
HTTP to a local node (``http://127.0.0.1:<port>``, infra/local/opensearch_node.py).

Request bodies come from ``opensearch_body``; this module sends them. The behaviour suite
runs it against a real 2.19 node (tests/unit/test_search_behaviour.py). The index is made
with its mapping before the first write (never auto-created by a ``_bulk``), and a read of
an index that does not exist yet answers as an empty one.
"""

from __future__ import annotations

import time
from typing import Any

from promptvault.search.backend import (
    PromptDocument,
    SearchQuery,
    SearchResult,
    StatsUpdate,
)
from promptvault.search.opensearch_body import (
    STATS_SOURCE,
    bulk_failures,
    delete_params,
    index_body,
    parse_search,
    parse_suggest,
    search_body,
    stats_actions,
    suggest_body,
    upsert_actions,
)
from promptvault.search.text import tokens


class IndexingFailed(Exception):
    """Some documents of a bulk request failed for a reason other than being stale."""

    def __init__(self, failures: list[tuple[str, int, str]]) -> None:
        super().__init__(f"{len(failures)} documents failed: {failures[:5]}")
        self.prompt_ids = [prompt_id for prompt_id, _, _ in failures]


class OpenSearchBackend:
    def __init__(self, client: Any, index: str, *, refresh: bool = False) -> None:
        self._client = client
        self._index = index
        # refresh=True: a write is searchable when it returns, as tantivy's are (local, tests)
        self._refresh = refresh
        self._index_ready = False

    @classmethod
    def connect(cls, endpoint: str, index: str, region: str) -> OpenSearchBackend:
        from opensearchpy import OpenSearch, Urllib3AWSV4SignerAuth, Urllib3HttpConnection

        if endpoint.startswith("http://"):  # the local node: loopback, no TLS, no signing
            return cls(OpenSearch(hosts=[endpoint], timeout=30), index, refresh=True)

        import boto3

        credentials = boto3.Session().get_credentials()
        host = endpoint.removeprefix("https://").rstrip("/")
        client = OpenSearch(
            hosts=[{"host": host, "port": 443}],
            http_auth=Urllib3AWSV4SignerAuth(credentials, region, "es"),
            use_ssl=True,
            verify_certs=True,
            connection_class=Urllib3HttpConnection,
            timeout=5,
        )
        return cls(client, index)

    def create_index(self) -> None:
        """The index with its mapping and settings, if it is not there yet (idempotent)."""
        if not self._client.indices.exists(index=self._index):
            # 400: another writer created it between our check and our create
            self._client.indices.create(index=self._index, body=index_body(), ignore=[400])
            if not self._client.indices.exists(index=self._index):
                raise IndexingFailed([(self._index, 400, "index could not be created")])
        self._index_ready = True

    def _ensure_index(self) -> None:
        if not self._index_ready:
            self.create_index()

    def upsert(self, documents: list[PromptDocument]) -> None:
        if not documents:
            return
        self._ensure_index()
        stored = self._stored_stats([doc.id for doc in documents])
        self._bulk(upsert_actions(self._index, documents, stored))

    def delete(self, prompt_id: str, doc_version: int) -> None:
        self._ensure_index()
        # 404 (never indexed) still records the tombstone; 409 means a newer document exists.
        self._client.delete(
            index=self._index,
            id=prompt_id,
            params={**delete_params(doc_version), **self._refresh_param()},
            ignore=[404, 409],
        )

    def update_stats(self, updates: list[StatsUpdate]) -> None:
        if updates:
            self._ensure_index()
            self._bulk(stats_actions(self._index, updates))

    def search(self, query: SearchQuery) -> SearchResult:
        now_ms = int(time.time() * 1000)
        found = self._read(search_body(query, now_ms))
        if found is None:
            return SearchResult(hits=[], total=0)
        result = parse_search(found)
        if result.total == 0 and len(tokens(query.text)) > 1:
            relaxed = self._read(search_body(query, now_ms, strict=False))
            result = parse_search(relaxed) if relaxed else result
        return result

    def suggest(
        self, prefix: str, viewer_id: str | None, limit: int = 8, include_own_private: bool = False
    ) -> list[str]:
        if not tokens(prefix):
            return []
        found = self._read(suggest_body(prefix, viewer_id, limit, include_own_private))
        return parse_suggest(found, prefix, limit) if found else []

    def versions(self) -> dict[str, int]:
        from opensearchpy.helpers import scan

        if not self._client.indices.exists(index=self._index):
            return {}
        query = {"_source": ["doc_version"], "query": {"match_all": {}}}
        return {
            hit["_id"]: int(hit["_source"]["doc_version"])
            for hit in scan(self._client, index=self._index, query=query)
        }

    def reset(self) -> None:
        self.drop_index()
        self.create_index()

    def drop_index(self) -> None:
        self._client.indices.delete(index=self._index, ignore=[404])
        self._index_ready = False

    def _read(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """A search; None when the index does not exist yet (nothing was ever written)."""
        from opensearchpy.exceptions import NotFoundError

        try:
            return dict(self._client.search(index=self._index, body=body))
        except NotFoundError:
            return None

    def _stored_stats(self, prompt_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The counters already in the index: a content write must not roll back newer ones."""
        docs = [{"_id": prompt_id, "_source": STATS_SOURCE} for prompt_id in prompt_ids]
        found = self._client.mget(index=self._index, body={"docs": docs})
        return {d["_id"]: d["_source"] for d in found.get("docs", []) if d.get("found")}

    def _refresh_param(self) -> dict[str, str]:
        return {"refresh": "true"} if self._refresh else {}

    def _bulk(self, lines: list[dict[str, Any]]) -> None:
        response = self._client.bulk(body=lines, params=self._refresh_param())
        if response.get("errors"):
            failures = bulk_failures(response)
            if failures:
                raise IndexingFailed(failures)
