"""GET /v1/search, /v1/search/suggest and /v1/prompts?sort= through the real handlers, on
tantivy and on the real OpenSearch node (the module runs once per engine). Documents are
written to the engine directly (the stream indexer is tested elsewhere); a tag unique to
each test keeps tests apart."""

from __future__ import annotations

import uuid

import pytest

from promptvault.search import service
from promptvault.search.backend import PromptStats
from tests.support.api import call
from tests.support.factories import sign_up
from tests.support.opensearch import ENGINES, fresh_engine
from tests.support.search import document


@pytest.fixture(autouse=True, scope="module", params=ENGINES)
def engine(request, tmp_path_factory):
    """The engine the search functions use for this module's run."""
    with (
        fresh_engine(request.param, request, tmp_path_factory.mktemp("api")) as engine,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(service, "get_backend", lambda: engine)
        yield engine


@pytest.fixture
def tag():
    return f"t{uuid.uuid4().hex[:12]}"


def seed(*docs):
    service.get_backend().upsert(list(docs))


def search(**query):
    return call("GET", "/v1/search", query={k: str(v) for k, v in query.items()})


def test_search_returns_summaries_with_highlights_facets_and_total(tag):
    seed(
        document(title="Python tutor", tags=(tag,), category="coding", stats=PromptStats(views=4)),
        document(title="Python reviewer", tags=(tag,), category="writing"),
    )

    reply = search(q="pyton", tag=tag)

    assert reply.status == 200, reply.body
    assert reply.body["meta"]["total"] == 2
    assert reply.body["meta"]["facets"]["category"] == {"coding": 1, "writing": 1}
    assert reply.body["meta"]["hasMore"] is False
    first = next(hit for hit in reply.data if hit["title"] == "Python tutor")
    assert first["highlights"]["title"] == ["<mark>Python</mark> tutor"]
    assert first["stats"] == {
        "views": 4,
        "copies": 0,
        "bookmarks": 0,
        "forks": 0,
        "ratingAverage": None,
        "ratingCount": 0,
    }
    assert {"id", "slug", "ownerId", "createdAt", "category", "model", "tags"} <= set(first)
    assert "content" not in first


def test_search_pages_with_cursors_until_the_end(tag):
    seed(*(document(title=f"Paged prompt {i}", tags=(tag,)) for i in range(5)))

    seen, cursor = [], None
    while True:
        query = {"q": "paged", "tag": tag, "limit": 2, **({"cursor": cursor} if cursor else {})}
        reply = search(**query)
        assert reply.status == 200, reply.body
        seen += [hit["id"] for hit in reply.data]
        cursor = reply.body["meta"]["nextCursor"]
        if not reply.body["meta"]["hasMore"]:
            break

    assert len(seen) == len(set(seen)) == 5
    assert cursor is None


def test_a_cursor_from_another_query_is_refused(tag):
    seed(*(document(title=f"Paged prompt {i}", tags=(tag,)) for i in range(3)))
    cursor = search(q="paged", tag=tag, limit=1).body["meta"]["nextCursor"]

    reply = search(q="other", tag=tag, limit=1, cursor=cursor)

    assert reply.status == 400
    assert reply.error["code"] == "INVALID_CURSOR"


def test_a_forged_cursor_is_refused():
    reply = search(q="x", cursor="bm90LWEtY3Vyc29y")

    assert (reply.status, reply.error["code"]) == (400, "INVALID_CURSOR")


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "best"},
        {"limit": "0"},
        {"limit": "51"},
        {"category": "Not A Slug"},
        {"q": "x" * 201},
    ],
)
def test_invalid_parameters_are_422(query):
    reply = search(**query)

    assert (reply.status, reply.error["code"]) == (422, "VALIDATION_ERROR")


def test_include_own_needs_a_signed_in_caller():
    reply = search(q="x", includeOwn="true")

    assert (reply.status, reply.error["code"]) == (401, "UNAUTHORIZED")


def test_owners_see_their_own_private_prompts_only_when_they_ask(tag):
    ada = sign_up()
    seed(
        document(title="Ada private notes", owner_id=ada.id, visibility="private", tags=(tag,)),
        document(title="Bob private notes", owner_id="bob", visibility="private", tags=(tag,)),
    )

    plain = call("GET", "/v1/search", token=ada.token, query={"q": "notes", "tag": tag})
    own = call(
        "GET", "/v1/search", token=ada.token, query={"q": "notes", "tag": tag, "includeOwn": "true"}
    )

    assert plain.data == []
    assert [hit["title"] for hit in own.data] == ["Ada private notes"]


def test_suggest_returns_up_to_eight_visible_titles(tag):
    word = f"zq{uuid.uuid4().hex[:6]}"
    seed(*(document(title=f"{word} helper {i}") for i in range(10)))
    seed(document(title=f"{word} hidden", visibility="private"))

    reply = call("GET", "/v1/search/suggest", query={"q": word})

    assert reply.status == 200, reply.body
    assert len(reply.data) == 8
    assert all(title.startswith(f"{word} helper") for title in reply.data)


def test_suggest_needs_some_text():
    reply = call("GET", "/v1/search/suggest", query={})

    assert reply.status == 422


def test_the_public_feed_sorted_by_popularity_comes_from_the_index(tag):
    seed(
        document(title="Rarely copied", tags=(tag,), stats=PromptStats(copies=1)),
        document(title="Often copied", tags=(tag,), stats=PromptStats(copies=30)),
        document(
            title="Secretly copied",
            tags=(tag,),
            visibility="unlisted",
            stats=PromptStats(copies=99),
        ),
    )

    reply = call("GET", "/v1/prompts", query={"sort": "popular", "tag": tag})

    assert reply.status == 200, reply.body
    assert [p["title"] for p in reply.data] == ["Often copied", "Rarely copied"]
    assert reply.data[0]["stats"]["copies"] == 30


@pytest.mark.parametrize("sort", ["trending", "top", "popular", "new"])
def test_every_feed_sort_is_served(tag, sort):
    seed(document(title="Feed prompt", tags=(tag,)))

    reply = call("GET", "/v1/prompts", query={"sort": sort, "tag": tag})

    assert reply.status == 200, reply.body
    assert [p["title"] for p in reply.data] == ["Feed prompt"]


def test_an_unknown_feed_sort_is_422():
    reply = call("GET", "/v1/prompts", query={"sort": "hot"})

    assert reply.status == 422
