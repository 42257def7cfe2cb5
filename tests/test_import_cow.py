"""Importing COW IGO v3 (both layouts), and exporting it back to COW's state-year layout cell for cell."""

import csv
import io
import os

import pycountry
import pytest
from orgsim.engine.history import History
from orgsim.events import load_log_text
from orgsim.events.importers import log_yaml
from orgsim.events.importers.codes import by_ccode, by_id, table
from orgsim.events.importers.cow import read_cow
from orgsim.events.importers.cow_events import cow_logs
from orgsim.reports.panel import cow_state_year_csv

HERE = os.path.dirname(__file__)
STATE_YEAR = os.path.join(HERE, "fixtures", "cow_state_year", "state_year_format3.csv")
IGO_YEAR = os.path.join(HERE, "fixtures", "cow_igo_year", "igo_year_format3.csv")
DATA = os.path.join(HERE, "..", "..", "shared", "data")
REAL_STATE_YEAR = os.path.join(DATA, "cow-igo-v3", "state_year_format3.csv")
REAL_IGO_YEAR = os.path.join(DATA, "cow-igo-v3", "igo_year_format3.csv")
needs_data = pytest.mark.skipif(not os.path.isdir(DATA),
                                reason="../shared/data (COW IGO v3, ATOP 5.1) is not here: real-data test skipped")
SEED_STATES = {"ARM": 371, "AZE": 373, "BLR": 370, "GEO": 372, "KAZ": 705, "KGZ": 703, "RUS": 365, "TJK": 702,
               "UZB": 704, "AFG": 700, "SRB": 345}


def read(path):
    """A text file's content."""
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def history_of(path, orgs=None):
    """Import a COW file in memory and load the log the way `orgsim` would."""
    _name, header, events = cow_logs(read_cow(path, orgs))[0]
    return History(load_log_text(log_yaml(header, events), "import.yaml"))


def members(run, log, at):
    """`orgsim state --at AT --format json` on a log: {state: status}."""
    import json

    code, out, err = run("state", "--at", at, "--format", "json", "--log", log)
    assert code == 0, err
    return {m["id"]: m["status"] for m in json.loads(out)["members"]}


def check_csto(run, source, tmp_path):
    """The COW CSTO: six members and Uzbekistan in 2010, and in 2013 Afghanistan and Serbia as observers."""
    out = str(tmp_path / "x.yaml")
    code, printed, err = run("import", "cow-igo", source, "--org", "CSTO", "-o", out)
    assert code == 0, err
    assert "wrote" in printed
    assert run("validate", out)[0] == 0
    six = {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}
    in_2010 = members(run, out, "2010")
    assert {s for s, st in in_2010.items() if st == "member"} == six | {"UZB"}
    in_2013 = members(run, out, "2013")
    assert {s for s, st in in_2013.items() if st == "member"} == six
    assert in_2013["AFG"] == in_2013["SRB"] == "observer"
    assert in_2013["UZB"] == "withdrawn"


def test_fixture_csto_members_in_2010_and_observers_in_2013(run, tmp_path):
    """`import cow-igo … --org CSTO` then `state`: the members in 2010; Afghanistan and Serbia observe in 2013."""
    check_csto(run, STATE_YEAR, tmp_path)


@needs_data
def test_real_csto_members_in_2010_and_observers_in_2013(run, tmp_path):
    """The same on COW's real state-year file, and on its IGO-year file."""
    check_csto(run, REAL_STATE_YEAR, tmp_path)
    check_csto(run, REAL_IGO_YEAR, tmp_path)


def test_both_layouts_give_the_same_history():
    """The IGO-year and the state-year layout of the same codes import to the same events and memberships."""
    a, b = history_of(STATE_YEAR), history_of(IGO_YEAR)
    key = lambda e: (e.id, e.date.text, e.kind, e.org, e.actors, e.seq)
    assert sorted(map(key, a.log.events)) == sorted(map(key, b.log.events))
    status = lambda h, y: {(m["org"], m["id"], m["status"]) for m in h.at(str(y)).memberships()}
    for year in range(2000, 2015):
        assert status(a, year) == status(b, year), year


def test_events_cite_their_row_and_column():
    """Every event names COW IGO 3, the file, and a row whose cell holds the code it imports."""
    rows = list(csv.reader(io.StringIO(read(STATE_YEAR))))
    for e in history_of(STATE_YEAR).log.events:
        p = e.provenance
        assert (p["dataset"], p["version"], p["file"]) == ("COW IGO", "3", "state_year_format3.csv")
        assert e.date.precision == "year" and e.sources == ()
        if "code" in p:
            assert rows[p["row"] - 1][rows[0].index(p["column"])] == str(p["code"]), e.id


def test_transitions_replay_strictly_in_seq_order():
    """1 -> 3 is a withdrawal then observer status that year; -9 stays unknown; 2 -> 0 ends the status."""
    h = history_of(STATE_YEAR, ["AB"])
    kinds = [(e.kind, e.seq) for e in h.events("2003", "2003", actor="RUS")]
    assert kinds == [("withdrawal", 1), ("observer_status", 2)]
    assert {m["id"]: m["status"] for m in h.at("2001").members()}["BLR"] == "unknown"
    assert [m for m in h.at("2004").members(status="associate") if m["modality"] == "certain"] == []
    assert [e.kind for e in h.events("2004", "2004", actor="ARM")] == ["status_ended"]


def test_founding_dissolution_gaps_and_states_leaving_the_system():
    """An organization is dissolved in the last year COW codes it (COW codes it in the year it ends), and founded
    again if it returns; a state without a row leaves the state system: not a withdrawal."""
    h = history_of(STATE_YEAR)
    assert h.at("2004-07-01").organization("AB")["status"] == "in_force"
    dissolved = h.log.by_id["cow-ab-2005-dissolved"]
    assert (dissolved.kind, dissolved.date.text) == ("org_dissolved", "2005")
    assert h.at("2005-07-01").organization("AB")["status"] == "dissolved"
    assert h.at("2009").organization("CD")["status"] == "dissolved"
    assert h.at("2011").organization("CD")["status"] == "in_force"
    afg = [e for e in h.events("2005", "2005", actor="AFG") if e.org == "AB"]
    assert [e.kind for e in afg] == ["system_exit"] and "state system" in afg[0].note
    during = {r["status"]: r["modality"] for r in h.at("2005-07-01").status_of("AB", "AFG")}
    assert during == {"member": "possible", "not_in_system": "possible"}  # year bounds: some day of 2005


def test_coding_rules_are_data_in_the_header():
    """The imported log carries COW's coding rules (sources.cow-igo.coding), as shipped in cow_igo.coding.yaml."""
    from orgsim.events.importers.coding import of_log_sources, rules

    h = history_of(STATE_YEAR)
    coding = of_log_sources(h.log.sources)
    assert coding == {**coding, **rules("cow_igo")}
    assert (coding["precision"], coding["year_rule"], coding["membership"]) == ("year", "any", ["member"])
    assert coding["codes"]["-1"] == coding["missing_row"] == "not_in_system"


@needs_data
def test_real_igo_year_warsaw_pact_dissolved_in_1991():
    """COW IGO-year: the Warsaw Pact (deaddate 1991) is not in force on 1991-08-01; its dissolution is dated 1991."""
    h = history_of(REAL_IGO_YEAR, ["WPact"])
    ended = [e for e in h.log.events if e.kind == "org_dissolved"]
    assert [(e.date.text, e.payload["deaddate"]) for e in ended] == [("1991", 1991)]
    assert h.at("1991-08-01").organization("WPACT")["status"] == "dissolved"
    assert h.at("1990-08-01").organization("WPACT")["status"] == "in_force"
    assert h.at("1990").organization("WPACT")["name"] == "Warsaw Treaty Organization"


@needs_data
def test_real_igo_year_dissolutions_in_the_deaddate_year():
    """197 of COW's 202 dissolutions fall in the year of its deaddate; the 5 others are COW's own (a deaddate
    that differs from the last year it codes, or none)."""
    _n, _h, events = cow_logs(read_cow(REAL_IGO_YEAR))[0]
    ended = [e for e in events if e["kind"] == "org_dissolved"]
    same = [e for e in ended if (e.get("payload") or {}).get("deaddate") == int(e["date"])]
    assert (len(ended), len(same)) == (202, 197)


@needs_data
def test_real_state_year_france_1943_and_no_system_exit_is_a_withdrawal():
    """COW state-year: France (no row in 1943) is not "withdrawn" from the UPU in 1943 but out of the state
    system; no withdrawal is a state leaving the system; organization names come from COW's IGO-year file."""
    h = history_of(REAL_STATE_YEAR, ["UPU", "WPact"])
    statuses = {r["status"] for r in h.at("1943-07-01").status_of("UPU", "FRA")}
    assert "withdrawn" not in statuses and "not_in_system" in statuses
    assert {r["status"] for r in h.at("1945-07-01").status_of("UPU", "FRA")} == {"member"}
    kinds = [e.kind for e in h.log.events if e.actors == ("FRA",) and e.org == "UPU"]
    assert kinds == ["accession", "system_exit", "system_return"]
    assert h.at("1950").organization("UPU")["name"] == "Universal Postal Union"
    assert h.at("1990").organization("WPACT")["name"] == "Warsaw Treaty Organization"
    _n, header, events = cow_logs(read_cow(REAL_STATE_YEAR))[0]
    rows = {(s, y) for s, e in header["entities"]["states"].items() for a, b in e["cow"]["years"]
            for y in range(a, b + 1)}
    withdrawals = [e for e in events if e["kind"] == "withdrawal"]
    assert len(withdrawals) == 1565  # 2,288 before, of which 723 were states leaving the state system
    assert all((e["actors"][0], int(e["date"])) in rows and (e["actors"][0], int(e["date"]) - 1) in rows
               for e in withdrawals)
    assert sum(e["kind"] == "system_exit" for e in events) == 898


def test_state_year_round_trip_reproduces_the_file(run, tmp_path):
    """`import cow-igo` then `export --format cow-state-year` gives back the fixture byte for byte."""
    log = str(tmp_path / "all.yaml")
    assert run("import", "cow-igo", STATE_YEAR, "-o", log)[0] == 0
    code, out, err = run("export", "--format", "cow-state-year", "--log", log)
    assert code == 0, err
    assert out == read(STATE_YEAR)


def test_one_log_per_organization_in_a_folder(run, tmp_path):
    """`-o DIR/` writes one valid log per organization."""
    folder = tmp_path / "logs"
    code, _out, err = run("import", "cow-igo", IGO_YEAR, "-o", str(folder) + "/")
    assert code == 0, err
    assert sorted(os.listdir(folder)) == ["ab.yaml", "cd.yaml", "csto.yaml"]
    for name in os.listdir(folder):
        assert run("validate", str(folder / name))[0] == 0


def cells(text):
    """CSV text as {(ccode, year): {column: cell}}."""
    rows = list(csv.reader(io.StringIO(text)))
    return {(r[0], r[1]): dict(zip(rows[0][2:], r[2:])) for r in rows[1:]}


@needs_data
def test_real_round_trip_on_a_sample_of_organizations():
    """Importing COW's state-year file and exporting it back reproduces every cell of the sampled columns."""
    sample = ["CSTO", "WPact", "WHO", "IARadiO", "CCNR", "AGC", "NATO", "GEO", "CIS", "SCO", "EAEC", "CMEA"]
    text = cow_state_year_csv(history_of(REAL_STATE_YEAR, sample))
    original = list(csv.reader(io.StringIO(read(REAL_STATE_YEAR))))
    keep = [0, 1, 2] + [original[0].index(c.lower()) for c in sample]
    keep.sort()
    expected = "\n".join(",".join(r[i] for i in keep) for r in original) + "\n"
    assert text == expected


def test_codes_table_is_one_to_one_and_documented():
    """Every COW state has one id, every id one state; ids that are not ISO 3166-1 are ISO 3166-3 or X-codes."""
    ids = [s.id for s in table()]
    assert len(ids) == len(set(ids)) == len(by_id())
    current = {c.alpha_3 for c in pycountry.countries}
    former = {c.alpha_3 for c in pycountry.historic_countries}
    for s in table():
        if s.basis in ("iso3166-1", "continuer"):
            assert s.id in current, s
        elif s.basis == "iso3166-3":
            assert s.id in former and s.note, s
        else:
            assert s.basis == "user-assigned" and s.id.startswith("X") and s.id not in current | former and s.note
    assert {i: by_ccode()[c].id for i, c in SEED_STATES.items()} == {i: i for i in SEED_STATES}


@needs_data
def test_codes_table_covers_the_cow_state_list():
    """Every code of COW's states2016.csv is in the table, with COW's abbreviation."""
    rows = list(csv.DictReader(io.StringIO(read(os.path.join(DATA, "cow-igo-v3", "states2016.csv")))))
    for r in rows:
        assert by_ccode()[int(r["ccode"])].abbrev == r["stateabb"]


@pytest.mark.parametrize("find, replace, message", [
    ("705,2003,kazakhstan,0,1,1", "705,2003,kazakhstan,0,1", "row has 5 columns, the header has 6"),
    ("705,2003,kazakhstan", "999,2003,kazakhstan", "unknown COW state code 999"),
    ("705,2003,kazakhstan", "705,20x3,kazakhstan", "year '20x3' is not a whole number"),
    ("705,2003,kazakhstan,0,1,1", "705,2003,kazakhstan,0,1,7", "column csto: '7' is not a COW code (0, 1, 2, 3, -9, -1 or empty)"),
])
def test_malformed_rows_are_one_line_with_the_row_number(run, tmp_path, find, replace, message):
    """A malformed COW row: one line naming the file and row, exit 2, and no output file."""
    text = read(STATE_YEAR)
    row = text[: text.index(find)].count("\n") + 1
    bad = tmp_path / "state_year_format3.csv"
    bad.write_text(text.replace(find, replace), encoding="utf-8")
    out = tmp_path / "x.yaml"
    code, _out, err = run("import", "cow-igo", str(bad), "-o", str(out))
    assert code == 2
    assert err.strip() == f"orgsim: error: {bad}:{row}: {message}"
    assert not out.exists()


def test_an_unknown_layout_or_organization_is_refused(run, tmp_path):
    """A file that is neither layout, or an --org the file lacks, is a one-line error."""
    other = tmp_path / "other.csv"
    other.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    code, _o, err = run("import", "cow-igo", str(other))
    assert code == 2 and "not a COW IGO file" in err and err.count("\n") == 1
    code, _o, err = run("import", "cow-igo", STATE_YEAR, "--org", "NOPE")
    assert code == 2 and "no organization NOPE" in err


def test_bundled_log_cow_export_codes_any_part_of_the_year(run):
    """`orgsim export --format cow-state-year` of the bundled log: COW's year rule (a member in any part of the
    year), so Uzbekistan's return in August 2006 makes 2006 a 1; every state in the state system has its row."""
    code, out, err = run("export", "--format", "cow-state-year")
    assert code == 0, err
    rows = cells(out)
    assert rows[("704", "2006")]["csto"] == "1"
    assert [rows[("704", str(y))]["csto"] for y in (1993, 1994, 2005, 2012, 2013)] == ["0", "1", "0", "1", "0"]
    assert rows[("370", "2010")]["cis"] == "-9"  # the log only names the CIS: it does not know
    assert rows[("2", "2000")]["csto"] == "0"  # the USA: in the state system, never in the CSTO
    assert ("255", "1992") in rows and ("260", "1992") not in rows  # Germany, not the German Federal Republic
    assert len({y for (_c, y) in rows}) == 2019 - 1992 + 1
    assert sum(1 for (_c, y) in rows if y == "2010") == 194  # every state COW IGO has in the system that year


@needs_data
def test_bundled_log_cow_export_lines_up_with_cows_rows(run):
    """Merged with COW's own state-year file, the bundled log's export has exactly COW's rows for 1992-2014."""
    code, out, err = run("export", "--format", "cow-state-year")
    assert code == 0, err
    ours = {k for k in cells(out) if int(k[1]) <= 2014}
    theirs = {k for k in cells(read(REAL_STATE_YEAR)) if int(k[1]) >= 1992}
    assert ours == theirs


@needs_data
def test_docs_give_the_measured_year_rule_agreement():
    """docs/datasets.md quotes the agreement of each candidate year rule with COW's cells as measured now,
    and `any` (a member in any part of the year) agrees best in the transition years."""
    from orgsim.events.importers import year_rules

    docs = read(os.path.join(HERE, "..", "docs", "datasets.md"))
    quoted = docs.split("<!-- year-rules:begin -->\n")[1].split("\n<!-- year-rules:end -->")[0]
    measured = year_rules.table(DATA)
    assert quoted == measured
    for line in measured.splitlines()[2:]:
        if "transition" in line:
            figures = [float(x.strip(" %")) for x in line.split("|")[2:-1]]
            assert figures[0] == max(figures)


def test_docs_state_each_sources_coding_rules():
    """docs/datasets.md and the README describe the coding rules the shipped YAML files hold."""
    from orgsim.events.importers.coding import rules

    docs = read(os.path.join(HERE, "..", "docs", "datasets.md"))
    readme = read(os.path.join(HERE, "..", "README.md"))
    assert rules("cow_igo")["missing_row"] == "not_in_system" and "`missing_row: not_in_system`" in docs
    assert rules("atop")["membership"] == ["member", "signatory"] and "`membership: [member, signatory]`" in docs
    assert "year_rule: any" in docs and "docs/datasets.md" in readme and "system_exit" in readme


def test_state_year_names_come_from_the_igo_year_file(run, tmp_path):
    """The state-year layout has no names: `--names` (or the IGO-year file beside it) gives COW's."""
    out = str(tmp_path / "x.yaml")
    code, _o, err = run("import", "cow-igo", STATE_YEAR, "--names", IGO_YEAR, "-o", out)
    assert code == 0, err
    h = History.load(out)
    assert h.at("2003").organization("CD")["name"] == "Council of Dryland"
    assert h.at("2003").organization("AB")["name"] == "Alpha Bloc"
    beside = tmp_path / "both"
    beside.mkdir()
    for path in (STATE_YEAR, IGO_YEAR):
        (beside / os.path.basename(path)).write_text(read(path), encoding="utf-8")
    h = history_of(str(beside / "state_year_format3.csv"), ["CSTO"])
    assert h.at("2010").organization("CSTO")["name"] == "Collective Security Treaty Organization"
    assert history_of(STATE_YEAR, ["CSTO"]).at("2010").organization("CSTO")["name"] == "CSTO"  # no names file


def test_an_import_refuses_a_file_name_that_is_not_yaml(run, tmp_path):
    """-o out.parquet would hold YAML under a Parquet name: refused before anything is read or written."""
    target = tmp_path / "cow.parquet"
    code, out, err = run("import", "cow-igo", STATE_YEAR, "-o", str(target))
    assert code == 2 and "cow.parquet" in err and ".yaml or .yml" in err and not target.exists()
