"""``make run SEARCH=opensearch``: the local product searching on a real OpenSearch node.

The same command an operator runs (``python -m infra.local`` with ``SEARCH=opensearch``): the
runtime starts a node on 127.0.0.1 (infra/local/opensearch_node.py), names it in its banner,
and a prompt created through the API is found by a search with a typo, through the stream
indexer and the node. Skipped only when the node cannot be assembled (no Java or Maven).
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from infra.local import opensearch_node
from tests.e2e.conftest import new_account, prompt_body, running_local

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("opensearch")]

NODE_STARTUP_SECONDS = 300  # the node's own start timeout is 240 s on a loaded machine
SEARCH_WAIT_SECONDS = 60


def test_the_local_product_searches_on_the_real_node(tmp_path: Path):
    try:
        opensearch_node.assemble()
    except opensearch_node.NodeUnavailable as missing:
        pytest.skip(f"OpenSearch {opensearch_node.VERSION} could not be assembled: {missing}")
    log = tmp_path / "runtime.log"
    with (
        running_local(log, startup_seconds=NODE_STARTUP_SECONDS, SEARCH="opensearch") as stage,
        httpx.Client(base_url=stage.base_url, timeout=30) as http,
    ):
        banner = log.read_text(errors="replace")
        assert f"OpenSearch {opensearch_node.VERSION} on http://127.0.0.1:" in banner
        account = new_account(http)
        created = http.post(
            "/v1/prompts",
            json=prompt_body(title="Quarterly kangaroo census", visibility="public"),
            headers=account.auth,
        )
        assert created.status_code == 201, created.text
        prompt_id = created.json()["data"]["id"]

        deadline, found = time.monotonic() + SEARCH_WAIT_SECONDS, []
        while time.monotonic() < deadline:
            reply = http.get("/v1/search", params={"q": "kangarou census"})  # one typo
            assert reply.status_code == 200, reply.text
            found = [hit["id"] for hit in reply.json()["data"]]
            if prompt_id in found:
                break
            time.sleep(0.5)
        assert prompt_id in found
