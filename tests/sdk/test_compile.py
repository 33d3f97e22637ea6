"""The SDK's Prompt.compile on the shared vectors (tests/vectors/render.json): the same text,
messages or 422 details as the server (tests/unit/test_render_vectors.py, tests/e2e)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from promptvault_sdk import CompileError, Message, Prompt

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "render.json").read_text())
CASES = [(p, c) for p in VECTORS["prompts"] for c in p["cases"]]


def as_prompt(vector: dict[str, Any]) -> Prompt:
    """A vector as the API answers it (the fields of PromptVersionOut that compile reads)."""
    chat = vector["type"] == "chat"
    messages = vector.get("messages")
    content = (
        "\n\n".join(f"{m['role']}: {m['content']}" for m in messages) if chat else vector["content"]
    )
    return Prompt.from_api(
        {
            "promptId": "p1",
            "version": 1,
            "title": vector["name"],
            "type": vector["type"],
            "content": content,
            "messages": messages,
            "variables": vector["variables"],
            "labels": ["latest", "production"],
        }
    )


@pytest.mark.parametrize(("vector", "case"), CASES, ids=[c["name"] for _, c in CASES])
def test_compile_follows_the_server_rules(vector, case):
    prompt = as_prompt(vector)

    if "errors" in case:
        with pytest.raises(CompileError) as raised:
            prompt.compile_with(case["values"], strict=case.get("strict", True))
        assert raised.value.details == case["errors"]
    else:
        compiled = prompt.compile_with(case["values"], strict=case.get("strict", True))
        if vector["type"] == "chat":
            assert compiled == [Message(**m) for m in case["messages"]]
        else:
            assert compiled == case["text"]


def test_compile_takes_keyword_arguments_and_is_strict():
    prompt = Prompt.from_api(
        {"promptId": "p", "version": 2, "title": "t", "content": "Hello {{who}}!", "variables": []}
    )

    assert prompt.compile(who="Ada") == "Hello Ada!"
    with pytest.raises(CompileError, match=r"variables\.extra"):
        prompt.compile(who="Ada", extra=1)


def test_a_render_over_the_limit_is_refused_as_the_server_does():
    prompt = Prompt.from_api(
        {"promptId": "p", "version": 1, "title": "t", "content": "{{a}}" * 20, "variables": []}
    )

    with pytest.raises(CompileError) as raised:
        prompt.compile(a="x" * 5001)
    assert raised.value.details == [
        {"field": "variables", "message": "the rendered prompt exceeds 100000 characters"}
    ]


def test_a_fallback_text_compiles_with_its_placeholders_as_required_strings():
    prompt = Prompt.from_fallback("greeting", "Hi {{name}}")

    assert prompt.is_fallback
    assert prompt.compile(name="Ada") == "Hi Ada"
    with pytest.raises(CompileError, match="is required"):
        prompt.compile()
