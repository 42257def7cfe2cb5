"""The README cannot rot: its Python blocks run, and every `orgsim` line in its tour succeeds."""

import os
import re
import shlex

import pytest

README = os.path.join(os.path.dirname(__file__), "..", "README.md")
TEXT = open(README, encoding="utf-8").read()
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, re.S)
ORGSIM_LINES = [ln.split("#")[0].strip() for block in re.findall(r"```sh\n(.*?)```", TEXT, re.S)
                for ln in block.splitlines() if ln.startswith("orgsim ")]


def test_the_readme_opens_with_the_two_commands():
    """The first code block is `make demo` and `make test`."""
    first = re.search(r"```sh\n(.*?)```", TEXT, re.S).group(1)
    assert [ln.split("#")[0].split() for ln in first.strip().splitlines()] == [["make", "demo"], ["make", "test"]]


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=lambda b: b.splitlines()[0][:40])
def test_python_blocks_run(block, capsys):
    """Each ```python block in the README executes without error."""
    exec(compile(block, "README.md", "exec"), {})
    assert capsys.readouterr().out


@pytest.mark.parametrize("line", ORGSIM_LINES)
def test_tour_commands_succeed(line, run):
    """Each `orgsim …` line of the README's tour exits 0 and prints something."""
    code, out, err = run(*shlex.split(line)[1:])
    assert code == 0, err
    assert out.strip()
