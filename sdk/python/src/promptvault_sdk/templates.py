"""The server's template rules, client side (the server's layers/promptvault/prompts/templates.py).

- ``{{name}}`` (white space inside the braces allowed) is replaced by the variable's value; a
  name is a letter or ``_`` then up to 63 letters, digits or ``_``.
- ``\\{{`` is a literal ``{{``; no other escape exists.
- Anything else between braces is literal text (no sections, partials, filters, lookups).
- One pass, left to right: a value is never scanned again.

Values are checked against the version's variables exactly as ``POST .../render`` checks them,
and every problem is reported at once with the same ``{"field", "message"}`` details as the
server's 422. tests/vectors/render.json holds the vectors both sides run.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

NAME = r"[A-Za-z_][A-Za-z0-9_]{0,63}"
_TOKEN = re.compile(r"\\(\{\{)|\{\{\s*(" + NAME + r")\s*\}\}")
MAX_OUTPUT_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class Spec:
    name: str
    kind: str = "string"
    required: bool = True
    has_default: bool = False
    default: Any = None
    max_length: int | None = None
    values: tuple[str, ...] = ()


def placeholders(texts: Iterable[str]) -> list[str]:
    """The names the texts substitute, in order of first use (escapes excluded)."""
    seen: dict[str, None] = {}
    for text in texts:
        for match in _TOKEN.finditer(text):
            if match.group(2):
                seen.setdefault(match.group(2))
    return list(seen)


def substitute(text: str, values: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return "{{"
        return values[match.group(2)]

    return _TOKEN.sub(replace, text)


def rendered_length(text: str, values: Mapping[str, str]) -> int:
    length = len(text)
    for match in _TOKEN.finditer(text):
        length += (2 if match.group(1) else len(values[match.group(2)])) - len(match.group(0))
    return length


def as_text(kind: str, value: Any) -> str:
    if kind in ("string", "enum"):
        return str(value)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def value_problem(spec: Spec, value: Any) -> str | None:
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
    if kind == "json":
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            return "must be a JSON value"  # client side only: the wire cannot carry it
    if spec.max_length is not None and kind in ("string", "json"):
        length = len(value) if kind == "string" else len(as_text(kind, value))
        if length > spec.max_length:
            return f"must be at most {spec.max_length} characters"
    return None


def resolve(
    specs: Iterable[Spec], used: Iterable[str], given: Mapping[str, Any], *, strict: bool
) -> tuple[dict[str, str], list[dict[str, str]]]:
    declared = {spec.name: spec for spec in specs}
    for name in used:
        declared.setdefault(name, Spec(name))
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
