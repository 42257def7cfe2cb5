"""Every docstring example in orgsim runs, imported by its installed name."""

import doctest
import importlib
import pkgutil

import pytest

import orgsim
import orgsim.engine
import orgsim.events

MODULES = sorted({m.name for pkg in (orgsim, orgsim.events, orgsim.engine)
                  for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")
                  if not m.name.endswith("__main__")} | {"orgsim", "orgsim.reports.words", "orgsim.reports.style"})


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    """The module's doctests pass."""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
