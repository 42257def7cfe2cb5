"""Shared fixtures: the bundled CSTO history, the tiny test log, and a CLI runner."""

from __future__ import annotations

import os
import textwrap

import pytest
from click.testing import CliRunner
from hypothesis import settings

# CI runs the properties on a fixed seed so a run is reproducible; locally every run explores anew
# (and replays from .hypothesis/ what failed before). Test settings must not set `derandomize` or
# `database` themselves: they inherit these (tests/test_fuzz.py checks it).
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("dev", derandomize=False)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

from orgsim.cli import cli
from orgsim.engine.history import History

HERE = os.path.dirname(__file__)
TINY = os.path.join(HERE, "fixtures", "tiny.yaml")
SEED = os.path.join(HERE, "..", "..", "shared", "seeds", "000_8ab9e1a82047c36f.txt")


@pytest.fixture(scope="session")
def csto() -> History:
    """The bundled CST/CSTO history."""
    return History.load_bundled("csto")


@pytest.fixture(scope="session")
def tiny() -> History:
    """The tiny invented alliance used to test the engine in isolation."""
    return History.load(TINY)


@pytest.fixture
def run():
    """Run the orgsim CLI in-process; returns (exit code, stdout, stderr)."""
    runner = CliRunner()

    def _run(*args: str):
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return _run


@pytest.fixture
def write_log(tmp_path):
    """Write a log from a header-less list of YAML events, returning its path."""

    def _write(events_yaml: str, name: str = "log.yaml") -> str:
        head = textwrap.dedent("""\
            orgsim_log: 2
            id: t
            organization: TA
            entities: {organizations: {TA: {name: Test Alliance}}}
            sources: {notes: {file: notes.txt}}
            events:
            - id: ta-signed
              date: "1990"
              kind: treaty_signed
              actors: [FRA, DEU]
              target: TA
              sources: [{source: notes, line: 1, quote: q, gloss: g}]
            """)
        path = tmp_path / name
        path.write_text(head + textwrap.dedent(events_yaml), encoding="utf-8")
        # The invented source these events cite: every line says "q", so `validate` finds each quote.
        (tmp_path / "notes.txt").write_text("q\n" * 200, encoding="utf-8")
        return str(path)

    return _write
