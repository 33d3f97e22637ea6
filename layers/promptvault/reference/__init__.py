"""Reference data (categories, models) shipped with the layer as JSON files."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_DIR = Path(__file__).parent


@cache
def _load(name: str) -> tuple[dict[str, Any], ...]:
    with (_DIR / f"{name}.json").open(encoding="utf-8") as handle:
        return tuple(json.load(handle))


def categories() -> tuple[dict[str, Any], ...]:
    return _load("categories")


def models() -> tuple[dict[str, Any], ...]:
    return _load("models")


def category_slugs() -> frozenset[str]:
    return frozenset(c["slug"] for c in categories())


def model_slugs() -> frozenset[str]:
    return frozenset(m["slug"] for m in models())
