"""Highlights on tantivy: ``<mark>`` around the words a query really matched.

tantivy's snippet generator ignores fuzzy queries, so the words of the hit documents that
the query matched (exactly, within the typo budget, as a prefix) are collected first and
highlighted as plain terms. The page's stored documents are read once (the same
dictionaries feed the hits) and split in one pass. See docs/search.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import tantivy

from promptvault.search.tantivy_index import TEXT_FIELDS
from promptvault.search.text import distinct_words, matched_words

SNIPPET_CHARS = {"title": 200, "description": 300, "content": 180}
Highlighter = Callable[[tantivy.Document], dict[str, list[str]]]


def _nothing(_doc: tantivy.Document) -> dict[str, list[str]]:
    return {}


def highlighter(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    words: list[str],
    stored: list[dict[str, list[Any]]],
    enabled: bool,
) -> Highlighter:
    """Snippets for the words the query really matched (fuzzy and prefix ones included)."""
    if not (enabled and words and stored):
        return _nothing
    text = "\n".join(t for values in stored for f in TEXT_FIELDS for t in values.get(f, ()))
    matched = sorted(matched_words(distinct_words(text), words))
    if not matched:
        return _nothing
    generators = {}
    for field, chars in SNIPPET_CHARS.items():
        terms = [
            (tantivy.Occur.Should, tantivy.Query.term_query(schema, field, w)) for w in matched
        ]
        query = tantivy.Query.boolean_query(terms)
        generator = tantivy.SnippetGenerator.create(searcher, query, schema, field)
        generator.set_max_num_chars(chars)
        generators[field] = generator

    def highlight(doc: tantivy.Document) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for field, generator in generators.items():
            snippet = generator.snippet_from_doc(doc)
            if snippet.highlighted():
                html = snippet.to_html().replace("<b>", "<mark>").replace("</b>", "</mark>")
                out[field] = [html]
        return out

    return highlight
