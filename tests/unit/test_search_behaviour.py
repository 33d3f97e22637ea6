"""The search engines' shared behaviour: typo rule, prefixes, filters, sorts, facets,
highlights, suggestions and versioned writes. Every test runs on tantivy and on a real
OpenSearch node (tests/support/opensearch.py), each time on an index of its own."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from promptvault.search.backend import PromptStats, SearchQuery, StatsUpdate
from promptvault.search.tantivy_backend import TantivyBackend
from tests.support.search import document


@pytest.fixture
def engine(make_engine):
    return make_engine()


def titles(engine, **query):
    return [hit.document.title for hit in engine.search(SearchQuery(**query)).hits]


def ago(hours: float) -> str:
    moment = datetime.now(UTC) - timedelta(hours=hours)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- typo tolerance: one edit from 5 letters, two from 9, none below 5 -------------------


def test_one_typo_is_forgiven_in_a_five_letter_word(engine):
    engine.upsert([document(title="Python tutor")])

    assert titles(engine, text="pyton") == ["Python tutor"]


def test_no_typo_is_forgiven_in_a_four_letter_word(engine):
    engine.upsert([document(title="Rust code review", content="Review this code carefully.")])

    assert titles(engine, text="rost") == []
    assert titles(engine, text="rust") == ["Rust code review"]


def test_two_typos_are_forgiven_from_nine_letters(engine):
    engine.upsert([document(title="Kubernetes deployment helper")])

    assert titles(engine, text="kubrnetis") == ["Kubernetes deployment helper"]


def test_two_typos_are_not_forgiven_below_nine_letters(engine):
    engine.upsert([document(title="Markdown formatter", content="Format text nicely.")])

    assert titles(engine, text="marcdovn") == []
    assert titles(engine, text="markdovn") == ["Markdown formatter"]


def test_a_transposition_counts_as_one_typo(engine):
    engine.upsert([document(title="Python tutor")])

    assert titles(engine, text="pyhton") == ["Python tutor"]


def test_a_partial_word_finds_titles_that_start_with_it(engine):
    engine.upsert([document(title="English Translator"), document(title="Travel guide")])

    assert titles(engine, text="transl") == ["English Translator"]


def test_every_word_must_match_when_some_document_has_them_all(engine):
    engine.upsert(
        [
            document(title="Linux terminal", content="Act as a shell."),
            document(title="SQL terminal", content="Act as a database."),
        ]
    )

    assert titles(engine, text="linux terminal") == ["Linux terminal"]


def test_title_matches_rank_above_content_matches(engine):
    engine.upsert(
        [
            document(title="Helpful assistant", content="You also review poetry sometimes."),
            document(title="Poetry reviewer", content="Read the poem and comment on it."),
        ]
    )

    assert titles(engine, text="poetry")[0] == "Poetry reviewer"


# --- filters, sorts, facets, highlights ------------------------------------------------


def test_filters_narrow_by_category_model_tag_and_owner(engine):
    engine.upsert(
        [
            document(title="Alpha prompt", category="coding", model="gpt-4o", tags=("a", "b")),
            document(title="Bravo prompt", category="coding", model="claude-sonnet", tags=("b",)),
            document(title="Charlie prompt", category="writing", model=None, owner_id="owner-2"),
        ]
    )

    assert set(titles(engine, text="prompt", category="coding")) == {"Alpha prompt", "Bravo prompt"}
    assert titles(engine, text="prompt", model="claude-sonnet") == ["Bravo prompt"]
    assert titles(engine, text="prompt", tags=("a",)) == ["Alpha prompt"]
    assert titles(engine, text="prompt", tags=("a", "b")) == ["Alpha prompt"]
    assert titles(engine, owner_id="owner-2") == ["Charlie prompt"]


def test_newest_sorts_by_creation_time(engine):
    engine.upsert(
        [
            document(title="Old one", created_at=ago(48)),
            document(title="New one", created_at=ago(1)),
            document(title="Middle one", created_at=ago(10)),
        ]
    )

    assert titles(engine, sort="newest") == ["New one", "Middle one", "Old one"]
    assert titles(engine) == ["New one", "Middle one", "Old one"]  # no text: newest


def test_top_smooths_the_rating_average_towards_three(engine):
    engine.upsert(
        [
            document(title="One lucky vote", stats=PromptStats(rating_count=1, rating_sum=5)),
            document(title="Loved by many", stats=PromptStats(rating_count=40, rating_sum=180)),
            document(title="Disliked", stats=PromptStats(rating_count=10, rating_sum=15)),
        ]
    )

    assert titles(engine, sort="top") == ["Loved by many", "One lucky vote", "Disliked"]


def test_popular_sorts_by_copies(engine):
    engine.upsert(
        [
            document(title="Few copies", stats=PromptStats(copies=2, views=900)),
            document(title="Many copies", stats=PromptStats(copies=50)),
        ]
    )

    assert titles(engine, sort="popular") == ["Many copies", "Few copies"]


def test_trending_weighs_engagement_by_age(engine):
    # (views + 3 copies + 5 ratings + 2 bookmarks) / (hours + 2) ** 1.5
    engine.upsert(
        [
            document(title="Old and big", created_at=ago(24 * 30), stats=PromptStats(views=5000)),
            document(title="Fresh and busy", created_at=ago(2), stats=PromptStats(copies=10)),
            document(
                title="Fresh and rated",
                created_at=ago(3),
                stats=PromptStats(rating_count=4, rating_sum=16, bookmarks=5),
            ),
            document(title="Fresh and quiet", created_at=ago(1)),
        ]
    )

    assert titles(engine, sort="trending") == [
        "Fresh and busy",  # 30 / 4**1.5 = 3.75
        "Fresh and rated",  # 30 / 5**1.5 = 2.68
        "Old and big",  # 5000 / 722**1.5 = 0.26
        "Fresh and quiet",  # 0
    ]


def test_trending_pages_agree_with_one_long_page(engine):
    engine.upsert(
        [
            document(title=f"Prompt {i}", created_at=ago(i * 7), stats=PromptStats(views=i * i))
            for i in range(40)
        ]
    )
    everything = titles(engine, sort="trending", limit=40)

    paged = [
        t
        for offset in range(0, 40, 7)
        for t in titles(engine, sort="trending", offset=offset, limit=7)
    ]

    assert paged == everything
    assert len(set(everything)) == 40


def test_facets_count_the_filtered_matches(engine):
    engine.upsert(
        [
            document(title="Alpha prompt", category="coding", model="gpt-4o", tags=("a", "b")),
            document(title="Bravo prompt", category="coding", model="gpt-4o", tags=("b",)),
            document(title="Charlie prompt", category="writing", model="claude-sonnet"),
            document(title="Unrelated", category="writing"),
        ]
    )

    result = engine.search(SearchQuery(text="prompt", model="gpt-4o"))

    assert result.total == 2
    assert result.facets == {
        "category": {"coding": 2},
        "model": {"gpt-4o": 2},
        "tags": {"b": 2, "a": 1},
    }


def test_facets_count_the_any_word_matches_when_no_document_has_every_word(engine):
    engine.upsert(
        [
            document(title="Linux terminal", category="coding", tags=("shell",)),
            document(title="SQL terminal", category="data", tags=("shell", "sql")),
            document(title="Travel guide", category="fun"),
        ]
    )

    result = engine.search(SearchQuery(text="linx terminal"))

    assert result.total == 2
    assert result.facets == {
        "category": {"coding": 1, "data": 1},
        "model": {"claude-sonnet": 2},
        "tags": {"shell": 2, "sql": 1},
    }


def test_facets_are_left_out_when_not_asked_for(engine):
    engine.upsert([document(title="Alpha prompt", category="coding")])

    result = engine.search(SearchQuery(text="prompt", facets=False))

    assert result.total == 1
    assert result.facets == {}


def test_concurrent_searches_answer_as_one_at_a_time(engine):
    engine.upsert(
        [document(title=f"Prompt {i}", category=("coding", "writing")[i % 2]) for i in range(30)]
    )
    queries = [SearchQuery(text="prompt", category=c, limit=5) for c in ("coding", "writing")] * 8
    one_at_a_time = [engine.search(q) for q in queries]

    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(engine.search, queries))

    assert together == one_at_a_time


def test_highlights_mark_a_typo_that_only_a_later_hit_contains(engine):
    engine.upsert(
        [
            document(title="Translator", content="Plain words only."),
            document(title="Tarnslator helper", content="A tarnslator in the text."),
        ]
    )

    hits = engine.search(SearchQuery(text="translator")).hits

    by_title = {hit.document.title: hit.highlights for hit in hits}
    assert "<mark>tarnslator</mark>" in by_title["Tarnslator helper"]["content"][0]
    assert "content" not in by_title["Translator"]


def test_highlights_mark_exact_fuzzy_and_prefix_matches(engine):
    engine.upsert(
        [
            document(
                title="Python tutor",
                description="Learn <b>fast</b>",
                content="A patient Python teacher for beginners.",
            )
        ]
    )

    (hit,) = engine.search(SearchQuery(text="pyton tut")).hits

    assert hit.highlights["title"] == ["<mark>Python</mark> <mark>tutor</mark>"]
    assert "<mark>Python</mark>" in hit.highlights["content"][0]
    assert "description" not in hit.highlights


def test_highlights_escape_html_in_the_text(engine):
    engine.upsert([document(title="Tag helper", content="Wrap <script>alert(1)</script> helper")])

    (hit,) = engine.search(SearchQuery(text="helper")).hits

    assert "<script>" not in hit.highlights["content"][0]
    assert "&lt;script&gt;" in hit.highlights["content"][0]


def test_hits_carry_the_summary_and_stats(engine):
    engine.upsert([document(title="Python tutor", stats=PromptStats(views=3, copies=2))])

    (hit,) = engine.search(SearchQuery(text="python")).hits

    assert hit.document.title == "Python tutor"
    assert hit.document.stats == PromptStats(views=3, copies=2)
    assert hit.document.tags == ("meetings",)


def test_suggest_offers_up_to_eight_titles_starting_with_the_prefix_first(engine):
    engine.upsert([document(title=f"Linux helper {i}") for i in range(12)])
    engine.upsert([document(title="Learn Linux")])

    suggestions = engine.suggest("linu", None)

    assert len(suggestions) == 8
    assert all(s.startswith("Linux helper") for s in suggestions)
    assert engine.suggest("learn li", None) == ["Learn Linux"]
    assert engine.suggest("  ", None) == []


# --- versions: newer wins, deletes are tombstones ---------------------------------------


def test_an_older_version_never_overwrites_a_newer_one(engine):
    doc = document(title="Version two", doc_version=2)
    engine.upsert([doc])

    engine.upsert([document(id=doc.id, title="Version one", doc_version=1)])

    assert titles(engine, text="version") == ["Version two"]


def test_a_newer_version_replaces_the_document(engine):
    doc = document(title="Version one", doc_version=1)
    engine.upsert([doc])

    engine.upsert([document(id=doc.id, title="Version two", doc_version=2)])

    assert titles(engine, text="version") == ["Version two"]
    assert engine.versions() == {doc.id: 2}


def test_the_newest_of_a_batch_wins_whatever_its_position(engine):
    doc = document(title="Version three", doc_version=3)

    engine.upsert([doc, document(id=doc.id, title="Version two", doc_version=2)])

    assert titles(engine, text="version") == ["Version three"]


def test_a_replayed_old_record_after_a_delete_does_not_resurrect(engine):
    doc = document(title="Short lived", doc_version=3)
    engine.upsert([doc])
    engine.delete(doc.id, 3)

    engine.upsert([document(id=doc.id, title="Short lived", doc_version=2)])
    engine.upsert([doc])  # the same version again: the delete wins the tie

    assert titles(engine, text="short") == []
    assert engine.versions() == {}


def test_a_delete_older_than_the_document_is_ignored(engine):
    doc = document(title="Still here", doc_version=5)
    engine.upsert([doc])

    engine.delete(doc.id, 4)

    assert titles(engine, text="still") == ["Still here"]


def test_a_delete_before_the_insert_arrives_still_blocks_it(engine):
    doc = document(title="Never shown", doc_version=1)

    engine.delete(doc.id, 1)
    engine.upsert([doc])

    assert titles(engine, text="never") == []


def test_stats_updates_apply_only_when_newer(engine):
    doc = document(title="Counted")
    engine.upsert([doc])

    engine.update_stats([StatsUpdate(doc.id, 2, PromptStats(views=20))])
    engine.update_stats([StatsUpdate(doc.id, 1, PromptStats(views=10))])

    (hit,) = engine.search(SearchQuery(text="counted")).hits
    assert hit.document.stats.views == 20
    assert hit.document.stats_version == 2


def test_a_content_upsert_keeps_newer_stored_counters(engine):
    doc = document(title="Counted", doc_version=1)
    engine.upsert([doc])
    engine.update_stats([StatsUpdate(doc.id, 7, PromptStats(copies=9))])

    engine.upsert([document(id=doc.id, title="Counted again", doc_version=2, stats_version=3)])

    (hit,) = engine.search(SearchQuery(text="counted")).hits
    assert hit.document.title == "Counted again"
    assert hit.document.stats.copies == 9


def test_stats_for_a_missing_or_deleted_document_are_ignored(engine):
    doc = document(title="Gone")
    engine.upsert([doc])
    engine.delete(doc.id, 1)

    engine.update_stats([StatsUpdate(doc.id, 5, PromptStats(views=1))])
    engine.update_stats([StatsUpdate("p_missing", 5, PromptStats(views=1))])

    assert engine.versions() == {}
    assert engine.search(SearchQuery()).total == 0


def test_a_deleted_prompt_stays_deleted_when_its_late_counters_arrive(engine):
    doc = document(title="Deleted then counted", doc_version=2)
    engine.upsert([doc])
    engine.update_stats([StatsUpdate(doc.id, 1, PromptStats(views=1))])
    engine.delete(doc.id, 2)

    engine.update_stats([StatsUpdate(doc.id, 9, PromptStats(views=50))])
    engine.upsert([document(id=doc.id, title="Deleted then counted", doc_version=2)])

    assert engine.versions() == {}
    assert titles(engine, text="counted") == []


def test_reads_before_any_write_answer_empty(engine):
    assert engine.search(SearchQuery(text="anything")).total == 0
    assert engine.suggest("any", None) == []
    assert engine.versions() == {}


def test_the_tantivy_index_survives_reopening(tmp_path):
    TantivyBackend(tmp_path).upsert([document(title="Persistent prompt")])

    assert titles(TantivyBackend(tmp_path), text="persistent") == ["Persistent prompt"]


def test_reset_empties_the_index(engine):
    engine.upsert([document()])

    engine.reset()

    assert engine.search(SearchQuery()).total == 0
