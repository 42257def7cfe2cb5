"""The house: orgsim's modules import one another one way only, and every module of the package imports."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parent.parent
#: top-level folder -> the package it is installed as (pyproject's package-dir)
ROOTS = {"orgsim": "orgsim", "events": "orgsim.events", "engine": "orgsim.engine",
         "scenarios": "orgsim.scenarios", "reports": "orgsim.reports"}
#: dependencies point one way: a layer may import only the layers at or before it
LAYERS = ["orgsim.events", "orgsim.engine", "orgsim.scenarios", "orgsim.reports", "orgsim"]


def _modules() -> dict[str, Path]:
    """Every Python module of the package, by its installed dotted name."""
    found = {}
    for folder, package in ROOTS.items():
        for path in sorted((REPO / folder).rglob("*.py")):
            parts = path.relative_to(REPO / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The orgsim modules `name` imports anywhere in its text (at the top, in functions or for type checking)."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            anchor = here[:len(here) - node.level + 1] if node.level else []
            base = ".".join([*anchor, *(node.module.split(".") if node.module else [])])
            # `from . import x` names a module x; `from .m import f` names module m
            bases = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for base in bases:
            while base and base not in modules:
                base = base.rpartition(".")[0]
            if base and base != name:
                targets.add(base)
    return targets


def _graph() -> nx.DiGraph:
    """orgsim's import graph: an edge from each module to each orgsim module it imports."""
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        graph.add_edges_from((name, target) for target in _imports(name, path, modules))
    return graph


def _layer(name: str) -> int:
    """The place of a module's layer in LAYERS (the CLI and the package's own modules come last)."""
    return max(i for i, layer in enumerate(LAYERS) if name == layer or name.startswith(layer + "."))


def test_no_two_modules_import_each_other():
    """No chain of imports among orgsim's modules comes back to where it started: not at the top of a module,
    not inside a function, not for type checking (the issue's columnar-parse, store view-export, synth and
    simulate-processes loops were each one of these)."""
    graph = _graph()
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], "\n".join(" -> ".join([*c, c[0]]) for c in cycles[:20])


def test_layers_point_one_way():
    """events <- engine <- scenarios, reports <- CLI: no module imports one of a later layer."""
    graph = _graph()
    backwards = sorted((a, b) for a, b in graph.edges if _layer(b) > _layer(a))
    assert backwards == []


def test_the_graph_sees_known_imports():
    """The graph is read from the source, not assumed: the store's view imports the store, the CLI the engine."""
    graph = _graph()
    assert graph.has_edge("orgsim.cli", "orgsim.engine.history")
    assert graph.number_of_edges() > 100


@pytest.mark.parametrize("name", sorted(m for m in _modules() if not m.endswith("__main__")))
def test_every_module_imports(name):
    """Each module of the package imports on its own (an import left pointing at a moved module fails here;
    ``__main__`` runs the command line, so it is left out)."""
    importlib.import_module(name)
