"""What each command loads: `--version` and `--help` start without the heavy libraries; `state` without graphs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "pyarrow", "networkx", "matplotlib")


def _loaded(*args: str) -> tuple[str, set[str]]:
    """Run the CLI in a fresh interpreter; its standard output and the heavy modules it imported."""
    probe = ("import sys, json, runpy\n"
             f"sys.argv = ['orgsim', *{list(args)!r}]\n"
             "try:\n    runpy.run_module('orgsim', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    return done.stdout, set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["state", "--help"], ["store", "--help"]])
def test_version_and_help_load_no_heavy_library(args):
    """`orgsim --version` and `--help` answer without importing pandas, NumPy, pyarrow, networkx or matplotlib."""
    out, loaded = _loaded(*args)
    assert out and "Traceback" not in out
    assert loaded == set()


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_state_loads_neither_graphs_nor_plots(fmt):
    """`orgsim state` answers (table or JSON) without importing networkx or matplotlib."""
    out, loaded = _loaded("state", "--at", "2009-06-14", "--format", fmt)
    assert "Collective Security Treaty Organization" in out
    assert not loaded & {"networkx", "matplotlib"}
