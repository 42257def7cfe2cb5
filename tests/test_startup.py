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


def test_progress_is_silent_when_not_a_terminal(tmp_path):
    """Piped, `store import` and `validate` print exactly their results: no spinner, no control characters."""
    store = str(tmp_path / "s.sqlite")
    for args in (["store", "init", "--store", store], ["store", "import", "--store", store,
                                                      _bundled()], ["validate"]):
        done = subprocess.run([sys.executable, "-m", "orgsim", *args], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and done.stderr == "" and "\x1b" not in done.stdout


def test_progress_is_drawn_on_a_terminal():
    """On a terminal, a long command shows what it is doing on standard error, and takes it away at the end."""
    import os
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: stdout and stderr are the terminal
        os.execv(sys.executable, [sys.executable, "-m", "orgsim", "validate"])
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.waitpid(pid, 0)
    assert b"replaying" in seen or b"loading" in seen
    assert b"ok: " in seen


def _bundled() -> str:
    from orgsim.events import bundled_log_path

    return bundled_log_path()
