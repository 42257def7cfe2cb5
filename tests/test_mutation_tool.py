"""`make mutation`'s line-first test selection (tools/mutant_tests.py): what a mutant is given to run, first."""

from __future__ import annotations

import doctest
import json
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parent.parent / "tools"
sys.path.insert(0, str(TOOLS))

import mutant_tests  # noqa: E402
import mutation  # noqa: E402

SOURCE = '''\
import dataclasses


@dataclasses.dataclass(frozen=True)
class Span:
    lo: int
    hi: int


def inside(span, day):
    if (span.lo <= day
            and day <= span.hi):
        return True
    try:
        return int(day) > 0
    except ValueError:
        return False
'''


def test_a_mutant_inside_a_long_condition_is_found_by_its_statements_first_line():
    """Coverage records an `if` written over two lines by its first; a mutant on the second maps there."""
    mutated = SOURCE.replace("and day <= span.hi", "and day < span.hi")
    assert mutant_tests.changed_lines(SOURCE, mutated) == [12]
    assert mutant_tests.statement_lines(SOURCE, [12]) == {11}


def test_an_except_clause_and_a_decorator_are_told_apart():
    """A mutated `except` maps to its own line; a decorator belongs to no statement, so no test is picked."""
    assert mutant_tests.statement_lines(SOURCE, [16]) == {16}
    assert mutant_tests.statement_lines(SOURCE, [4]) == set()


def _recorded(tmp_path, monkeypatch, lines: dict[str, list[int]]) -> Path:
    out, tree = tmp_path / "out", tmp_path / "tree"
    out.mkdir()
    (tree / "events").mkdir(parents=True)
    monkeypatch.setattr(mutant_tests, "OUT", out)
    monkeypatch.setitem(mutant_tests.MODULES, "toy", ("events/toy.py", None, "tests/test_toy.py"))
    order = ["tests/test_toy.py::test_a", "tests/test_toy.py::test_b", "tests/test_toy.py::test_c"]
    (out / "toy.lines.json").write_text(json.dumps({"source": SOURCE, "order": order, "lines": lines}))
    return tree


def test_a_mutant_is_given_the_tests_that_ran_its_line_in_the_selections_order(tmp_path, monkeypatch):
    """Tests recorded for the mutated statement come first, in the order the selection runs them."""
    tree = _recorded(tmp_path, monkeypatch, {"11": [2, 0], "15": [1]})
    (tree / "events" / "toy.py").write_text(SOURCE.replace("and day <= span.hi", "or day <= span.hi"))
    assert mutant_tests.tests_for("toy", tree) == ["tests/test_toy.py::test_a", "tests/test_toy.py::test_c"]


def test_a_mutant_on_a_line_no_test_ran_is_given_none_first(tmp_path, monkeypatch):
    """An unrecorded line (run only at import, or in a subprocess) picks nothing: the whole selection decides."""
    tree = _recorded(tmp_path, monkeypatch, {"11": [0]})
    (tree / "events" / "toy.py").write_text(SOURCE.replace("except ValueError:", "except TypeError:"))
    assert mutant_tests.tests_for("toy", tree) == []


@pytest.mark.parametrize("module", [mutation, mutant_tests])
def test_the_tools_examples_run(module):
    """The docstring examples of tools/mutation.py and tools/mutant_tests.py hold."""
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
