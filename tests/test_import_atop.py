"""Importing ATOP 5.1's member-level file: dates at their precision, phases, and provisions as rules."""

import os

import pytest
from orgsim.engine.history import History
from orgsim.events import load_log_text
from orgsim.events.importers import log_yaml
from orgsim.events.importers.atop import atop_logs, read_atop
from orgsim.scenarios.rules import rules_of_type

HERE = os.path.dirname(__file__)
FIXTURE = os.path.join(HERE, "fixtures", "atop_4220")
DATA = os.path.join(HERE, "..", "..", "shared", "data")
REAL = os.path.join(DATA, "atop-5.1")
needs_data = pytest.mark.skipif(not os.path.isdir(DATA),
                                reason="../shared/data (COW IGO v3, ATOP 5.1) is not here: real-data test skipped")


def read(path):
    """A text file's content."""
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def history_of(folder, atopid):
    """Import one alliance in memory and load the log the way `orgsim` would."""
    _name, header, events = atop_logs(read_atop(folder, [atopid]))[0]
    return History(load_log_text(log_yaml(header, events), "atop.yaml"))


def check_4220(h):
    """ATOP's CST/CSTO: signature dates to the day, the 1999 exits, Uzbekistan's return and exit, one organization."""
    assert h.org == "ATOP-4220"
    h.validate()
    member = lambda d: {m["id"] for m in h.at(d).members(status="member")}
    assert member("1992-05-15") == {"ARM", "KAZ", "KGZ", "RUS", "TJK", "UZB"}
    assert member("1992-05-14") == set()
    assert {"AZE", "GEO", "BLR"} <= member("1994-01-03")
    assert member("1999-04-20") == {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}
    assert "UZB" in member("2006-08-17") and "UZB" not in member("2012-06-28")
    phase2 = [e for e in h.log.events if e.kind == "protocol_signed"]
    assert [(e.date.text, e.payload["protocol"]) for e in phase2] == [("2002-10-07", "ATOP-4220.P.PHASE-2")]
    entries = [e for e in h.log.events if e.kind in ("accession", "org_founded")]
    assert all("signature dates" in e.note and "2.32" in e.note for e in entries)
    assert all(e.provenance["dataset"] == "ATOP" and e.provenance["version"] == "5.1" for e in h.log.events)
    exits = {(e.actors[0], e.date.text): e.kind for e in h.log.events
             if e.kind in ("withdrawal", "non_renewal", "system_exit")}
    assert exits == {("AZE", "1999-04-20"): "non_renewal", ("GEO", "1999-04-20"): "non_renewal",
                     ("UZB", "1999-04-20"): "non_renewal", ("UZB", "2012-06-28"): "withdrawal"}  # TERMMODE 1, 3
    assert h.at("2000").status_of("ATOP-4220", "UZB")[0]["status"] == "not_renewed"
    assert list(h.log.sources["atop"]["coding"]["membership"]) == ["member", "signatory"]
    rules = rules_of_type(h.at("2010"), "mutual_defence")
    assert [r["id"] for r in rules] == ["ATOP-4220.R.DEFENSE"]


def test_fixture_alliance_4220(run, tmp_path):
    """`import atop DIR --atopid 4220`: one organization ATOP-4220 whose history follows ATOP's dates."""
    out = str(tmp_path / "atop.yaml")
    code, _o, err = run("import", "atop", FIXTURE, "--atopid", "4220", "-o", out)
    assert code == 0, err
    assert run("validate", out)[0] == 0
    check_4220(History.load(out))


@needs_data
def test_real_alliance_4220_and_every_alliance_replays():
    """On the real file: alliance 4220 as above, and all alliances import into one log that replays strictly."""
    check_4220(history_of(REAL, 4220))
    _name, header, events = atop_logs(read_atop(REAL))[0]
    result = History(load_log_text(log_yaml(header, events), "atop-all.yaml")).validate()
    assert len(result.applied) == len(events) and not result.skipped


def test_dates_keep_their_precision_and_alliances_end():
    """A missing day gives a month, a missing month a year, never an invented day; the last exits end the alliance."""
    h = history_of(FIXTURE, 9001)
    h.validate()
    founded = h.log.by_id["atop-9001-founded"]
    assert (founded.date.text, founded.date.precision) == ("1920-09", "month")
    ended = [e for e in h.log.events if e.kind == "org_dissolved"]
    assert [(e.date.text, e.date.precision) for e in ended] == [("1939", "year")]
    assert not [e for e in h.log.events if e.kind == "withdrawal"]
    assert h.at("1939").organization()["status"] == "dissolved"
    assert [r for r in h.at("1939").rules() if r["modality"] == "certain"] == []
    assert h.at("1940").rules() == []


def test_phases_change_the_rules_in_force():
    """An asymmetric defence pact is `defence` bound on its givers, and a phase that drops it repeals it."""
    h = history_of(FIXTURE, 9001)
    rules = {r["id"]: r["params"] for r in h.at("1930").rules()}
    assert rules["ATOP-9001.R.DEFENSE"] == {"type": "defence", "atop": "defense", "conditional": True,
                                            "bound": ["FRA"]}
    assert rules_of_type(h.at("1930"), "mutual_defence") == []
    assert set(rules) == {"ATOP-9001.R.DEFENSE", "ATOP-9001.R.CONSUL"}
    assert [r["id"] for r in h.at("1937").rules()] == ["ATOP-9001.R.CONSUL"]


def test_one_log_per_alliance_in_a_folder(run, tmp_path):
    """`-o DIR/` writes one log per alliance."""
    code, _o, err = run("import", "atop", FIXTURE, "-o", str(tmp_path / "out") + "/")
    assert code == 0, err
    assert sorted(os.listdir(tmp_path / "out")) == ["atop-4220.yaml", "atop-9001.yaml"]


@pytest.mark.parametrize("column, value, message", [
    ("member", "9999", "unknown COW state code 9999"),
    ("yrent", "19x2", "yrent '19x2' is not a whole number"),
    ("dayent", "31", "1992-2-31 is not a date: day is out of range for month"),
    (None, None, "row has 104 columns, the header has 105"),
])
def test_malformed_rows_are_one_line_with_the_row_number(run, tmp_path, column, value, message):
    """A malformed ATOP row: one line naming the file and row, exit 2, and no output file."""
    lines = read(os.path.join(FIXTURE, "atop5_1m.csv")).splitlines()
    header, cells = lines[0].split(","), lines[4].split(",")
    if column is None:
        cells = cells[:-1]
    else:
        cells[header.index(column)] = value
        if column == "dayent":
            cells[header.index("moent")] = "2"
    lines[4] = ",".join(cells)
    (tmp_path / "atop5_1m.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "x.yaml"
    code, _o, err = run("import", "atop", str(tmp_path), "-o", str(out))
    assert code == 2
    assert err.strip() == f"orgsim: error: {tmp_path / 'atop5_1m.csv'}:5: {message}"
    assert not out.exists()
