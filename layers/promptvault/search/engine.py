"""The engine this process searches with, chosen by settings (one per container)."""

from __future__ import annotations

import tempfile
from functools import lru_cache

from promptvault.core import snapshot
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


def _renew_after_restore() -> None:
    """OpenSearch's client holds open connections: a restored sandbox makes its own. (tantivy
    is the local runtime's, on disk, and never in a snapshot.)"""
    if get_settings().search_backend == "opensearch":
        get_backend.cache_clear()


snapshot.renew_after_restore(_renew_after_restore)
