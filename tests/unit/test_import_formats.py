"""The import file formats read as documented (docs/imports.md), and what export writes reads
back to the same prompts."""

from __future__ import annotations

import json

import pytest

from promptvault.imports import formats
from promptvault.imports.formats import FileUnreadable, Portable
from tests.support.search import PROMPTS_CSV

PROMPTS_CHAT = PROMPTS_CSV  # ../shared/data beside the checkout, else /work/shared


def rows(fmt: formats.ImportFormat, text: str) -> list[formats.Row]:
    return list(formats.parse(fmt, text))


def text_prompt(title: str = "A text prompt", **extra) -> dict:
    return {"title": title, "type": "text", "content": "Write about {{topic}} today.", **extra}


CHAT = {
    "title": "A chat prompt",
    "type": "chat",
    "messages": [
        {"role": "system", "content": "You are {{persona}}."},
        {"role": "user", "content": "Hello\n---\nthere"},
    ],
    "variables": [{"name": "persona", "type": "enum", "enum": ["kind", "terse"]}],
    "tags": ["chat", "x"],
}


def portables() -> list[Portable]:
    return [
        Portable(
            [text_prompt(description="first"), text_prompt(description="second")],
            visibility="private",
            labels={"production": 1},
            change_messages=[None, "better"],
        ),
        Portable([dict(CHAT)], status="draft"),
        Portable([text_prompt("Unicode 会議 🚀", tags=["a"], category="coding")]),
    ]


@pytest.mark.parametrize("fmt", ["json", "csv", "yaml", "markdown"])
def test_what_export_writes_reads_back_to_the_same_current_prompts(fmt):
    written = formats.render(fmt, portables(), ["one", "two", "three"])

    read = rows(formats.READ_BACK[fmt], written)

    assert [row.problem for row in read] == [None, None, None]
    assert [row.prompt.current for row in read] == [p.current for p in portables()]
    assert [(r.prompt.visibility, r.prompt.status) for r in read] == [
        ("private", "published"),
        ("public", "draft"),
        ("public", "published"),
    ]


def test_json_alone_carries_versions_labels_and_change_messages():
    read = rows("langfuse-json", formats.render("json", portables(), ["one", "two", "three"]))

    first = read[0].prompt
    assert first.versions == portables()[0].versions
    assert first.labels == {"production": 1}
    assert first.change_messages == [None, "better"]


def test_langfuse_entries_group_by_name_and_sort_by_version():
    entries = [
        {"name": "greet", "version": 2, "prompt": "Hello {{name}}, again and again.", "labels": []},
        {"name": "other", "version": 1, "prompt": "Something else entirely here."},
        {"name": "greet", "version": 1, "prompt": "Hello {{name}}, for the first time."},
    ]

    read = rows("langfuse-json", json.dumps({"prompts": entries}))

    assert [row.title for row in read] == ["greet", "other"]
    assert [v["content"] for v in read[0].prompt.versions] == [
        "Hello {{name}}, for the first time.",
        "Hello {{name}}, again and again.",
    ]


def test_langfuse_placeholders_and_nameless_entries_are_the_rows_problems():
    entries = [
        {"name": "chatty", "type": "chat", "prompt": [{"type": "placeholder", "name": "h"}]},
        {"prompt": "no name at all"},
    ]

    read = rows("langfuse-json", json.dumps(entries))

    assert [row.problem for row in read] == [
        "message placeholders are not supported",
        "an entry without a name",
    ]


def test_a_prompts_chat_row_maps_its_columns():
    text = (
        'act,prompt,for_devs,type,contributor\nLinux Terminal,"Act as a shell",TRUE,STRUCTURED,x\n'
    )

    (row,) = rows("prompts-chat-csv", text)

    assert row.prompt.current == {
        "title": "Linux Terminal",
        "type": "text",
        "content": "Act as a shell",
        "tags": ["structured", "for-devs"],
    }


@pytest.mark.skipif(not PROMPTS_CHAT.exists(), reason="the shared data set is not checked out")
def test_the_shared_prompts_chat_file_reads_as_one_row_per_record():
    read = rows("prompts-chat-csv", PROMPTS_CHAT.read_text(encoding="utf-8"))

    assert len(read) == 1529
    assert all(row.problem is None for row in read)
    assert [row.number for row in read] == list(range(1, 1530))


def test_a_csv_cell_of_bad_json_is_the_rows_problem():
    text = "act,prompt,variables\nA title,Some content here please,{not json\n"

    (row,) = rows("prompts-chat-csv", text)

    assert row.problem.startswith("column variables is not JSON")


def test_a_markdown_file_without_front_matter_is_one_prompt_under_its_heading():
    (row,) = rows("markdown", "# Code reviewer\n\nReview this diff for bugs: {{diff}}\n")

    assert row.prompt.current == {
        "title": "Code reviewer",
        "type": "text",
        "content": "Review this diff for bugs: {{diff}}",
    }


def test_a_markdown_body_may_hold_a_rule_that_opens_no_front_matter():
    text = "---\ntitle: One\n---\n\nabove\n---\nbelow\n---\ntitle: Two\n---\nsecond body\n"

    read = rows("markdown", text)

    assert [row.prompt.current["content"] for row in read] == ["above\n---\nbelow", "second body"]


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("prompts-chat-csv", "title,body\nx,y\n"),
        ("langfuse-json", "{not json"),
        ("langfuse-json", '{"name": "x"}'),
        ("prompt-yml", "a: [unclosed"),
    ],
)
def test_a_file_not_in_its_format_is_unreadable(fmt, text):
    with pytest.raises(FileUnreadable):
        rows(fmt, text)


def test_a_prompt_yml_without_our_fields_is_a_chat_prompt():
    text = "name: Summariser\ndescription: d\nmessages:\n  - role: user\n    content: Sum {{x}}\n"

    (row,) = rows("prompt-yml", text)

    assert row.prompt.current == {
        "title": "Summariser",
        "type": "chat",
        "messages": [{"role": "user", "content": "Sum {{x}}"}],
        "description": "d",
    }
