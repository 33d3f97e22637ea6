"""The prompt template language: ``{{name}}`` substitution and nothing else (logic-less).

Syntax (docs/api.md, "Rendering"):
- ``{{name}}`` (white space inside the braces allowed: ``{{ name }}``) is replaced by the value of
  the variable ``name``; a name is a letter or ``_`` then up to 63 letters, digits or ``_``.
- ``\\{{`` is a literal ``{{``: the backslash is dropped and what follows is never a
  placeholder. No other escape exists; every other character is literal.
- Anything else between braces (``{{#x}}``, ``{{/x}}``, ``{{> x}}``, ``{{x.y}}``, ``{% %}``,
  ``${x}``) is literal text: there are no sections, partials, filters, attribute lookups or
  expressions, so a template can never run code or reach an object.
- One pass: a value is inserted as it is and never scanned again, so a value that contains
  ``{{other}}`` renders as those characters (no re-expansion); nothing is HTML-escaped
  (prompts are not HTML).

Values are checked against the variables the version declares (type, required, default,
max length, enum values); every problem is reported at once.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

VariableType = Literal["string", "number", "boolean", "enum", "json"]
VARIABLE_TYPES: tuple[VariableType, ...] = ("string", "number", "boolean", "enum", "json")

NAME = r"[A-Za-z_][A-Za-z0-9_]{0,63}"
# an escaped opening (group 1), or a placeholder (group 2: the name)
_TOKEN = re.compile(r"\\(\{\{)|\{\{\s*(" + NAME + r")\s*\}\}")
# What one render may produce: a template of 10,000 characters repeating one variable could
# otherwise multiply a 64 KB body into gigabytes.
MAX_OUTPUT_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class VariableSpec:
    """A declared variable, as the renderer checks values against it."""

    name: str
    kind: VariableType = "string"
    required: bool = True
    has_default: bool = False
    default: Any = None
    max_length: int | None = None
    values: tuple[str, ...] = ()


def placeholders(text: str) -> list[str]:
    """The variable names the text substitutes, in order of first use (escapes excluded)."""
    seen: dict[str, None] = {}
    for match in _TOKEN.finditer(text):
        if match.group(2):
            seen.setdefault(match.group(2))
    return list(seen)


def placeholders_of(texts: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for text in texts:
        for name in placeholders(text):
            seen.setdefault(name)
    return list(seen)


def substitute(text: str, values: Mapping[str, str]) -> str:
    """One left-to-right pass; every placeholder's name must be in ``values``."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return "{{"
        return values[match.group(2)]

    return _TOKEN.sub(replace, text)


def as_text(kind: VariableType, value: Any) -> str:
    """How a checked value reads in the rendered text."""
    if kind in ("string", "enum"):
        return str(value)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def value_problem(spec: VariableSpec, value: Any) -> str | None:
    """Why ``value`` is not a value of this variable, or None."""
    kind = spec.kind
    if kind in ("string", "enum") and not isinstance(value, str):
        return f"must be a string ({kind})"
    if kind == "number" and (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and not math.isfinite(value))
    ):
        return "must be a number"
    if kind == "boolean" and not isinstance(value, bool):
        return "must be true or false"
    if kind == "enum" and value not in spec.values:
        return f"must be one of: {', '.join(spec.values)}"
    if spec.max_length is not None and kind in ("string", "json"):
        length = len(value) if kind == "string" else len(as_text(kind, value))
        if length > spec.max_length:
            return f"must be at most {spec.max_length} characters"
    return None


def resolve(
    specs: Iterable[VariableSpec],
    used: Iterable[str],
    given: Mapping[str, Any],
    *,
    strict: bool,
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The text of every variable the template uses, and every problem with ``given``.

    A placeholder no variable declares is a required string (prompts written before variables
    were declared). A declared variable that is not given takes its default; without one it
    is missing when required, else empty. A given name that is neither declared nor used is
    unknown: a problem when ``strict``, ignored otherwise.
    """
    declared = {spec.name: spec for spec in specs}
    used = list(used)
    for name in used:
        declared.setdefault(name, VariableSpec(name))
    problems: list[dict[str, str]] = []
    texts: dict[str, str] = {}
    for name, spec in declared.items():
        if name in given:
            problem = value_problem(spec, given[name])
            if problem:
                problems.append(_problem(name, problem))
            else:
                texts[name] = as_text(spec.kind, given[name])
        elif spec.has_default:
            texts[name] = as_text(spec.kind, spec.default)
        elif spec.required:
            problems.append(_problem(name, f"is required ({spec.kind})"))
        else:
            texts[name] = ""
    if strict:
        problems += [
            _problem(name, "is not a variable of this version (strict: false ignores it)")
            for name in given
            if name not in declared
        ]
    return texts, problems


def _problem(name: str, message: str) -> dict[str, str]:
    return {"field": f"variables.{name}", "message": message}


def rendered_length(text: str, texts: Mapping[str, str]) -> int:
    """The length ``substitute`` would produce, computed without producing it."""
    length = len(text)
    for match in _TOKEN.finditer(text):
        length += (2 if match.group(1) else len(texts[match.group(2)])) - len(match.group(0))
    return length
