"""The real OpenSearch node for the tests: one per test session, that is per xdist worker.
Every test that uses it is in the ``opensearch`` xdist group, meant to put them on one
worker; pytest 9.2 with xdist 3.8 ignores groups (pytest-xdist#1386), so two may start.

It is skipped only when the node cannot be assembled (no Maven or Java, or Maven Central
does not serve an artifact), with Maven's exact words; a node that was assembled and then
fails to start fails the tests that need it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from infra.local import opensearch_node as node_launcher
from promptvault.search.backend import SearchBackend
from promptvault.search.opensearch_backend import OpenSearchBackend

ON_OPENSEARCH = pytest.mark.xdist_group("opensearch")
ENGINES = ["tantivy", pytest.param("opensearch", marks=ON_OPENSEARCH)]


@pytest.fixture(scope="session")
def opensearch_node() -> Iterator[node_launcher.OpenSearchNode]:
    try:
        node_launcher.assemble()
    except node_launcher.NodeUnavailable as missing:
        pytest.skip(f"OpenSearch {node_launcher.VERSION} could not be assembled: {missing}")
    node = node_launcher.start()
    try:
        yield node
    finally:
        node.stop()


def opensearch_backend(node: node_launcher.OpenSearchNode, index: str) -> OpenSearchBackend:
    return OpenSearchBackend.connect(node.url, index, "us-east-1")


@pytest.fixture(params=ENGINES)
def engine_kind(request) -> str:
    """Which engine a behaviour test runs on: each such test runs on both."""
    return str(request.param)


@contextmanager
def fresh_engine(kind: str, request: pytest.FixtureRequest, directory: Path) -> Iterator[Any]:
    """An empty engine of that kind: a tantivy directory, or an index of its own on the node
    (dropped afterwards)."""
    name = f"prompts-test-{uuid.uuid4().hex[:12]}"
    if kind == "tantivy":
        from promptvault.search.tantivy_backend import TantivyBackend

        yield TantivyBackend(directory / name, threads=2)
        return
    backend = opensearch_backend(request.getfixturevalue("opensearch_node"), name)
    try:
        yield backend
    finally:
        backend.drop_index()


@pytest.fixture
def make_engine(engine_kind, request, tmp_path) -> Iterator[Callable[[], SearchBackend]]:
    """Fresh, empty engines of the test's kind."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(fresh_engine(engine_kind, request, tmp_path))
