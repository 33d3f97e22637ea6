"""The engine this process searches with, chosen by settings (one per container)."""

from __future__ import annotations

import tempfile
from functools import lru_cache

from promptvault.core.settings import get_settings
from promptvault.search.backend import SearchBackend


@lru_cache(maxsize=1)
def get_backend() -> SearchBackend:
    settings = get_settings()
    if settings.search_backend == "opensearch":
        from promptvault.search.opensearch_backend import OpenSearchBackend

        return OpenSearchBackend.connect(
            settings.search_endpoint, settings.search_index_name, settings.region
        )
    if settings.search_backend != "tantivy":
        raise RuntimeError(f"unknown SEARCH_BACKEND {settings.search_backend!r}")
    from promptvault.search.tantivy_backend import TantivyBackend

    directory = settings.search_index_dir or tempfile.mkdtemp(prefix="pv-search-")
    return TantivyBackend(directory)
