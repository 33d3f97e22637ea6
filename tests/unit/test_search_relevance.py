"""Relevance on real text: the 1,529 prompts of prompts.chat; misspelt and partial queries
find the prompt a person meant in the top three, on tantivy and on the real OpenSearch node.
The index is built once per engine."""

from __future__ import annotations

import pytest

from promptvault.search.backend import SearchQuery
from tests.support.opensearch import ON_OPENSEARCH, fresh_engine
from tests.support.search import csv_documents

MEANT = [
    ("Linux Termnal", "Linux Terminal"),  # one typo, 7 letters
    ("Englsh translator", "English Translator and Improver"),
    ("englsh transl", "English Translator and Improver"),  # typo + partial word
    ("javascrpt console", "JavaScript Console"),
    ("plagarism checker", "Plagiarism Checker"),
    ("footbal comentator", "Football Commentator"),
    ("stand-up comedan", "Stand-up Comedian"),
    ("motivatonal coach", "Motivational Coach"),
    ("screenwritter", "Screenwriter"),
    ("etymologst", "Etymologist"),
    ("cyber securty specialist", "Cyber Security Specialist"),
    ("pronunciaton helper", "English Pronunciation Helper"),
    ("philosphy teacher", "Philosophy Teacher"),
    ("job intervewer", "Job Interviewer"),
    ("relationshp coach", "Relationship Coach"),
    ("ethereum develper", "Ethereum Developer"),
    ("storytellr", "Storyteller"),
    ("spoken englsh teacher", "Spoken English Teacher and Improver"),
    ("magicin", "Magician"),
    ("career counsellor", "Career Counselor"),  # British spelling: one edit
    ("personal trainr", "Personal Trainer"),
    ("pet behavorist", "Pet Behaviorist"),
    ("excel sheat", "Excel Sheet"),
    ("Linx terminal", "Linux Terminal"),  # "linx" has 4 letters: found through "terminal"
    ("travel gide", "Travel Guide"),  # likewise through "travel"
]


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("tantivy", marks=pytest.mark.xdist_group("search-csv")),
        pytest.param("opensearch", marks=ON_OPENSEARCH),
    ],
)
def library(request, tmp_path_factory):
    with fresh_engine(request.param, request, tmp_path_factory.mktemp("prompts-chat")) as engine:
        engine.upsert(csv_documents())
        yield engine


def test_every_real_prompt_is_indexed_even_the_long_ones(library):
    documents = csv_documents()

    assert library.search(SearchQuery(limit=1)).total == len(documents) == 1529
    assert any(len(d.content) > 10_000 for d in documents)


@pytest.mark.parametrize(("query", "meant"), MEANT, ids=[q for q, _ in MEANT])
def test_a_misspelt_or_partial_query_finds_the_prompt_meant(library, query, meant):
    top3 = [hit.document.title for hit in library.search(SearchQuery(text=query, limit=3)).hits]

    assert meant in top3


def test_an_exact_title_comes_first(library):
    (first, *_) = library.search(SearchQuery(text="Linux Terminal", limit=3)).hits

    assert first.document.title == "Linux Terminal"
    assert first.highlights["title"] == ["<mark>Linux</mark> <mark>Terminal</mark>"]


def test_suggest_completes_a_real_title(library):
    assert "English Translator and Improver" in library.suggest("english transl", None)
