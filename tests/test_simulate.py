"""The scenario simulator: SimPy processes, common random numbers, hazards and ensembles."""

import collections
import csv
import datetime as dt
import doctest
import io
import json
import os
import textwrap

import pytest

from orgsim.engine.history import History
from orgsim.events.model import thaw
from orgsim.events.parse import event_for_log
from orgsim.events.vocabulary import KINDS
from orgsim.scenarios import streams
from orgsim.scenarios.branch import build_branch
from orgsim.scenarios.ensemble import run_ensemble
from orgsim.scenarios.hazards import estimate_accession, estimate_withdrawal
from orgsim.scenarios.load import load_scenario
from orgsim.scenarios.plan import prepare
from orgsim.scenarios.simulate import simulate
from orgsim.events.dates import parse_date

HERE = os.path.dirname(__file__)
SCENARIOS = os.path.join(HERE, "..", "scenarios")
FUTURE = os.path.join(SCENARIOS, "future-2030.yaml")


@pytest.fixture(scope="module")
def future_plan():
    """The 2030 projection, ready to run."""
    return prepare(load_scenario(FUTURE))


def write_scenario(tmp_path, body: str, name: str = "s.yaml") -> str:
    """A scenario file on the bundled CSTO log."""
    path = tmp_path / name
    path.write_text("orgsim_scenario: 1\nname: test\nquestion: what if?\nlog: csto\n" + textwrap.dedent(body),
                    encoding="utf-8")
    return str(path)


# --- ensembles: reproducible, whatever runs them ----------------------------------------

def test_thousand_runs_of_the_2030_projection(run):
    """`scenario run future-2030.yaml --runs 1000 --seed 1` gives a sensible distribution and says how."""
    code, out, err = run("scenario", "run", FUTURE, "--runs", "1000", "--seed", "1", "--workers", "2",
                         "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    members = {r["date"]: float(r["value"]) for r in rows if r["table"] == "members" and r["id"] == "mean"}
    assert members["2019-05-01"] == 6.0 and 4 < members["2030-12-31"] < 9
    assert all(0 <= float(r["value"]) <= 1 for r in rows if r["table"] == "membership")
    assert {r["id"] for r in rows if r["table"] == "membership"} >= {"RUS", "UZB", "SRB"}
    assert "exits / member-years at risk" in err


def test_the_same_command_prints_the_same_numbers_with_one_or_two_workers(run):
    """The same command prints the same table twice, and --workers 2 the same as --workers 1."""
    args = ("scenario", "run", FUTURE, "--runs", "100", "--seed", "1")
    first, second, two = run(*args), run(*args), run(*args, "--workers", "2")
    assert first[0] == 0 and first == second
    assert two[1] == first[1]
    assert run("scenario", "run", FUTURE, "--runs", "100", "--seed", "2")[1] != first[1]


def test_dask_local_cluster_gives_the_same_ensemble(run, future_plan):
    """An ensemble run on a local Dask cluster (and via --scheduler) equals the local one."""
    distributed = pytest.importorskip("dask.distributed")
    local = run_ensemble(future_plan, 40, seed=7)
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        remote = run_ensemble(future_plan, 40, seed=7, scheduler=cluster.scheduler_address)
        code, out, _ = run("scenario", "run", FUTURE, "--runs", "40", "--seed", "7", "--format", "json",
                           "--scheduler", cluster.scheduler_address)
    assert (remote.members == local.members).all() and (remote.count == local.count).all()
    assert remote.members_frame().equals(local.members_frame())
    assert code == 0 and json.loads(out) == json.loads(run("scenario", "run", FUTURE, "--runs", "40", "--seed",
                                                           "7", "--format", "json")[1])


# --- common random numbers --------------------------------------------------------------

def test_baseline_and_branch_share_the_draws_of_untouched_states(tmp_path):
    """A branch that only makes Armenia leave in 2015 keeps Russia's absences and exits draw for draw."""
    stochastic = "stochastic: {start: '2019-05-01', until: '2026-12-31', absence: 0.3, withdrawal: 0.08}\n"
    base = write_scenario(tmp_path, stochastic + "interventions: []\n", "base.yaml")
    branch = write_scenario(tmp_path, stochastic + textwrap.dedent("""\
        interventions:
        - insert: {id: arm-leaves-2015, date: '2015-01-01', kind: withdrawal, actors: [ARM], target: CSTO,
                   rationale: Armenia leaves}
        """), "branch.yaml")
    a, b = (simulate(load_scenario(p), seed=11, run=3) for p in (base, branch))

    def absences(sim, state):
        return [(e.date.text, e.target) for e in sim.emitted if e.kind == "session" and state in e.payload["absent"]]

    def exits(sim, state):
        return [e.date.text for e in sim.emitted if e.kind == "withdrawal" and state in e.actors]

    for state in ("RUS", "KAZ", "TJK"):
        assert absences(a, state) == absences(b, state) and absences(a, state)
        assert exits(a, state) == exits(b, state)
    # Only the intervention differs: Armenia no longer sits in the councils (its PA delegation stays).
    councils = {"CSTO.CSC", "CSTO.CFM", "CSTO.CMD", "CSTO.CSSC"}
    assert {body for _, body in absences(a, "ARM")} & councils
    assert not {body for _, body in absences(b, "ARM")} & councils


def test_a_draw_depends_only_on_its_own_name():
    """A stream is named by (seed, run, process, entity, period): asking others first changes nothing."""
    s = streams.Streams(5, 2)
    first = s.uniforms("attendance", "RUS", "CSTO.CSC/2021/0")
    for state in ("ARM", "BLR", "KAZ"):
        s.uniforms("attendance", state, "CSTO.CSC/2021/0")
    assert streams.Streams(5, 2).uniforms("attendance", "RUS", "CSTO.CSC/2021/0", 3)[:2] == first
    assert streams.Streams(5, 2).uniforms("attendance", "RUS", "CSTO.CSC/2021/1") != first
    assert doctest.testmod(streams).failed == 0


# --- the processes ----------------------------------------------------------------------

def test_sessions_follow_the_calendars_and_events_name_process_and_rule(future_plan):
    """Each simulated year has a CSC session and two of each council; events say who made them and replay."""
    sim = simulate(future_plan, seed=1, run=0)
    sessions = collections.Counter((e.target, e.date.text[:4]) for e in sim.emitted if e.kind == "session")
    for year in map(str, range(2020, 2031)):
        assert sessions[("CSTO.CSC", year)] >= 1
        for council in ("CSTO.CFM", "CSTO.CMD", "CSTO.CSSC"):
            assert sessions[(council, year)] >= 2
    ids = [e.id for e in sim.emitted]
    assert len(set(ids)) == len(ids) and not set(ids) & set(future_plan.log.by_id)
    for e in sim.emitted:
        assert e.kind in KINDS and e.rationale
        assert e.derived_by.startswith("process ") and "; rule " in e.derived_by
        if e.kind == "session":
            assert "absent" in e.payload
        raw = {"id": e.id, "date": e.date.text, "kind": e.kind, "org": e.org, "actors": list(e.actors),
               "target": e.target, "payload": thaw(e.payload), "rationale": e.rationale,
               "derived_by": e.derived_by, "confidence": e.confidence, "seq": e.seq}
        event_for_log(raw, future_plan.log, e.order, "sim")  # a valid log event
    assert {e.derived_by.split(";")[0] for e in sim.emitted} >= {
        "process calendar(CSTO.CSC)", "process rules(decision_adopted)"}
    skipped = {s.event.id for s in sim.history.skipped}
    assert not skipped & set(ids)  # the branch log plus the emitted events replays
    assert sim.history.at("2030-12-31").facts == sim.run.state.facts
    assert [e.id for e in simulate(future_plan, seed=1, run=0).emitted] == ids  # deterministic


def test_decisions_at_sessions_and_requests_go_through_the_rules(tmp_path):
    """Strict consensus blocks decisions when a member stays away; the force-use criterion decides requests."""
    path = write_scenario(tmp_path, """\
        stochastic: {start: '2019-05-01', until: '2023-12-31', absence: 0.3, request: 0.6}
        interventions:
        - rule: CSTO.R.CONSENSUS
          mode: strict
        """)
    sim = simulate(load_scenario(path), seed=2)
    assert sim.run.blocked and all(b["rule"] == "CSTO.R.CONSENSUS" for b in sim.run.blocked)
    csc = [e for e in sim.emitted if e.kind == "session" and e.target == "CSTO.CSC"]
    decided = {e.payload.get("decided_at") for e in sim.emitted if e.kind == "decision"}
    assert all((s.id in decided) == (not s.payload["absent"]) for s in csc)
    rulings = [e for e in sim.emitted if e.kind == "decision" and "request" in e.payload]
    assert rulings and {r.payload["situation"] for r in rulings} == {"external_border_violation", "internal_unrest"}
    for r in rulings:
        assert r.payload["granted"] == (r.payload["situation"] == "external_border_violation")
        assert "CSTO.R.FORCE-USE" in r.derived_by and r.derived_by.startswith("process rules(force_use_allowed)")


def test_a_deterministic_scenario_run_once_is_the_branch_replay(run):
    """Without a stochastic block one run gives exactly the branch: same log, same state on every date."""
    path = os.path.join(SCENARIOS, "uzbekistan-stays-2012.yaml")
    scenario = load_scenario(path)
    branch = build_branch(scenario)
    sim = simulate(scenario)
    assert not sim.emitted and sim.log.events == branch.log.events
    for d in branch.history.event_dates():
        assert sim.history.at(d).facts == branch.history.at(d).facts
    code, out, _ = run("scenario", "run", path, "--format", "json")
    data = json.loads(out)
    last = data["fork"]
    members = {m["id"] for m in branch.history.at(last).members(status="member")}
    assert code == 0 and data["runs"] == 1
    assert {s for s, p in data["membership"][last].items() if p == 1.0} == members


def test_the_branch_s_later_events_are_scheduled_on_the_clock(tmp_path):
    """Forked in 2000, the SimPy run applies the branch's later events and ends in the branch's state."""
    path = write_scenario(tmp_path, """\
        stochastic: {start: '2000', until: '2018-12-31'}
        interventions:
        - remove: uzb-suspended-2012
        """)
    scenario = load_scenario(path)
    branch = build_branch(scenario)
    sim = simulate(scenario)
    assert not sim.emitted  # no calendar rule is in force before 2019, and nothing is random
    for d in branch.history.event_dates():
        if d.key <= parse_date("2018-12-31").key:
            assert sim.history.at(d).facts == branch.history.at(d).facts
    assert sim.run.state.facts == branch.history.at("2018-12-31").facts


# --- hazards ----------------------------------------------------------------------------

def test_hazard_estimates_equal_a_hand_count(write_log):
    """Exits per member-year and accessions per candidate-year equal a count by hand on a small log."""
    src = "sources: [{source: notes, line: 2, quote: q, gloss: g}]"
    path = write_log(f"""\
        - {{id: in-force, date: '1991-01-01', kind: treaty_in_force, target: TA, {src}}}
        - {{id: bel-joins, date: '1995-01-01', kind: accession, actors: [BEL], target: TA, {src}}}
        - {{id: fra-leaves, date: '2000-01-01', kind: withdrawal, actors: [FRA], target: TA, {src}}}
        - {{id: nld-joins, date: '2005-01-01', kind: accession, actors: [NLD], target: TA, {src}}}
        """)
    history = History.load(path)
    fork = parse_date("2010-01-01").key

    def days(a, b):
        return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days

    # At risk of leaving: FRA 1990-2000, DEU 1990-2010, BEL 1995-2010, NLD 2005-2010; one exit (FRA).
    member_days = days("1990-01-01", "2000-01-01") + days("1990-01-01", "2010-01-01") + \
        days("1995-01-01", "2010-01-01") + days("2005-01-01", "2010-01-01")
    w = estimate_withdrawal(history, fork)
    assert (w.count, w.days_at_risk) == (1, member_days)
    assert w.rate == pytest.approx(1 / (member_days / 365.25))
    # Candidates: POL (never joins) 1990-2010, BEL 1990-1995, NLD 1990-2005; two accessions.
    candidate_days = days("1990-01-01", "2010-01-01") + days("1990-01-01", "1995-01-01") + \
        days("1990-01-01", "2005-01-01")
    a = estimate_accession(history, fork, ["POL"])
    assert (a.count, a.days_at_risk) == (2, candidate_days)
    assert a.rate == pytest.approx(2 / (candidate_days / 365.25))
    assert a.counted == ("BEL 1995-01-01", "NLD 2005-01-01")
    assert "accessions / candidate-years at risk = 2 / " in a.describe()


def test_the_projection_says_how_its_hazards_were_estimated(run):
    """The 2030 projection prints each estimate with its formula, its counts and its window."""
    code, out, _ = run("scenario", "run", FUTURE, "--runs", "5", "--seed", "1")
    assert code == 0
    # AZE, GEO and UZB leave with the treaty's term on 1999-04-20 (conflict non-renewal-1999, default term-end).
    assert "withdrawal = exits / member-years at risk = 3 / 190.90 = 0.0157 per year" in out
    assert "accession = accessions / candidate-years at risk = 4 / 192.94 = 0.0207 per year" in out
    assert "1992-05-15 to 2019-05-01" in out


# --- the command line and the chart -----------------------------------------------------

@pytest.mark.parametrize("args", [("--runs", "0"), ("--runs", "many"), ("--workers", "0"), ("--seed", "-1"),
                                  ("-o", "chart.txt"), ("-o", "no/such/folder/chart.png"),
                                  ("--workers", "2", "--scheduler", "tcp://127.0.0.1:1")])
def test_bad_arguments_are_one_line_errors(run, args):
    """A bad --runs, --workers, --seed or -o ends with one line naming the option, and exit status 2."""
    code, out, err = run("scenario", "run", FUTURE, *args)
    assert code == 2 and out == ""
    # A path no file can be written to is refused by the one output writer, which names the path.
    named = err.startswith(f"orgsim: error: {args[0]} ") or (
        args[0] == "-o" and err.startswith(f"orgsim: error: cannot write {args[1]}"))
    assert named and err.count("\n") == 1
    assert all(a in err for a in args if a.startswith("-")) or named, err
    assert len(args) > 2 or args[1] in err, err


def test_a_horizon_before_the_fork_is_refused(run, tmp_path):
    """stochastic.until before stochastic.start is a one-line error naming the file."""
    path = write_scenario(tmp_path, "stochastic: {start: '2019', until: '2010'}\ninterventions: []\n")
    code, _, err = run("scenario", "run", path)
    assert code == 2 and "before the fork date 2019-01-01" in err and "s.yaml" in err


def test_fan_chart_is_written(run, tmp_path, future_plan):
    """-o FILE.png writes the fan chart: bands, median, the record before the fork."""
    from orgsim.reports.fanchart import fan_chart
    from orgsim.scenarios.ensemble import record_before_fork

    ens = run_ensemble(future_plan, 20, seed=1)
    fig = fan_chart(ens.members_frame(), future_plan.name, record_before_fork(future_plan), runs=20)
    gids = {a.get_gid() for a in fig.axes[0].get_children()}
    assert {"band:05-95", "band:25-75", "line:median", "line:observed"} <= gids
    out = tmp_path / "fan.png"
    code, _, err = run("scenario", "run", FUTURE, "--runs", "20", "--format", "json", "-o", str(out))
    assert code == 0 and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "wrote" in err


def test_ensemble_results_name_the_log_they_came_from(run):
    """An ensemble's JSON carries the baseline's head hash (as `state` reports it) and the branch's."""
    _, state_out, _ = run("state", "--at", "2000", "--format", "json")
    code, out, _ = run("scenario", "run", os.path.join(SCENARIOS, "uzbekistan-stays-2012.yaml"), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["log_hash"] == json.loads(state_out)["log_hash"]
    assert data["branch_hash"] != data["log_hash"] and len(data["branch_hash"]) == 64
