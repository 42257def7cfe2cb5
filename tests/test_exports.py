"""Exports (GEXF, GraphML, JSON, state-year CSV, TimelineJS), co-membership, and writing files safely."""

import csv
import io
import json

import networkx as nx

from orgsim.engine.frames import membership_frame
from orgsim.engine.graph import DRAWN_STATUSES, state_graph
from orgsim.engine.replay import external_entities
from orgsim.events.dates import ordinal_to_iso

from .conftest import TINY

# The organizations of the bundled log that states belong to (its bodies and the UN General Assembly excluded).
PANEL_ORGS = {"cis": "CIS", "csto": "CSTO", "guam": "GUAM", "sco": "SCO", "shanghai_five": "SHANGHAI-FIVE"}
COW_CODES = {"member": 1, "associate": 2, "observer": 3, "partner": 3, "unknown": -9}


def _holds(spell_start, spell_end, day):
    # networkx reads an open end back as the string "None".
    return spell_start <= day and (spell_end in (None, "None") or day <= spell_end)


def _sample_days(history):
    """Every event date of the log and the day before each, as ISO strings."""
    keys = {d.key for d in history.event_dates()}
    return sorted({ordinal_to_iso(k) for k in keys} | {ordinal_to_iso(k - 1) for k in keys})


def test_gexf_loads_and_its_intervals_give_the_membership_of_any_date(csto, run):
    """Opened from `export --format gexf`, the spells hold the certain span of each status, the 'status'
    attribute follows the reference replay, and 'modality' says where a status is only possible."""
    code, out, _ = run("export", "--format", "gexf")
    g = nx.read_gexf(io.BytesIO(out.encode("utf-8")))
    assert code == 0 and g.graph["mode"] == "dynamic" and 'timeformat="date"' in out
    for day in _sample_days(csto):
        state = csto.at(day)
        for status in DRAWN_STATUSES:
            from_gexf = {u for u, _v, d in g.in_edges("CSTO", data=True)
                         if any(s == status and _holds(a, b, day) for s, a, b in d.get("status", []))}
            reference = {k[2] for k, f in state.facts.items() if k[:2] == ("member", "CSTO") and f.value == status}
            assert from_gexf == reference, (day, status)
        maybe = {m["id"] for m in state.members() if m["status"] in DRAWN_STATUSES}
        sure = {m["id"] for m in state.members() if m["status"] in DRAWN_STATUSES and m["modality"] != "possible"}
        present = {u for u, _v, d in g.in_edges("CSTO", data=True)
                   if d["label"] != "part_of" and any(_holds(a, b, day) for a, b in d["spells"])}
        assert sure <= present <= maybe, day
        for u in maybe - sure:
            spells = g.edges[u, "CSTO"]["modality"]
            assert any(m == "possible" and _holds(a, b, day) for m, a, b in spells), (day, u)


def test_gexf_types_bodies_forces_and_contributions(run):
    """Bodies, forces and organizations are typed, and a contribution starts on its day."""
    _, out, _ = run("export", "--format", "gexf", "--log", TINY)
    g = nx.read_gexf(io.BytesIO(out.encode("utf-8")))
    assert [g.nodes[n]["type"] for n in ("TA", "TA.COUNCIL", "TA.RRF", "BEL")] == ["organization", "body", "force",
                                                                                   "state"]
    assert g.edges["BEL", "TA.RRF"]["relation"][0][:2] == ("contributes_to", "1993-06-01")
    assert g.edges["TA.COUNCIL", "TA"]["label"] == "part_of"


def test_graphml_on_a_date_shows_the_csto_members_of_that_date(run):
    """GraphML on 2009-06-14: the seven member states of the CSTO in mid-2009 (a known fact), each a member_of edge."""
    code, out, _ = run("export", "--format", "graphml", "--at", "2009-06-14")
    back = nx.read_graphml(io.BytesIO(out.encode("utf-8")))
    members = {u for u, v, d in back.edges(data=True) if v == "CSTO" and d["type"] == "member_of"
               and d["status"] == "member"}
    assert code == 0 and members == {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"}
    assert back.nodes["BLR"] == {"type": "state", "label": "BLR", "name": "Belarus", "modality": "certain"}
    assert back.graph["date"] == "2009-06-14" and back.graph["org"] == "CSTO"


def test_graphml_of_the_tiny_log_reads_back_as_written_by_hand(run):
    """GraphML of tests/fixtures/tiny.yaml on 1994-06-01: every node and edge, with the fixture's dates and lines."""
    code, out, _ = run("export", "--format", "graphml", "--at", "1994-06-01", "--log", TINY)
    back = nx.read_graphml(io.BytesIO(out.encode("utf-8")))
    member = {"type": "member_of", "status": "member", "since": "1991", "event": "ta-in-force", "source_line": 3}
    assert code == 0 and dict(back.nodes(data="type")) == {
        "TA": "organization", "FRA": "state", "DEU": "state", "BEL": "state", "NLD": "state",
        "TA.COUNCIL": "body", "TA.RRF": "force"}
    # Every fact of the tiny log holds for certain on that day; the answer is an attribute of each edge.
    assert {d.pop("modality") for _u, _v, d in back.edges(data=True)} == {"certain"}
    assert {(u, v): d for u, v, d in back.edges(data=True)} == {
        ("FRA", "TA"): member, ("DEU", "TA"): member, ("BEL", "TA"): member, ("NLD", "TA"): member,
        ("TA.COUNCIL", "TA"): {"type": "part_of", "status": "", "since": "1991-02", "event": "council",
                               "source_line": 4},
        ("TA.RRF", "TA.COUNCIL"): {"type": "part_of", "status": "", "since": "1992-05-01", "event": "force",
                                   "source_line": 5},
        ("FRA", "TA.RRF"): {"type": "contributes_to", "status": "", "since": "1992-05-01", "event": "force",
                            "source_line": 5},
        ("DEU", "TA.RRF"): {"type": "contributes_to", "status": "", "since": "1992-05-01", "event": "force",
                            "source_line": 5},
        ("BEL", "TA.RRF"): {"type": "contributes_to", "status": "", "since": "1993-06-01",
                            "event": "bel-joins-force", "source_line": 6}}


def test_graphml_defaults_to_the_last_event_date(csto, run):
    """Without --at, GraphML shows the network on the last event's date."""
    _, out, _ = run("export", "--format", "graphml")
    assert nx.read_graphml(io.BytesIO(out.encode("utf-8"))).graph["date"] == csto.event_dates()[-1].text


def test_json_has_nodes_edges_with_intervals_and_events(csto, run):
    """The JSON export lists Uzbekistan's CSTO statuses in order, and every event with its date as written."""
    _, out, _ = run("export", "--format", "json")
    data = json.loads(out)
    uzb = [(e["status"], e["start_text"], e["end"]) for e in data["edges"]
           if (e["source"], e["target"]) == ("UZB", "CSTO")]
    assert [s for s, *_ in uzb] == ["signatory", "member", "not_renewed", "member", "suspended"]
    assert uzb[-1][2] is None and uzb[0][2] == "1994-04-20"
    assert [e["id"] for e in data["events"]] == [e.id for e in csto.log.events]
    aze = next(e for e in data["events"] if e["id"] == "aze-accession-1993")
    assert aze["date"] == "1993-09"
    assert next(n for n in data["nodes"] if n["id"] == "SCO")["type"] == "organization"


def test_state_year_panel_matches_the_state_on_1_july_of_every_year(csto, run):
    """Every cell of the CSV panel is the COW code of the state's status on 1 July of its year."""
    code, out, _ = run("export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and list(rows[0]) == ["state", "year", *PANEL_ORGS]
    frame = membership_frame(csto)
    states = set(frame[frame.org.isin(list(PANEL_ORGS.values()))].member)
    years = range(1992, 2020)
    assert [(r["state"], int(r["year"])) for r in rows] == [(s, y) for s in sorted(states) for y in years]
    for year in years:
        state = csto.at(f"{year}-07-01")
        for r in (r for r in rows if int(r["year"]) == year):
            for column, org in PANEL_ORGS.items():
                found = [m for m in state.members(org) if m["id"] == r["state"]]
                held = [m for m in found if m["modality"] != "possible"]
                info = state.organization(org)
                gone = info["status"] == "dissolved" if info else org not in external_entities(csto.log)
                # The log records the CSTO's history only: elsewhere a state it does not place is unknown (-9),
                # and so is a status that only possibly holds on 1 July.
                silent = 0 if org == "CSTO" else -9
                want = -1 if gone else COW_CODES.get(held[0]["status"], 0) if held else -9 if found else silent
                assert int(r[column]) == want, (r["state"], year, org, found)
    cell = {(r["state"], int(r["year"])): r for r in rows}
    assert cell["UZB", 2013]["csto"] == "0" and cell["UZB", 2007]["csto"] == "1" and cell["CHN", 1995]["guam"] == "-1"
    assert cell["BLR", 2005]["cis"] == "-9" and cell["ARM", 2005]["cis"] == "1"  # unknown, and presumed from 1992


def test_timelinejs_keeps_precision_and_credits_the_source_line(run):
    """A month-dated event has no day in TimelineJS, a range has an end, and the credit names the line."""
    _, out, _ = run("export", "--format", "timelinejs")
    slides = {s["unique_id"]: s for s in json.loads(out)["events"]}
    aze = slides["aze-accession-1993"]
    assert aze["start_date"] == {"year": 1993, "month": 9} and aze["display_date"] == "1993-09"
    assert "000_8ab9e1a82047c36f.txt, line 280: in September 1993" in aze["media"]["credit"]
    assert aze["media"]["url"].startswith("<blockquote>")
    war = slides["arm-aze-war"]
    assert war["start_date"] == {"year": 1993, "month": 9} and war["end_date"] == {"year": 1999}
    assert "uzb-suspended-2012" in slides and "uzb-withdrew-2012" not in slides  # a set-aside reading is left out


def test_comembership_weight_is_the_number_of_shared_organizations(csto, run):
    """Two states' link weighs as many organizations as they are both members of on that date."""
    code, out, _ = run("comembership", "--at", "2005-06-01", "--format", "json")
    pairs = {(p["state_a"], p["state_b"]): p for p in json.loads(out)["pairs"]}
    state = csto.at("2005-06-01")
    orgs_of = {s: {m["org"] for m in state.memberships() if m["id"] == s and m["status"] == "member"
                   and m["org"] in PANEL_ORGS.values()} for s in ("KAZ", "RUS")}
    shared = orgs_of["KAZ"] & orgs_of["RUS"]
    # The seed names no SCO founders (l.98), so the log holds no SCO membership for Kazakhstan or Russia.
    assert code == 0 and {"CSTO", "CIS"} <= shared and "SCO" not in shared
    assert pairs["KAZ", "RUS"]["weight"] == len(shared) and set(pairs["KAZ", "RUS"]["organizations"]) == shared
    assert pairs["ARM", "UZB"]["organizations"] == ["CIS"]  # Uzbekistan was out of the CSTO in 2005


def test_comembership_table_and_csv(run):
    """The table and CSV list the heaviest pairs first."""
    _, out, _ = run("comembership", "--at", "2005-06-01", "--format", "csv")
    weights = [int(r["weight"]) for r in csv.DictReader(io.StringIO(out))]
    assert weights == sorted(weights, reverse=True) and weights[0] >= 2 and weights[-1] == 1
    code, out, _ = run("comembership", "--at", "2005-06-01")
    assert code == 0 and "co-membership on 2005-06-01" in out


def test_export_to_a_file_leaves_no_temporary_file(tmp_path, run):
    """-o writes the file whole and nothing else in its folder."""
    target = tmp_path / "panel.csv"
    code, out, _ = run("export", "--format", "csv", "-o", str(target))
    assert code == 0 and out == "" and [p.name for p in tmp_path.iterdir()] == ["panel.csv"]
    assert target.read_text(encoding="utf-8").startswith("state,year,cis,csto")


def test_a_bad_output_path_is_one_line_and_exit_2(tmp_path, run):
    """-o into a missing folder, or onto a folder, fails with one line, exit 2, and writes nothing."""
    for bad in (tmp_path / "missing" / "x.gexf", tmp_path):
        code, out, err = run("export", "--format", "gexf", "-o", str(bad))
        assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
        assert err.startswith(f"orgsim: error: cannot write {bad}: "), err
    assert list(tmp_path.iterdir()) == []


def test_at_is_refused_for_whole_history_formats(run):
    """--at with a format that covers the whole history is a one-line error."""
    code, _, err = run("export", "--format", "csv", "--at", "2000")
    assert code == 2 and "--at applies only to --format graphml" in err
