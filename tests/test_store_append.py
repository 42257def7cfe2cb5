"""`orgsim append` of one new event reads only what the event touches, and decides as a whole replay would."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from orgsim.events.canonical import log_hash
from orgsim.events.load import load_any
from orgsim.events.store.chain import Store

from .conftest import TINY


@pytest.fixture
def store(tmp_path, monkeypatch, run):
    """A store holding the tiny log (last event: NLD's membership attested in 2009)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ORGSIM_STORE", raising=False)
    assert run("store", "init")[0] == 0
    assert run("store", "import", TINY)[0] == 0
    return str(tmp_path / "orgsim.sqlite")


def _without_kept_state(path: str, to: str) -> str:
    """A copy of the store with the kept replayed state dropped: its appends read and replay every row."""
    shutil.copy(path, to)
    conn = sqlite3.connect(to)
    conn.execute("DROP TABLE kept")
    conn.commit()
    conn.close()
    return to


def _no_whole_read(monkeypatch):
    def refuse(self, until=None):
        raise AssertionError("the whole store was read")

    monkeypatch.setattr(Store, "rows", refuse)


LATER = ("--id", "fra-leaves", "--date", "2012-03", "--kind", "withdrawal", "--actor", "FRA", "--target", "TA",
         "--rationale", "invented")


def test_a_later_event_is_appended_without_reading_the_store(store, run, monkeypatch):
    """After an import, appending an event dated after every other reads no row but the newest; the store then
    holds the same log, with the log hash printed, as a whole read would give."""
    with monkeypatch.context() as m:
        _no_whole_read(m)
        code, out, err = run("append", *LATER)
        assert code == 0, err
        # ... and again on the state that append kept
        code, out, err = run("append", "--id", "fra-back", "--date", "2013", "--kind", "readmission",
                             "--actor", "FRA", "--target", "TA", "--rationale", "invented")
        assert code == 0, err
    log = load_any(store)
    assert log_hash(log) in run("verify", store)[1]
    assert f"log hash {log_hash(log)[:16]}" in out
    assert [e.id for e in log.events[-2:]] == ["fra-leaves", "fra-back"]


def test_the_kept_state_refuses_what_a_replay_refuses_in_the_same_words(store, run, tmp_path):
    """FRA cannot leave twice: the appends with and without the kept state fail alike, and nothing is written."""
    plain = _without_kept_state(store, str(tmp_path / "plain.sqlite"))
    for path in (store, plain):
        assert run("append", *LATER, "--store", path)[0] == 0
    again = ("--id", "fra-leaves-again", "--date", "2012-04", "--kind", "withdrawal", "--actor", "FRA",
             "--target", "TA", "--rationale", "invented")
    fast, slow = run("append", *again, "--store", store), run("append", *again, "--store", plain)
    assert fast[0] == slow[0] == 2
    assert fast[2] == slow[2] and "FRA is not a member of TA on 2012-04: its status is withdrawn" in fast[2]
    assert "14 rows" in run("verify", store)[1]


def test_an_event_dated_before_the_last_is_checked_against_every_later_event(store, run, monkeypatch):
    """NLD is readmitted in 2008 in the log: a readmission in 2007 would make that one fail, so it is refused
    naming the later event (the state kept after the last event is no judge of an earlier date)."""
    code, _out, err = run("append", "--id", "nld-early", "--date", "2007", "--kind", "readmission",
                          "--actor", "NLD", "--target", "TA", "--rationale", "invented")
    assert code == 2 and "would break the log" in err and "nld-back" in err


def test_a_kept_state_this_user_did_not_sign_is_not_trusted(store, run, monkeypatch, tmp_path):
    """Another user's key (another cache folder) does not open the kept state: the append reads everything."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    with monkeypatch.context() as m:
        _no_whole_read(m)
        with pytest.raises(AssertionError, match="the whole store was read"):
            run("append", *LATER)
    assert run("append", *LATER)[0] == 0
    assert "fra-leaves" in load_any(store).by_id


def test_a_duplicate_id_is_refused_without_a_whole_read(store, run, monkeypatch):
    """An id already in the store is found through the index: one line, exit 2."""
    with monkeypatch.context() as m:
        _no_whole_read(m)
        code, _out, err = run("append", "--id", "attest", "--date", "2012", "--kind", "withdrawal",
                              "--actor", "FRA", "--target", "TA", "--rationale", "invented")
    assert code == 2 and "event 'attest' is already in the store; record a new version with --correct" in err


@pytest.mark.parametrize("seq", [1, 13], ids=["header", "newest row"])
def test_a_changed_row_that_the_append_reads_is_refused(store, run, seq):
    """The header and the newest row are checked against their hashes before the kept state is used: a row
    edited through SQLite makes the append refuse the store (naming the row), and write nothing."""
    conn = sqlite3.connect(store)
    conn.executescript(f"DROP TRIGGER events_no_update; UPDATE events SET content = replace(content, "
                       f"'\"id\":', '\"id\" :') WHERE seq = {seq};")
    conn.close()
    code, _out, err = run("append", *LATER)
    assert code == 2 and f"row {seq} " in err and "the hash chain is broken" in err
    with Store.open(store) as st:
        assert st.version == 13
