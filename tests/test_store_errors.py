"""Bad stores and bad input to the store: one line on stderr naming the file, and exit status 2."""

from __future__ import annotations

import os
import re
import sqlite3

import pytest

from .conftest import TINY


@pytest.fixture
def tiny_store(tmp_path, run):
    """A store holding the tiny log."""
    path = str(tmp_path / "t.sqlite")
    assert run("store", "init", "--store", path)[0] == 0
    assert run("store", "import", TINY, "--store", path)[0] == 0
    return path


def _one_line(result, fragment, code=2):
    status, out, err = result
    assert status == code and out == "", (status, out, err)
    assert len(err.strip().splitlines()) == 1 and err.startswith("orgsim: error: "), err
    assert fragment in err, err


def _unlocked(path):
    conn = sqlite3.connect(path)
    conn.executescript("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;")
    return conn


@pytest.mark.parametrize("args", [["state", "--at", "2000", "--log"], ["verify"], ["store", "export", "--store"],
                                  ["append", "--retract", "sg", "--store"]])
def test_a_file_that_is_not_a_database(tmp_path, run, args):
    """Random bytes named .sqlite: every command that opens it says so in one line naming the file."""
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(os.urandom(4096))
    _one_line(run(*args, str(bad)), f"{bad}: not a readable orgsim store (file is not a database)")


def test_a_truncated_store(tiny_store, run):
    """A store cut short: reading it fails with one line naming the file."""
    with open(tiny_store, "r+b") as fh:
        fh.truncate(os.path.getsize(tiny_store) // 2)
    _one_line(run("state", "--at", "2000", "--log", tiny_store), f"{tiny_store}: ")


def test_damaged_pages_are_caught_by_verify(tiny_store, run):
    """Garbage over the data pages: verify fails in one line naming the file (no traceback)."""
    with open(tiny_store, "r+b") as fh:
        fh.seek(4096)
        fh.write(b"\xff" * 8192)
    status, out, err = run("verify", tiny_store)
    assert status == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert re.match(f"orgsim: error: {re.escape(tiny_store)}: (not a readable orgsim store|the SQLite file is "
                    "damaged)", err), err


def test_an_sqlite_database_that_is_not_a_store(tmp_path, run):
    """Another program's SQLite file is refused, not modified."""
    other = tmp_path / "other.db"
    sqlite3.connect(other).executescript("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
    _one_line(run("verify", str(other)), "an SQLite database, but not an orgsim store")


def test_a_store_written_by_a_newer_schema(tiny_store, run):
    """A store from a newer orgsim is refused with both schema numbers."""
    sqlite3.connect(tiny_store).executescript("UPDATE schema_version SET version = 99;")
    _one_line(run("state", "--at", "2000", "--log", tiny_store),
              f"{tiny_store}: written by a newer orgsim (store schema 99; this orgsim reads up to 1)")


def test_missing_store_folder_and_existing_file(tmp_path, run):
    """No store, a folder, or init over an existing file: each one line naming the path."""
    _one_line(run("verify", "--store", str(tmp_path / "none.sqlite")), "no store here (create one with")
    folder = tmp_path / "dir.sqlite"
    folder.mkdir()
    _one_line(run("verify", str(folder)), "is a folder, not a store")
    existing = tmp_path / "x.sqlite"
    existing.write_text("")
    _one_line(run("store", "init", "--store", str(existing)), "already exists")
    _one_line(run("store", "init", "--store", str(tmp_path / "no" / "x.sqlite")), "cannot create the store: no folder")


def test_an_empty_store_has_no_log(tmp_path, run):
    """A store just created holds no log: engine commands say how to import one."""
    path = str(tmp_path / "e.sqlite")
    run("store", "init", "--store", path)
    _one_line(run("state", "--at", "2000", "--log", path), "the store holds no log yet")
    _one_line(run("append", "--retract", "sg", "--store", path), "the store holds no log yet")


def test_importing_another_log_or_a_broken_one(tiny_store, run, write_log):
    """A different log into a store, or a log with a bad event: one line naming the file and line."""
    other = write_log("", name="other.yaml")
    _one_line(run("store", "import", other, "--store", tiny_store), "the store holds log 'tiny'")
    broken = write_log("- id: x\n  date: '2009-02-30'\n  kind: accession\n", name="broken.yaml")
    _one_line(run("store", "import", broken, "--store", tiny_store), f"{broken}:13: event 'x': ")


def test_as_recorded_before_anything_was_recorded(tiny_store, run):
    """A time before the first row: nothing to answer from, said with the time of the first row."""
    _one_line(run("state", "--at", "2000", "--log", tiny_store, "--as-recorded", "2001"),
              "nothing was recorded by 2001-01-01T23:59:59.999999Z (its first row was recorded at")


def test_bad_snippets(tiny_store, run, tmp_path):
    """Two events, broken YAML, or a payload with a key JSON cannot hold: one line each, nothing written."""
    cases = {"two.yaml": ("- {id: a}\n- {id: b}\n", "give one event"),
             "broken.yaml": ("id: [x\n", "broken.yaml:"),
             "keys.yaml": ("{id: k, date: '2010', kind: statement, target: TA, payload: {1: one},\n"
                           " sources: [{source: notes, line: 1, quote: q, gloss: g}]}\n", "key 1 is not text")}
    for name, (text, fragment) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        _one_line(run("append", "-f", str(tmp_path / name), "--store", tiny_store), fragment)
    _one_line(run("append", "--id", "a", "--source", "notes", "--store", tiny_store), "use SOURCE:LINE")
    _one_line(run("append", "--id", "a", "--payload", "novalue", "--store", tiny_store), "use KEY=VALUE")
    assert "13 rows" in run("verify", tiny_store)[1]


def test_a_row_whose_content_is_not_json(tiny_store, run):
    """A row edited into non-JSON: engine commands refuse the store and point to verify, which names the row."""
    _unlocked(tiny_store).executescript("UPDATE events SET content = '{oops' WHERE seq = 5;")
    _one_line(run("state", "--at", "2000", "--log", tiny_store), "row 5 (event 'council', version 1) was changed: "
                                                                 "its content or record no longer matches its hash "
                                                                 "(the hash chain is broken; see `orgsim verify`)")
    _one_line(run("verify", tiny_store), "row 5 (event 'council', version 1) was changed: its content is not valid "
                                         "JSON", code=1)


def test_an_edited_export_is_refused(tiny_store, run, tmp_path):
    """An export changed by hand fails verify and import, naming the row and the way out."""
    out = tmp_path / "e.yaml"
    run("store", "export", "--store", tiny_store, "-o", str(out))
    out.write_text(out.read_text(encoding="utf-8").replace("quote: council", "quote: kouncil"), encoding="utf-8")
    _one_line(run("verify", str(out)), "row 5 (event 'council', version 1) was changed", code=1)
    fresh = str(tmp_path / "f.sqlite")
    run("store", "init", "--store", fresh)
    _one_line(run("store", "import", str(out), "--store", fresh), "remove `record:` to import the file as a new log")
