"""The SDK's import and export helpers that need no server: the format a file's extension
names, and the typed answers (the live routes: tests/e2e/test_imports_cli.py)."""

from __future__ import annotations

import pytest
from promptvault_sdk import Import, ImportRow
from promptvault_sdk.client import import_format_of


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("prompts.csv", "prompts-chat-csv"),
        ("export.JSON", "langfuse-json"),
        ("summariser.prompt.yml", "prompt-yml"),
        ("all.yaml", "prompt-yml"),
        ("notes.md", "markdown"),
        ("notes.markdown", "markdown"),
    ],
)
def test_the_format_is_guessed_from_the_extension(name, fmt):
    assert import_format_of(name) == fmt


@pytest.mark.parametrize("name", ["prompts.txt", "prompts", "archive.csv.gz"])
def test_an_unknown_extension_asks_for_the_format(name):
    with pytest.raises(ValueError, match="pass format="):
        import_format_of(name)


def test_an_import_and_its_rows_read_from_the_api():
    started = Import.from_api(
        {
            "id": "i_1",
            "status": "awaiting-upload",
            "format": "markdown",
            "counts": {"created": 0, "skipped": 0, "rejected": 0},
            "createdAt": "2026-12-01T00:00:00Z",
            "uploadUrl": "http://127.0.0.1:5000/b/imports/u/i_1?X-Amz-Signature=x",
        }
    )
    row = ImportRow.from_api({"number": 2, "status": "rejected", "reason": "title: too short"})

    assert not started.finished
    assert started.upload_url.startswith("http://127.0.0.1")
    assert (row.number, row.status, row.prompt_id, row.reason) == (
        2,
        "rejected",
        None,
        "title: too short",
    )
