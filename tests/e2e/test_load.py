"""The bounded load run (bench/load.py): many simulated clients reading, searching, rating,
bookmarking, forking and editing the local runtime at once for a fixed time, then the
promises the stream consumers and the optimistic lock make, checked against the truth.

One run for the module, in a process of its own (bench/load.py starts the runtime and
locust, which patches the standard library with gevent and must not share pytest's
process): a minute and a half on two quiet cores, up to five when other work shares them.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench import load

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def load_run() -> dict[str, Any]:
    result = load.run(**load.TEST)
    print(load.load_table(result))  # shown with -s, or with the failure
    return result


def test_the_load_gets_no_server_error_and_no_unexpected_answer(load_run: dict[str, Any]) -> None:
    assert load_run["requests"] > 0
    assert load_run["server_errors"] == 0, load_run["server_error_samples"]
    assert load_run["failures"] == 0, load_run["failure_samples"]
    assert load_run["dead_letters"] == 0


def test_every_counter_equals_the_truth_once_the_stream_is_drained(
    load_run: dict[str, Any],
) -> None:
    counters = load_run["checks"]["counters"]

    assert counters["mismatches"] == []
    assert counters["prompts"] > 0


def test_the_engagement_items_are_what_the_clients_did(load_run: dict[str, Any]) -> None:
    ledger = load_run["checks"]["ledger"]

    assert ledger["differs"] == []
    assert ledger["accepted_writes"]["ratings"] > 0


def test_every_version_chain_is_contiguous_and_every_revision_has_one_winner(
    load_run: dict[str, Any],
) -> None:
    versions = load_run["checks"]["versions"]

    assert versions["problems"] == []
    assert versions["edits_won"] > 0


def test_concurrent_patches_with_one_if_match_leave_exactly_one_winner(
    load_run: dict[str, Any],
) -> None:
    race = load_run["checks"]["race"]

    assert [r["winners"] for r in race["rounds"]] == [1] * len(race["rounds"])
    assert all(r["preconditionFailed"] == race["clients"] - 1 for r in race["rounds"])
    assert all(r["other"] == [] for r in race["rounds"])
