"""The shared rendering vectors (tests/vectors/render.json) against the server's renderer; the
SDK runs the same file (tests/sdk/test_compile.py), and tests/e2e/test_sdk.py runs it over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from promptvault.prompts.templates import VariableSpec, placeholders_of, resolve, substitute

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "render.json").read_text())
CASES = [(p, c) for p in VECTORS["prompts"] for c in p["cases"]]


def _spec(variable: dict[str, Any]) -> VariableSpec:
    # as service.variable_spec reads a stored variable: a null default is no default
    default = variable.get("default")
    return VariableSpec(
        variable["name"],
        variable.get("type", "string"),
        variable.get("required", True) is not False,
        default is not None,
        default,
        variable.get("maxLength"),
        tuple(variable.get("enum") or ()),
    )


@pytest.mark.parametrize(("prompt", "case"), CASES, ids=[c["name"] for _, c in CASES])
def test_the_server_renders_every_vector(prompt, case):
    chat = prompt["type"] == "chat"
    texts = [m["content"] for m in prompt["messages"]] if chat else [prompt["content"]]
    values, problems = resolve(
        [_spec(v) for v in prompt["variables"]],
        placeholders_of(texts),
        case["values"],
        strict=case.get("strict", True),
    )

    if "errors" in case:
        assert problems == case["errors"]
    elif chat:
        rendered = [
            {"role": m["role"], "content": substitute(m["content"], values)}
            for m in prompt["messages"]
        ]
        assert not problems
        assert rendered == case["messages"]
    else:
        assert not problems
        assert substitute(prompt["content"], values) == case["text"]
