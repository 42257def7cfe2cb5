"""Every docstring example in orgsim runs, imported by its installed name; every package has some."""

import doctest
import importlib
import pkgutil

import pytest

import orgsim

PACKAGES = ("orgsim", "orgsim.events", "orgsim.engine", "orgsim.scenarios", "orgsim.reports")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _modules() -> list[str]:
    names = set(PACKAGES)
    for pkg in PACKAGES:
        module = importlib.import_module(pkg)
        names |= {m.name for m in pkgutil.walk_packages(module.__path__, pkg + ".")
                  if not m.name.endswith("__main__")}
    return sorted(names)


def _examples(name: str) -> int:
    """How many examples the module's docstrings hold (its own objects only, not imported ones)."""
    return sum(len(t.examples) for t in doctest.DocTestFinder().find(importlib.import_module(name)))


MODULES = _modules()
WITH_EXAMPLES = [m for m in MODULES if _examples(m)]


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples(name):
    """The module's doctests pass, and every one of its examples was tried."""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=FLAGS)
    assert result.failed == 0 and result.attempted == _examples(name) > 0


def test_every_package_is_walked_and_has_examples():
    """The walk reaches all five packages, subpackages included, and each holds docstring examples."""
    assert {"orgsim.events.importers", "orgsim.scenarios.branch", "orgsim.reports.panel"} <= set(MODULES)
    def package(name: str) -> str:
        return max((p for p in PACKAGES if name == p or name.startswith(p + ".")), key=len)

    for pkg in PACKAGES:
        assert sum(_examples(m) for m in WITH_EXAMPLES if package(m) == pkg) > 0, pkg
    assert sum(_examples(m) for m in WITH_EXAMPLES) >= 40
