"""The layer's shape, held by its imports (every import, lazy ones inside functions too).

kernel (``core``) <- ``data`` and ``catalogue`` <- domains <- ``web``; nothing in the layer
imports ``functions``, ``infra``, ``tests`` or ``bench``; domains form no loop; no module
reaches into another package's ``_private`` names; handlers reach the table only through a
domain. docs/architecture.md draws the same picture.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER = ROOT / "layers" / "promptvault"
FUNCTIONS = ROOT / "functions"

KERNEL = {"core"}
DECLARATIONS = {"data", "catalogue"}  # the table and the route list: below every domain
WEB = {"web"}
OUTSIDE_THE_LAYER = ("functions", "infra", "tests", "bench")


@dataclass(frozen=True)
class Import:
    source: str  # dotted module that imports, e.g. promptvault.prompts.service
    target: str  # dotted module imported, e.g. promptvault.core.errors
    names: tuple[str, ...]  # names taken from it (from-imports), else ()
    line: int


def _module_name(path: Path) -> str:
    relative = path.relative_to(ROOT / "layers" if path.is_relative_to(LAYER) else ROOT)
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports_of(path: Path) -> tuple[list[Import], list[tuple[str, str, int]]]:
    return _parse(path.read_text(), _module_name(path))


def _parse(text: str, source: str) -> tuple[list[Import], list[tuple[str, str, int]]]:
    """Every import of a module, and every ``alias._name`` use of an imported module."""
    tree = ast.parse(text)
    found: list[Import] = []
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(source, alias.name, (), node.lineno))
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = tuple(a.name for a in node.names)
            found.append(Import(source, node.module, names, node.lineno))
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    reaches = [
        (aliases[node.value.id], node.attr, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in aliases
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]
    return found, reaches


def _package(module: str) -> str | None:
    """The layer package a module belongs to: promptvault.prompts.service -> prompts."""
    parts = module.split(".")
    if parts[0] != "promptvault" or len(parts) < 2:
        return None
    return parts[1]


def _layer_files() -> list[Path]:
    return sorted(p for p in LAYER.rglob("*.py") if "__pycache__" not in p.parts)


def _all_imports() -> list[Import]:
    return [imp for path in _layer_files() for imp in _imports_of(path)[0]]


def _domains() -> set[str]:
    packages = {p.name for p in LAYER.iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in LAYER.glob("*.py") if p.stem != "__init__"}
    return (packages | modules) - KERNEL - DECLARATIONS - WEB


def _allowed(source: str, target: str) -> bool:
    if source == target:
        return True
    if source in KERNEL:
        return target in KERNEL
    if source in DECLARATIONS:
        return target in KERNEL
    if source in WEB:
        return True
    return target not in WEB  # a domain: kernel, declarations and other domains


def backward_arrows(imports: list[Import]) -> list[str]:
    wrong = []
    for imp in imports:
        source, target = _package(imp.source), _package(imp.target)
        if imp.target.split(".")[0] in OUTSIDE_THE_LAYER:
            wrong.append(f"{imp.source}:{imp.line} imports {imp.target} (outside the layer)")
        elif source and target and not _allowed(source, target):
            wrong.append(f"{imp.source}:{imp.line} ({source}) imports {imp.target} ({target})")
    return wrong


def package_loops(imports: list[Import]) -> list[list[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in imports:
        source, target = _package(imp.source), _package(imp.target)
        if source and target and source != target:
            graph[source].add(target)
    loops: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                loops.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return loops


def private_reaches(modules: list[tuple[str, str]]) -> list[str]:
    """``modules``: (dotted name, source text) pairs."""
    wrong = []
    for module, text in modules:
        imports, reaches = _parse(text, module)
        for imp in imports:
            if _package(imp.target) in (None, _package(imp.source)) and _package(imp.source):
                continue
            for name in imp.names:
                if name.startswith("_") and not name.startswith("__"):
                    wrong.append(f"{imp.source}:{imp.line} takes {imp.target}.{name}")
        for target, attr, line in reaches:
            if _package(target) is not None and _package(target) != _package(module):
                wrong.append(f"{module}:{line} reaches {target}.{attr}")
    return wrong


def test_the_layer_is_read_as_expected():
    assert {"core", "data", "catalogue", "web", "prompts", "streams"} <= (
        KERNEL | DECLARATIONS | WEB | _domains()
    )
    assert len(_all_imports()) > 200


def test_no_import_arrow_points_backwards():
    assert backward_arrows(_all_imports()) == []


def test_no_two_packages_of_the_layer_import_each_other():
    assert package_loops(_all_imports()) == []


def test_no_module_reaches_into_another_packages_private_names():
    paths = _layer_files() + sorted(FUNCTIONS.rglob("*.py"))
    assert private_reaches([(_module_name(p), p.read_text()) for p in paths]) == []


def foreign_repositories(imports: list[Import]) -> list[str]:
    """A domain's repository is its own: others call its service functions."""
    return [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for imp in imports
        if imp.target.endswith(".repository") and _package(imp.target) != _package(imp.source)
    ]


def test_no_domain_uses_another_domains_repository():
    assert foreign_repositories(_all_imports()) == []


def test_handlers_reach_the_table_only_through_a_domain():
    wrong = [
        f"{imp.source}:{imp.line} imports {imp.target}"
        for path in sorted(FUNCTIONS.rglob("*.py"))
        for imp in _imports_of(path)[0]
        if imp.target.startswith(("promptvault.data", "pynamodb", "boto3"))
        or imp.target.endswith(".repository")
    ]
    assert wrong == []


# The checks themselves must be able to fail: each is fed a known-bad shape.


def _imp(source: str, target: str, names: tuple[str, ...] = ()) -> Import:
    return Import(source, target, names, 1)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("promptvault.core.errors", "promptvault.prompts.service"),  # kernel -> domain
        ("promptvault.core.caller", "promptvault.data.models"),  # kernel -> declarations
        ("promptvault.data.models", "promptvault.users.profiles"),  # table -> domain
        ("promptvault.prompts.service", "promptvault.web.responses"),  # domain -> web
        ("promptvault.web.entry", "functions.prompts_get.route"),  # layer -> functions
        ("promptvault.streams.reindex", "infra.local.environment"),  # layer -> infra
    ],
)
def test_a_backward_arrow_is_caught(source, target):
    assert backward_arrows([_imp(source, target)]) != []


def test_a_foreign_repository_is_caught():
    imp = _imp("promptvault.engagement.service", "promptvault.prompts.repository")
    assert foreign_repositories([imp]) != []


def test_a_package_loop_is_caught():
    loop = [
        _imp("promptvault.identity.credentials", "promptvault.users.profiles"),
        _imp("promptvault.users.deletion", "promptvault.identity.accounts"),
    ]
    assert package_loops(loop) == [["identity", "users", "identity"]]


def test_a_private_reach_is_caught():
    text = (
        "from promptvault.prompts import service as prompts\n"
        "from promptvault.core.cursors import _mac\n"
        "now = prompts._snapshot\n"
    )
    found = private_reaches([("promptvault.engagement.service", text)])
    assert found == [
        "promptvault.engagement.service:2 takes promptvault.core.cursors._mac",
        "promptvault.engagement.service:3 reaches promptvault.prompts.service._snapshot",
    ]
