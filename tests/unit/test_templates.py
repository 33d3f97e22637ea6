"""The template language: {{name}} substitution, one pass, no logic (prompts/templates.py)."""

from __future__ import annotations

import pytest

from promptvault.prompts.templates import (
    VariableSpec,
    placeholders,
    rendered_length,
    resolve,
    substitute,
)


@pytest.mark.parametrize(
    ("template", "names"),
    [
        ("{{a}} and {{ b }} and {{\tc\t}}", ["a", "b", "c"]),
        ("{{a}} {{a}}", ["a"]),
        ("\\{{a}} {{b}}", ["b"]),
        ("{{#a}}{{/a}} {{^a}} {{> a}} {{a.b}} {{a|x}} {% a %} ${a} {{ 1a }}", []),
        ("{{{a}}}", ["a"]),
        ("{{ {{a}} }}", ["a"]),
        ("{{_private}} {{__class__}}", ["_private", "__class__"]),
    ],
)
def test_placeholders_are_names_in_double_braces_only(template, names):
    assert placeholders(template) == names


def test_a_value_is_inserted_once_and_never_read_again():
    values = {"a": "{{b}}", "b": "B", "c": "\\{{b}}"}

    assert substitute("{{a}}|{{b}}|{{c}}", values) == "{{b}}|B|\\{{b}}"


def test_an_escaped_opening_is_a_literal_opening():
    assert substitute("\\{{a}} \\\\{{a}} {{a}}", {"a": "A"}) == "{{a}} \\{{a}} A"


def test_everything_that_is_not_a_placeholder_is_text():
    template = "{{#a}}x{{/a}} {% if a %} ${a} <%= a %> {{a.__class__}} {{a|upper}}"

    assert substitute(template, {}) == template


def test_rendered_length_is_computed_without_rendering():
    template = "x{{a}}y\\{{z}}{{ a }}"
    values = {"a": "12345"}

    assert rendered_length(template, values) == len(substitute(template, values))


TYPED = [
    VariableSpec("s", "string", max_length=3),
    VariableSpec("n", "number"),
    VariableSpec("b", "boolean"),
    VariableSpec("e", "enum", values=("x", "y")),
    VariableSpec("j", "json", required=False),
    VariableSpec("d", "number", has_default=True, default=7),
]


def test_typed_values_read_as_json_would_write_them():
    texts, problems = resolve(
        TYPED, [], {"s": "abc", "n": 2.5, "b": True, "e": "y", "j": {"k": [1, "é"]}}, strict=True
    )

    assert problems == []
    assert texts == {"s": "abc", "n": "2.5", "b": "true", "e": "y", "j": '{"k":[1,"é"]}', "d": "7"}


def test_every_problem_is_reported_at_once():
    _, problems = resolve(
        TYPED, ["u"], {"s": "abcd", "n": True, "b": 1, "e": "z", "extra": 1}, strict=True
    )

    assert [p["field"] for p in problems] == [
        "variables.s",
        "variables.n",
        "variables.b",
        "variables.e",
        "variables.u",  # used by the template, undeclared: a required string
        "variables.extra",
    ]


def test_lenient_ignores_unknown_values_only():
    texts, problems = resolve([VariableSpec("a")], ["a"], {"a": "1", "zzz": 2}, strict=False)

    assert problems == []
    assert texts == {"a": "1"}


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "3", None, [1]])
def test_a_number_is_a_finite_json_number(value):
    _, problems = resolve([VariableSpec("n", "number")], [], {"n": value}, strict=True)

    assert [p["field"] for p in problems] == ["variables.n"]
