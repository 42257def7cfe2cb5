"""Four answers: certain, possible, presumed and unknown, from the index, the CLI and every compile."""

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgsim.engine.history import History
from orgsim.engine.index import FactIndex
from orgsim.events import load_log
from orgsim.events.dates import parse_date

from .conftest import TINY

HERE = os.path.dirname(__file__)
IMPRECISE = os.path.join(HERE, "fixtures", "imprecise.yaml")


def _json_state(run, at, *extra):
    code, out, err = run("state", "--at", at, "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


def _row(rows, ident, **match):
    found = [r for r in rows if r["id"] == ident and all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (ident, match, rows)
    return found[0]


def test_a_body_attested_by_2002_is_possible_in_1995_and_certain_in_2003(run):
    """The Collective Security Council, known to exist by 2002, is only possibly there in 1995."""
    csc = _row(_json_state(run, "1995-06-01")["bodies"], "CSTO.CSC")
    assert csc["modality"] == "possible" and csc["start_latest"] == "2002-12-31"
    assert _row(_json_state(run, "2003-01-01")["bodies"], "CSTO.CSC")["modality"] == "certain"


def test_uzbekistan_in_august_2006_is_possibly_a_member(run):
    """A return dated to the month is possible on every day of August and certain after it."""
    members = _json_state(run, "2006-08-15")["members"]
    uzb = _row(members, "UZB", status="member")
    assert (uzb["modality"], uzb["start_earliest"], uzb["start_latest"]) == ("possible", "2006-08-01", "2006-08-31")
    # Under the readings where it had not yet returned, its earlier status still holds.
    assert _row(members, "UZB", status="not_renewed")["modality"] == "possible"
    after = _json_state(run, "2006-09-01")["members"]
    assert _row(after, "UZB", status="member")["modality"] == "certain"
    assert not [r for r in after if r["id"] == "UZB" and r["status"] != "member"]


def test_the_secretary_general_of_2003_is_not_certain_in_2019(run):
    """No text after 2016 names him: in 2019 he is presumed, with the day he was last attested."""
    sg = _row(_json_state(run, "2019-03-01")["offices"], "CSTO.SG")
    assert sg["holder"] == "Nikolai Bordyuzha" and sg["modality"] == "presumed"
    assert sg["attested_until"].startswith("2016")
    assert _row(_json_state(run, "2010-01-01")["offices"], "CSTO.SG")["modality"] == "certain"


def test_a_date_outside_coverage_warns_on_stderr_and_still_answers(run):
    """--at 2030: exit 0, the state, and one line on stderr naming the coverage."""
    code, out, err = run("state", "--at", "2030")
    assert code == 0 and "Collective Security Treaty Organization" in out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "outside the log's coverage" in lines[0] and "1992-05-15 to 2019-12-31" in lines[0]
    data = _json_state(run, "2030")
    assert data["coverage"] == {"from": "1992-05-15", "to": "2019-12-31", "organizations": ["CSTO"], "inside": False}
    assert {m["modality"] for m in data["members"]} == {"presumed"}


def test_a_date_inside_coverage_prints_no_warning(run):
    """Inside the coverage stderr stays empty and JSON says inside."""
    code, _out, err = run("state", "--at", "2009-06-14", "--format", "json")
    assert code == 0 and err == ""
    assert _json_state(run, "2009-06-14")["coverage"]["inside"] is True


def test_crrf_contributors_are_not_belarus_alone(run):
    """The seed names no other contributor: the rest are not stated, not absent."""
    crrf = _row(_json_state(run, "2010-06-01")["forces"], "CSTO.CRRF")
    assert [c["id"] for c in crrf["contributors"]] == ["BLR"] and crrf["contributors_complete"] is False
    from orgsim.cli import _contributors

    assert _contributors(crrf) == "BLR; others not stated"


def test_certain_only_drops_what_is_only_possible_or_presumed(run):
    """--certain-only: Uzbekistan is not listed on 2006-08-15, the Secretary General not in 2019."""
    members = _json_state(run, "2006-08-15", "--certain-only")["members"]
    assert "UZB" not in {m["id"] for m in members} and len(members) == 8
    assert "CSTO.SG" not in {o["id"] for o in _json_state(run, "2019-03-01", "--certain-only")["offices"]}


def test_diff_does_not_call_a_narrowing_a_change(csto):
    """A body known by 2002 is possible in 2000 and certain in 2007: not 'added', but listed under answers."""
    from orgsim.engine.diff import diff

    d = diff(csto, "2000-06-01", "2007-06-01")
    assert ["body", "CSTO.CSC"] not in [c["key"] for c in d["changes"]]
    narrowed = [a for a in d["answers"] if a["key"] == ["body", "CSTO.CSC"]]
    assert narrowed and (narrowed[0]["before"], narrowed[0]["after"]) == ("possible", "certain")


def test_the_graph_carries_the_answer_on_nodes_and_edges(csto):
    """On 2006-08-15 Uzbekistan's edge to the organization is possible; Russia's certain."""
    from orgsim.engine.graph import state_graph

    g = state_graph(csto.at("2006-08-15"))
    assert g.edges["UZB", "CSTO"]["modality"] == "possible" and g.nodes["UZB"]["modality"] == "possible"
    assert g.edges["RUS", "CSTO"]["modality"] == "certain"


def test_the_membership_frame_has_the_bounds_as_dates(csto):
    """start_earliest .. end_latest are datetime64 columns; Uzbekistan's return spans August 2006."""
    from orgsim.engine.frames import membership_frame

    df = membership_frame(csto)
    for col in ("start_earliest", "start_latest", "end_earliest", "end_latest"):
        assert str(df[col].dtype).startswith("datetime64"), col
    ret = df[(df.member == "UZB") & (df.start_event == "uzb-readmission-2006-08")].iloc[0]
    assert (str(ret.start_earliest.date()), str(ret.start_latest.date()), ret.precision) == \
        ("2006-08-01", "2006-08-31", "month")


def test_an_organization_the_log_only_names_is_unknown_for_states_it_does_not_place(csto):
    """Belarus in the CIS: the log holds none of the CIS's history, so the answer is unknown."""
    s = csto.at("2000-01-01")
    assert s.status_of("CIS", "BLR") == [{"org": "CIS", "id": "BLR", "status": "unknown", "modality": "unknown"}]
    arm = s.status_of("CIS", "ARM")
    assert arm[0]["status"] == "member" and arm[0]["modality"] == "presumed"
    assert s.status_of("CSTO", "UKR") == []  # covered and silent: not a member


# --- the engine on an invented log with every kind of imprecise date -------------------

def _answers(index, day):
    return sorted((f.key, str(f.value), f.event, a.modality, a.start_earliest, a.start_latest, a.end_earliest,
                   a.end_latest, a.attested) for f, a, _ref in index.answers_at(day))


def _dense_days(log, step=11):
    lo = min(e.date.key for e in log.events) - 400
    hi = max((e.date.upper or e.date.key) for e in log.events) + 800
    return range(lo, hi, step)


@pytest.mark.parametrize("path", [IMPRECISE, TINY])
def test_vectorised_and_replayed_compiles_give_the_same_answers_every_day(path):
    """Both compiles of the index give the same facts, answers and bounds on a dense sample of days."""
    log = load_log(path)
    by_replay = FactIndex(log, method="replay", cache=False)
    try:
        by_vector = FactIndex(log, method="vector", cache=False)
    except ValueError:
        by_vector = None  # a log with kinds the vectorised compile does not take
    history = History(log)
    for day in _dense_days(log, step=37):
        # The facts the reference replay holds are those a full replay to that day holds.
        replayed = history.replay_to(parse_date(parse_date("2000").first.fromordinal(day).isoformat()))
        assert {f.key: f for f, _a, ref in by_replay.answers_at(day) if ref} == replayed.facts, day
    for day in _dense_days(log):
        want = _answers(by_replay, day)
        if by_vector is not None:
            assert _answers(by_vector, day) == want, day
        # Each answer is the one decided from the interval's own bounds.
        from orgsim.engine.answers import decide

        for fact, _s, _e, _x, b in by_replay.spans():
            got = [a for f, a, _r in by_replay.answers_at(day) if f == fact]
            expect = decide(day, b.start_earliest, b.start_latest, b.end_earliest, b.end_latest, b.attested,
                            by_replay.coverage.end)
            assert (got[0].modality if got else None) == expect, (fact.key, day)


def test_each_kind_of_imprecise_date_gives_its_span():
    """Month, year~, month?, ../year, range, season, %: the possible span of each start as documented."""
    h = History.load(IMPRECISE)
    spans = {f.event: b for f, *_rest, b in h.index.spans()}
    iso = lambda o: parse_date("2000").first.fromordinal(o).isoformat()  # noqa: E731
    assert (iso(spans["nld-joins"].start_earliest), iso(spans["nld-joins"].start_latest)) == ("1991-06-01", "1991-06-30")
    assert (iso(spans["ita-joins"].start_earliest), iso(spans["ita-joins"].start_latest)) == ("1991-01-01", "1993-12-31")
    assert (iso(spans["esp-joins"].start_earliest), iso(spans["esp-joins"].start_latest)) == ("1994-02-01", "1994-04-30")
    assert (iso(spans["council"].start_earliest), iso(spans["council"].start_latest)) == ("1990-03-10", "1996-12-31")
    assert (iso(spans["force"].start_earliest), iso(spans["force"].start_latest)) == ("1998-03-01", "1998-05-31")
    bel = [b for f, *_r, b in h.index.spans("member") if f.key[2] == "BEL"][0]
    assert (iso(bel.end_earliest), iso(bel.end_latest)) == ("2000-03-01", "2000-07-31")


def test_presumed_after_the_last_text_that_attests_it():
    """Spain's accession is told by a text of 2001: certain in 2000, presumed in 2002."""
    h = History.load(IMPRECISE)
    modality = lambda d: _row(h.at(d).members("IA"), "ESP")["modality"]  # noqa: E731
    assert (modality("2000-06-01"), modality("2002-06-01")) == ("certain", "presumed")


IMPRECISE_EVENTS = [e.id for e in load_log(IMPRECISE).events if e.date.earliest != e.date.latest
                    or e.date.lower is None]


@settings(max_examples=60, deadline=None)
@given(event=st.sampled_from(IMPRECISE_EVENTS), where=st.floats(0, 1), days=st.lists(
    st.integers(0, 12000), min_size=8, max_size=8))
def test_narrowing_a_date_never_turns_certain_into_absent_nor_absent_into_certain(event, where, days):
    """Choose a day inside one event's bounds: what was certain still holds, what was absent is not certain."""
    from orgsim.events.yamlio import load_yaml_file

    raw = load_yaml_file(IMPRECISE)
    base = History.load(IMPRECISE)
    d = base.log.event(event).date
    lo = d.earliest if d.earliest is not None else base.index.coverage.start
    hi = d.latest
    chosen = lo + int(where * (hi - lo))
    for ev in raw["events"]:
        if ev["id"] == event:
            ev["date"] = parse_date("2000").first.fromordinal(chosen).isoformat()
    from orgsim.events.parse import parse_log

    narrowed = History(parse_log(raw, "narrowed.yaml"))
    start = base.index.coverage.start - 500
    for offset in days:
        day = start + offset
        was = {(f.key, str(f.value), f.event): a.modality for f, a, _r in base.index.answers_at(day)}
        now = {(f.key, str(f.value), f.event): a.modality for f, a, _r in narrowed.index.answers_at(day)}
        for fact, modality in was.items():
            if modality == "certain":
                assert fact in now, (event, chosen, day, fact)
        for fact, modality in now.items():
            if modality == "certain":
                assert fact in was, (event, chosen, day, fact)
