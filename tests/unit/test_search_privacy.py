"""Privacy: another user's private, unlisted, draft or archived prompt never comes back from
search, suggest or any sort; owners see their own only when they ask for them. On tantivy
and on the real OpenSearch node, one index per engine for the module."""

from __future__ import annotations

import pytest

from promptvault.search.backend import PromptStats, SearchQuery
from tests.support.opensearch import ENGINES, fresh_engine
from tests.support.search import document

HIDDEN = [
    ("private", "published"),
    ("unlisted", "published"),
    ("public", "draft"),
    ("public", "archived"),
    ("private", "draft"),
]
SORTS = ["relevance", "newest", "top", "popular", "trending"]


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, tmp_path_factory):
    with fresh_engine(request.param, request, tmp_path_factory.mktemp("privacy")) as engine:
        seed(engine)
        yield engine


def seed(engine):
    busy = PromptStats(views=10_000, copies=500, rating_count=100, rating_sum=500, bookmarks=50)
    docs = [document(id="p_bob_public", owner_id="bob", title="Secret recipe public")]
    docs += [
        document(
            id=f"p_bob_{visibility}_{status}",
            owner_id="bob",
            title=f"Secret recipe {visibility} {status}",
            visibility=visibility,
            status=status,
            stats=busy,  # the most trending, popular and top of all: still hidden
        )
        for visibility, status in HIDDEN
    ]
    docs += [
        document(
            id=f"p_alice_{visibility}_{status}",
            owner_id="alice",
            title=f"Secret recipe alice {visibility} {status}",
            visibility=visibility,
            status=status,
        )
        for visibility, status in HIDDEN
    ]
    engine.upsert(docs)


def ids(engine, **query):
    return {hit.id for hit in engine.search(SearchQuery(limit=50, **query)).hits}


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("viewer", [None, "alice", "carol"])
def test_others_see_only_public_published(engine, sort, viewer):
    assert ids(engine, text="secret recipe", viewer_id=viewer, sort=sort) == {"p_bob_public"}
    assert ids(engine, viewer_id=viewer, sort=sort) == {"p_bob_public"}


def test_asking_for_own_private_never_shows_someone_elses(engine):
    seen = ids(engine, text="secret", viewer_id="alice", include_own_private=True)

    assert seen == {"p_bob_public"} | {f"p_alice_{v}_{s}" for v, s in HIDDEN}


def test_include_own_private_without_a_viewer_shows_nothing_more(engine):
    assert ids(engine, text="secret", include_own_private=True) == {"p_bob_public"}


def test_filtering_by_owner_does_not_bypass_visibility(engine):
    assert ids(engine, owner_id="bob", viewer_id="alice") == {"p_bob_public"}
    assert ids(engine, owner_id="bob", viewer_id="alice", include_own_private=True) == {
        "p_bob_public"
    }


def test_facets_and_totals_count_only_visible_prompts(engine):
    result = engine.search(SearchQuery(text="secret", viewer_id="alice"))

    assert result.total == 1
    assert sum(result.facets["category"].values()) == 1


@pytest.mark.parametrize("viewer", [None, "alice"])
def test_suggest_offers_only_public_published_titles(engine, viewer):
    assert engine.suggest("secret rec", viewer) == ["Secret recipe public"]


def test_suggest_offers_own_private_titles_when_asked(engine):
    suggestions = engine.suggest("secret recipe alice", "alice", include_own_private=True)

    assert len(suggestions) == len(HIDDEN)
    assert engine.suggest("secret recipe bob", "alice", include_own_private=True) == []
