"""docs/security.md names the tests that cover each finding and each OWASP risk: every name
it gives must be a test that exists, so the map cannot rot silently."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"`((?:tests/)?(?:unit|integration|e2e|infra)/[\w/]+\.py|…)::(\w+)")


def cited(text: str) -> list[tuple[str, str]]:
    """(file, test) pairs; `…::name` means the file of the reference before it."""
    pairs, last = [], ""
    for path, name in REFERENCE.findall(text):
        if path != "…":
            last = path if path.startswith("tests/") else f"tests/{path}"
        pairs.append((last, name))
    return pairs


def defined(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_test_the_security_doc_names_exists():
    pairs = cited((ROOT / "docs" / "security.md").read_text())
    assert len(pairs) > 100
    missing = [f"{path}::{name}" for path, name in pairs if name not in defined(path)]
    assert missing == []


def test_the_reader_follows_the_ellipsis_to_the_file_before_it():
    text = "`unit/a.py::test_x`, `…::test_y`, `tests/integration/b.py::test_z`, `…::test_w`"
    assert cited(text) == [
        ("tests/unit/a.py", "test_x"),
        ("tests/unit/a.py", "test_y"),
        ("tests/integration/b.py", "test_z"),
        ("tests/integration/b.py", "test_w"),
    ]
