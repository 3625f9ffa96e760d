"""Imports point down the layers, and no module of ``src/ledger`` takes part in a cycle.

The layers, lowest first (DESIGN.md, "Layers are folders, and imports point down"):

1. ``domain``, with the foundations ``settings``, ``db`` and ``collector``: they import
   nothing of Ledger above them, and the domain nothing of Ledger but itself.
2. ``audit``, ``projections`` and ``access``, with the storage modules ``store``, ``schema``
   and ``migrate``: they read and write tables, never run commands.
3. ``application``: the commands, over the event store.
4. ``services``: the container of the long-lived objects a process holds.
4½. ``pack``: the board pack (cut, rendered, verified), shared by the edges below it.
5. ``api``, ``ui``, ``demo`` and ``witness``: the edges; none imports another edge.
6. The composition root, ``bootstrap`` (engines, ledger, projector, scheduler, services)
   and ``web`` (the app factory that mounts the API and the UI).
7. The entry points, ``cli`` and every ``__main__`` module: they only call the root.

Packages of one layer may import each other only in the foundations, storage and the root
(layers 1, 2 and 6); the edges never import each other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

SOURCE = Path(__file__).parents[1] / "src" / "ledger"

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"domain", "settings", "db", "collector"}),
    frozenset({"audit", "projections", "access", "feeds", "store", "schema", "migrate"}),
    frozenset({"application"}),
    frozenset({"services"}),
    frozenset({"pack"}),  # the board pack, which the API, the pages and the CLI all render
    frozenset({"api", "ui", "demo", "witness"}),
    frozenset({"bootstrap", "web"}),
    frozenset({"cli", "__main__"}),
)
SHARED_LAYERS = frozenset({0, 1, 6})  # packages of these layers may import each other
TOP = "ledger"  # the package's own __init__ (its version) sits below everything


def _modules() -> dict[str, Path]:
    modules = {}
    for path in SOURCE.rglob("*.py"):
        parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _imports(path: Path, known: set[str]) -> Iterator[str]:
    """Every Ledger module ``path`` imports, at the top or inside a function."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # `from ledger.x import y` imports y's module when y is one, else ledger.x.
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known
                     else node.module for alias in node.names]
        else:
            continue
        yield from (name for name in names if name in known)


def _graph() -> dict[str, set[str]]:
    """Each module and the Ledger modules it imports."""
    modules = _modules()
    return {module: set(_imports(path, set(modules))) - {module}
            for module, path in modules.items()}


def _edges() -> Iterator[tuple[str, str]]:
    return ((importer, imported) for importer, targets in _graph().items()
            for imported in targets)


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (the modules around it), or [] when there is none."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        return list(error.args[1])
    return []


def _layer(module: str) -> int | None:
    if module == TOP:
        return -1
    if module.endswith(".__main__"):
        return len(LAYERS) - 1
    package = module.split(".")[1]
    return next((index for index, names in enumerate(LAYERS) if package in names), None)


def _package(module: str) -> str:
    """The top-level package or module; an entry point (``__main__``) stands alone."""
    if module == TOP or module.endswith(".__main__"):
        return module
    return module.split(".")[1]


def test_every_package_has_a_layer() -> None:
    for module in _modules():
        assert _layer(module) is not None, module


def test_imports_point_down_the_layers() -> None:
    upward = []
    for importer, imported in _edges():
        if _package(importer) == _package(imported):
            continue
        here, there = _layer(importer), _layer(imported)
        assert here is not None and there is not None
        if there > here or (there == here and here not in SHARED_LAYERS):
            upward.append(f"{importer} -> {imported}")
    assert upward == []


def test_the_domain_imports_nothing_else_of_ledger() -> None:
    assert [f"{a} -> {b}" for a, b in _edges()
            if _package(a) == "domain" and _package(b) != "domain"] == []


def test_no_module_takes_part_in_an_import_cycle() -> None:
    assert _cycle(_graph()) == []


def test_no_package_takes_part_in_an_import_cycle() -> None:
    packages: dict[str, set[str]] = {}
    for importer, imported in _edges():
        if _package(importer) != _package(imported):
            packages.setdefault(_package(importer), set()).add(_package(imported))
    assert _cycle(packages) == []
