"""The OpenSearch engine (AWS): opensearch-py signed with SigV4 (service ``es``).

Request bodies come from ``opensearch_body`` (pure, golden-tested); this module only sends
them. It has never run against a server on our machines: no OpenSearch can run here.
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
    def __init__(self, client: Any, index: str) -> None:
        self._client = client
        self._index = index

    @classmethod
    def connect(cls, endpoint: str, index: str, region: str) -> OpenSearchBackend:
        import boto3
        from opensearchpy import OpenSearch, Urllib3AWSV4SignerAuth, Urllib3HttpConnection

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
        if not self._client.indices.exists(index=self._index):
            self._client.indices.create(index=self._index, body=index_body())

    def upsert(self, documents: list[PromptDocument]) -> None:
        if documents:
            self._bulk(upsert_actions(self._index, documents))

    def delete(self, prompt_id: str, doc_version: int) -> None:
        # 404 (never indexed) still records the tombstone; 409 means a newer document exists.
        self._client.delete(
            index=self._index, id=prompt_id, params=delete_params(doc_version), ignore=[404, 409]
        )

    def update_stats(self, updates: list[StatsUpdate]) -> None:
        if updates:
            self._bulk(stats_actions(self._index, updates))

    def search(self, query: SearchQuery) -> SearchResult:
        now_ms = int(time.time() * 1000)
        body = search_body(query, now_ms)
        result = parse_search(self._client.search(index=self._index, body=body))
        if result.total == 0 and len(tokens(query.text)) > 1:
            relaxed = search_body(query, now_ms, strict=False)
            result = parse_search(self._client.search(index=self._index, body=relaxed))
        return result

    def suggest(
        self, prefix: str, viewer_id: str | None, limit: int = 8, include_own_private: bool = False
    ) -> list[str]:
        if not tokens(prefix):
            return []
        body = suggest_body(prefix, viewer_id, limit, include_own_private)
        return parse_suggest(self._client.search(index=self._index, body=body), prefix, limit)

    def versions(self) -> dict[str, int]:
        from opensearchpy.helpers import scan

        query = {"_source": ["doc_version"], "query": {"match_all": {}}}
        return {
            hit["_id"]: int(hit["_source"]["doc_version"])
            for hit in scan(self._client, index=self._index, query=query)
        }

    def reset(self) -> None:
        self._client.indices.delete(index=self._index, ignore=[404])
        self.create_index()

    def _bulk(self, lines: list[dict[str, Any]]) -> None:
        response = self._client.bulk(body=lines)
        if response.get("errors"):
            failures = bulk_failures(response)
            if failures:
                raise IndexingFailed(failures)
