"""The store on the command line: init, import, append, verify, export, and engine commands reading it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from orgsim.events import bundled_log_path

from .conftest import TINY


@pytest.fixture
def store(tmp_path, monkeypatch, run):
    """A store holding the tiny log, as ./orgsim.sqlite in a fresh folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ORGSIM_STORE", raising=False)
    assert run("store", "init")[0] == 0
    assert run("store", "import", TINY)[0] == 0
    return str(tmp_path / "orgsim.sqlite")


def _orgsim(*args, cwd):
    return subprocess.run([sys.executable, "-m", "orgsim", *args], capture_output=True, text=True, cwd=cwd)


def test_init_import_verify_then_a_hand_edit_is_named(tmp_path):
    """`store init && store import csto && verify` passes; one row altered through SQLite fails verify, naming it."""
    for args in (["store", "init"], ["store", "import", bundled_log_path()], ["verify"]):
        done = _orgsim(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    from orgsim.engine.history import History
    rows = 1 + len(History.load_bundled("csto").log.events)  # a header row and one row per event
    assert "chain intact" in done.stdout and f"{rows} rows" in done.stdout
    conn = sqlite3.connect(tmp_path / "orgsim.sqlite")  # what someone with the sqlite3 tool could do
    conn.executescript("DROP TRIGGER events_no_update; UPDATE events SET content = replace(content, "
                       "'\"2012-12\"', '\"2013-01\"') WHERE event_id = 'uzb-suspended-2012';")
    conn.close()
    done = _orgsim("verify", cwd=tmp_path)
    assert done.returncode == 1 and "event 'uzb-suspended-2012', version 1) was changed" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_engine_commands_read_a_store_and_give_the_same_log_hash(store, run):
    """`state --log STORE` answers as from the YAML log, with the same log_hash in its JSON."""
    _, from_yaml, _ = run("state", "--at", "2006", "--log", TINY, "--format", "json")
    code, from_store, _ = run("state", "--at", "2006", "--log", store, "--format", "json")
    assert code == 0 and json.loads(from_store) == json.loads(from_yaml)
    assert len(json.loads(from_store)["log_hash"]) == 64
    code, out, _ = run("validate", store, "--sources-path", os.path.dirname(TINY))  # the store is elsewhere
    assert code == 0 and out.startswith(f"ok: {store}: 12 events")


def test_append_from_flags_then_as_recorded_before_it(store, run):
    """An event appended from flags is in the log now, and not in the log as recorded before it."""
    code, out, err = run("append", "--id", "che-joins", "--date", "2010-05", "--kind", "accession",
                         "--actor", "CHE", "--target", "TA", "--source", "notes:12", "--quote", "q", "--gloss", "g")
    assert code == 0 and out.startswith("appended event 'che-joins' as row 14; store version 14"), err
    _, rows, _ = run("store", "rows", "--format", "json")
    before = json.loads(rows)[-2]["recorded_at"]
    _, now, _ = run("state", "--at", "2011", "--log", store, "--format", "json")
    _, then, _ = run("state", "--at", "2011", "--log", store, "--as-recorded", before, "--format", "json")
    assert "CHE" in {m["id"] for m in json.loads(now)["members"]}
    assert "CHE" not in {m["id"] for m in json.loads(then)["members"]}
    assert json.loads(now)["log_hash"] != json.loads(then)["log_hash"]


def test_append_a_snippet_and_correct_it(store, run, tmp_path):
    """A YAML snippet appends; the same id again needs --correct, which records version 2."""
    snippet = tmp_path / "e.yaml"
    snippet.write_text(textwrap.dedent("""\
        - id: che-joins
          date: "2010-05"
          kind: accession
          actors: [CHE]
          target: TA
          sources: [{source: notes, line: 12, quote: q, gloss: g}]
        """), encoding="utf-8")
    assert run("append", "-f", str(snippet))[0] == 0
    code, _, err = run("append", "-f", str(snippet))
    assert code == 2 and "already in the store; record a new version with --correct" in err
    snippet.write_text(snippet.read_text().replace("2010-05", "2010-06"), encoding="utf-8")
    code, out, _ = run("append", "-f", str(snippet), "--correct")
    assert code == 0 and out.startswith("appended correction 'che-joins' as row 15")
    _, rows, _ = run("store", "rows", "--id", "che-joins", "--format", "json")
    assert [r["version"] for r in json.loads(rows)] == [1, 2]


def test_an_append_that_contradicts_the_state_is_refused(store, run, tmp_path):
    """A withdrawal by a non-member: one line naming the snippet, its line and the event; nothing written."""
    snippet = tmp_path / "bad.yaml"
    snippet.write_text("# a comment\nid: che-leaves\ndate: '2010'\nkind: withdrawal\nactors: [CHE]\ntarget: TA\n"
                       "sources: [{source: notes, line: 1, quote: q, gloss: g}]\n", encoding="utf-8")
    code, out, err = run("append", "-f", str(snippet))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith(f"orgsim: error: {snippet}:2: event 'che-leaves': CHE is not a member of TA")
    assert run("verify")[1].count("13 rows") == 1


def test_an_append_that_breaks_a_later_event_is_refused(store, run):
    """Retracting the founding treaty would leave later events without their organization."""
    code, _, err = run("append", "--retract", "ta-signed")
    assert code == 2 and "retracting 'ta-signed' would break the log:" in err


def test_expect_version_conflict_exits_3(store, run):
    """A writer that states an old version gets exit 3 and a clear message; nothing is written."""
    code, _, err = run("append", "--retract", "sg", "--expect-version", "12")
    assert code == 3 and "the store is at version 13, not 12" in err and "nothing was written" in err
    assert run("append", "--retract", "sg", "--expect-version", "13", "--note", "no such office")[0] == 0


def test_export_and_verify_an_export(store, run, tmp_path):
    """`store export -o` writes a log every command reads; verify checks its record."""
    code, _, _ = run("store", "export", "-o", "e.yaml")
    assert code == 0
    code, out, _ = run("verify", "e.yaml")
    assert code == 0 and "13 rows" in out
    _, a, _ = run("state", "--at", "2006", "--log", "e.yaml", "--format", "json")
    _, b, _ = run("state", "--at", "2006", "--log", store, "--format", "json")
    assert json.loads(a) == json.loads(b)
    code, out, _ = run("verify", TINY)
    assert code == 0 and "a log with no record" in out


def test_reimporting_an_edited_log_records_a_correction(store, run, tmp_path):
    """Importing the edited YAML log again appends one correction, and as recorded before, the old date holds."""
    edited = tmp_path / "tiny.yaml"
    edited.write_text(open(TINY, encoding="utf-8").read().replace('"2008~"', '"2009~"'), encoding="utf-8")
    code, out, _ = run("store", "import", str(edited))
    assert code == 0 and "1 correction" in out
    assert run("store", "import", str(edited))[1].startswith("nothing to import")


def test_the_store_path_comes_from_the_environment(tmp_path, monkeypatch, run):
    """ORGSIM_STORE names the store when --store is not given."""
    monkeypatch.setenv("ORGSIM_STORE", str(tmp_path / "env.db"))
    assert run("store", "init")[0] == 0 and os.path.exists(tmp_path / "env.db")


def test_the_readme_store_commands_run_in_order(tmp_path, monkeypatch, run):
    """The README's store block runs line by line in a fresh folder (its event.yaml is a correction)."""
    import re
    import shlex

    import yaml

    from orgsim.events import load_log
    from orgsim.events.canonical import event_content

    readme = open(os.path.join(os.path.dirname(__file__), "..", "README.md"), encoding="utf-8").read()
    block = re.search(r"## The event store.*?```bash\n(.*?)```", readme, re.S).group(1)
    lines = [shlex.split(ln.split("#")[0]) for ln in block.splitlines() if ln.startswith("orgsim ")]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ORGSIM_STORE", raising=False)
    event = event_content(load_log(bundled_log_path()).event("uzb-suspended-2012"))
    (tmp_path / "event.yaml").write_text(yaml.safe_dump({**event, "confidence": "medium"}, allow_unicode=True),
                                         encoding="utf-8")
    for args in lines:
        args = [bundled_log_path() if a == "events/logs/csto.yaml" else a for a in args[1:]]
        if "--as-recorded" in args:  # the README's date stands for "before the correction"
            first = json.loads(run("store", "rows", "--format", "json")[1])[1]["recorded_at"]
            args[args.index("--as-recorded") + 1] = first
        if "--head" in args:  # the README's HASH and row count stand for a head printed earlier: row N's
            rows = json.loads(run("store", "rows", "--format", "json")[1])
            n = min(int(args[args.index("--rows") + 1]), len(rows))
            args[args.index("--rows") + 1] = str(n)
            args[args.index("--head") + 1] = rows[n - 1]["hash"]
        code, out, err = run(*args)
        assert code == 0 and out.strip(), (args, err)
