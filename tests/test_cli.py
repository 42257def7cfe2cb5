"""The command line: formats, filters, sources, and one-line errors with exit status 2."""

import csv
import io
import json
import subprocess
import sys

import pytest

from .conftest import TINY


def test_state_json_has_members_with_id_and_status(run):
    """`state --format json` has a top-level members list of {id, status, since, event}."""
    code, out, _ = run("state", "--at", "1993-07", "--log", TINY, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["date"] == "1993-07"
    assert {(m["id"], m["status"]) for m in data["members"]} == {
        ("FRA", "member"), ("DEU", "member"), ("BEL", "member"), ("NLD", "member")}
    assert data["organization"]["name"] == "Test Alliance"


def test_state_table_is_readable(run):
    """The default table names the organization, the date, the counts and each member."""
    code, out, _ = run("state", "--at", "2006", "--log", TINY)
    assert code == 0
    assert "Test Alliance (TA) on 2006: treaty in force; 3 member, 1 suspended" in out
    assert "Netherlands" in out and "2005-12" in out


def test_events_csv_has_one_row_per_event(run):
    """`events --format csv` has the columns researchers filter on, one row per event."""
    code, out, _ = run("events", "--log", TINY, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 12
    assert list(rows[0])[:6] == ["id", "date", "kind", "actors", "target", "source_line"]
    assert rows[1]["date"] == "1990-11" and rows[0]["actors"] == "FRA DEU BEL"


def test_events_filters(run):
    """--from/--to/--kind/--actor narrow the list; --to 1991 includes all of 1991."""
    _, out, _ = run("events", "--log", TINY, "--format", "json", "--from", "1990-06", "--to", "1991")
    assert [e["id"] for e in json.loads(out)] == ["nld-accession", "ta-in-force", "council"]
    _, out, _ = run("events", "--log", TINY, "--format", "json", "--actor", "NLD", "--kind", "suspension")
    assert [e["id"] for e in json.loads(out)] == ["bra-suspended"]


def test_diff_and_timeline(run):
    """diff names changed memberships; timeline lists each state's statuses in order."""
    _, out, _ = run("diff", "2000", "2006", "--log", TINY, "--format", "json")
    assert any(c["key"] == ["member", "TA", "NLD"] and c["after"] == "suspended" for c in json.loads(out)["changes"])
    _, out, _ = run("timeline", "--log", TINY, "--format", "csv")
    assert "NLD,signatory 1990-11 → member 1991 → suspended 2005-12 → member 2008~" in out


def test_sources_and_conflicts(run):
    """sources shows the quote and gloss; conflicts shows both readings, lines, default and reason."""
    _, out, _ = run("sources", "nld-back", "--log", TINY, "--format", "json")
    assert json.loads(out)["sources"][0] == {"file": "notes.txt", "line": 11, "quote": "back", "gloss": "back"}
    _, out, _ = run("conflicts", "--log", TINY, "--format", "json")
    (c,) = json.loads(out)
    assert [(r["id"], r["lines"], r["default"]) for r in c["readings"]] == [
        ("suspended", [9], True), ("withdrew", [10], False)]
    assert c["reason"]


@pytest.mark.parametrize("args, fragment", [
    (["state", "--at", "June 2009"], "not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
    (["state", "--at", "2009-02-30"], "day is out of range"),
    (["state", "--at", "2009", "--reading", "nonsense"], "use CONFLICT=READING"),
    (["state", "--at", "2009", "--reading", "c-exit=maybe"], "has no reading 'maybe'"),
    (["sources", "no-such-event"], "no event 'no-such-event'"),
    (["events", "--kind", "coup"], "not a kind"),
])
def test_bad_arguments_get_one_line_and_exit_2(run, args, fragment):
    """Bad dates, readings, ids and kinds: one stderr line, exit 2."""
    code, out, err = run(*args, "--log", TINY)
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1 and out == ""


def test_the_installed_console_script_runs():
    """`orgsim` as installed (not just in-process) answers and fails as documented."""
    exe = [sys.executable, "-m", "orgsim"]
    ok = subprocess.run(exe + ["state", "--at", "1995", "--log", TINY, "--format", "json"], capture_output=True,
                        text=True)
    assert ok.returncode == 0 and json.loads(ok.stdout)["members"]
    bad = subprocess.run(exe + ["state", "--at", "soon", "--log", TINY], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("orgsim: error: ") and "'soon'" in bad.stderr
