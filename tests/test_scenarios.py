"""Counterfactual scenarios: branches, consequences with reasons, rules as code, conflicting obligations."""

import glob
import json
import os

import pytest

from orgsim.engine.history import History
from orgsim.events import LOGS_DIR
from orgsim.scenarios.branch import build_branch
from orgsim.scenarios.load import load_scenario
from orgsim.scenarios.model import Scenario
from orgsim.scenarios.obligations import conflict_intervals
from orgsim.scenarios.rules import base_admitted, decision_adopted, force_use_allowed

from .conftest import TINY

HERE = os.path.dirname(__file__)
SCENARIOS = os.path.join(HERE, "..", "scenarios")
BUNDLED = sorted(glob.glob(os.path.join(SCENARIOS, "*.yaml")))


def scenario(name):
    return build_branch(load_scenario(os.path.join(SCENARIOS, f"{name}.yaml")))


def members(history, date):
    return sorted(m["id"] for m in history.at(date).members(status="member"))


@pytest.mark.parametrize("log_path", [TINY] + sorted(glob.glob(os.path.join(LOGS_DIR, "*.yaml"))),
                         ids=os.path.basename)
def test_a_branch_without_interventions_equals_its_baseline(log_path):
    """With no interventions the branch has the baseline's state on every event date, and skips nothing new."""
    baseline = History.load(log_path)
    branch = build_branch(Scenario(name="none", question="?", log=log_path, path="none.yaml"), baseline)
    for d in baseline.event_dates():
        assert branch.history.at(d).facts == baseline.at(d).facts, d
    assert branch.invalidated == [] and branch.derived == []


def test_uzbekistan_1999_compare_shows_continuous_membership_and_the_invalidated_readmission(run):
    """`scenario compare … --at 2008-01-01 --format json`: UZB a member 1999–2006; the 2006 readmission invalidated."""
    code, out, _ = run("scenario", "compare", os.path.join(SCENARIOS, "uzbekistan-signs-1999.yaml"),
                       "--at", "2008-01-01", "--format", "json")
    data = json.loads(out)
    uzb = [r for r in data["timeline"]["branch"] if r["member"] == "UZB"]
    member = next(r for r in uzb if r["status"] == "member")
    assert code == 0 and member["from"] == "1994-04-20" and member["to"] == "2012-12"
    (inv,) = data["invalidated"]
    assert inv["event"] == "uzb-readmission-2006-08"
    assert inv["reason"] == "UZB was already a member of CSTO on 2006-08 (since 1994-04-20)"
    base = [r["status"] for r in data["timeline"]["baseline"] if r["member"] == "UZB"]
    assert "not_renewed" in base


def test_strict_consensus_delays_the_crrf_until_belarus_consents():
    """Rule 14(1) applied strictly: no CRRF on 2009-08-01, a CRRF on 2009-11-01, and the rule named."""
    b = scenario("belarus-2009-strict-consensus")
    assert "CSTO.CRRF" not in [f["id"] for f in b.history.at("2009-08-01").forces()]
    assert "CSTO.CRRF" in [f["id"] for f in b.history.at("2009-11-01").forces()]
    (derived,) = b.derived
    assert derived.id == "crrf-formed-2009" and derived.date.text == "2009-10-20"
    assert "CSTO.R.CONSENSUS (strict)" in derived.derived_by and "BLR" in derived.derived_by
    # In the baseline the seed dates the formation to 2009 only (l.41, l.320): formed by the end of 2009 at the
    # latest, and possibly already on 2009-08-01; on that day Belarus is not a contributor under any reading.
    assert b.baseline.log.by_id["crrf-formed-2009"].date.text == "2009"
    assert "CSTO.CRRF" in [f["id"] for f in b.baseline.at("2010-01-01").forces()]
    crrf = {f["id"]: f for f in b.baseline.at("2009-08-01").forces()}.get("CSTO.CRRF", {})
    assert "BLR" not in [c["id"] for c in crrf.get("contributors", [])]


def test_nine_members_at_war_inside_one_treaty_is_a_conflict_of_obligations():
    """Armenia and Azerbaijan both members under a mutual-defence rule: every other member is bound to both."""
    b = scenario("azerbaijan-georgia-sign-1999")
    assert len(members(b.history, "2005")) == 9
    spans = conflict_intervals(b.history)
    assert {(c["rule"], *c["between"]) for c in spans} == {("CSTO.R.COLLECTIVE-DEFENCE", "ARM", "AZE")}
    # The war is dated 1993-09/1999: the conflict is possible from the treaty's entry into force, certain
    # once the war's start is past every reading, and presumed after the last text that tells of the war.
    assert [(c["from"], c["to"], c["modality"]) for c in spans] == [
        ("1994-04-20", "2000-01-01", "possible"), ("2000-01-01", "2017-01-01", "certain"),
        ("2017-01-01", None, "presumed")]
    assert "RUS" in spans[0]["bound"]
    # In the baseline Azerbaijan left in 1999, so the clash is never certain.
    assert {c["modality"] for c in conflict_intervals(b.baseline)} == {"possible"}


def test_obligations_command_reports_rule_members_and_dates(run):
    """`orgsim obligations --scenario …` names the rule, the two members and the start date."""
    code, out, _ = run("obligations", "--scenario", os.path.join(SCENARIOS, "azerbaijan-georgia-sign-1999.yaml"),
                       "--at", "1996", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["conflicts"][0]["between"] == ["ARM", "AZE"]
    assert report["intervals"][0]["from"] == "1994-04-20"


def test_ukraine_1992_and_moldova_2004():
    """Ukraine is a member from 1994 (and in GUAM from 1997); Moldova joins in 2004."""
    ua = scenario("ukraine-joins-1992")
    assert "UKR" in members(ua.history, "2000") and "UKR" not in members(ua.baseline, "2000")
    assert "UKR" in [m["id"] for m in ua.history.at("2000").members("GUAM", status="member")]
    md = scenario("moldova-joins-2004")
    assert "MDA" in members(md.history, "2005") and "mda-kozak-refusal-2003" not in md.log.by_id


def test_force_use_rules_in_the_kyrgyz_and_coup_scenarios():
    """Internal unrest does not meet the recorded criterion; switched off it does; a 2011 rule admits coups."""
    kg = scenario("kyrgyzstan-2010-request-granted")
    assert not force_use_allowed(kg.baseline.at("2010-07"), "internal_unrest").allowed
    assert force_use_allowed(kg.history.at("2010-07"), "internal_unrest").allowed
    assert "crrf-deployed-kgz-2010" in [e.id for e in kg.history.events("2010-06", "2010-06", kind="deployment")]
    coups = scenario("crrf-against-coups-2011")
    assert force_use_allowed(coups.history.at("2012"), "coup").allowed
    ruling = force_use_allowed(coups.baseline.at("2012"), "coup")
    assert not ruling.allowed and ruling.rule == "CSTO.R.FORCE-USE"


def test_uzbekistan_staying_contradicts_the_sources_snapshots():
    """If Uzbekistan stays, seven members in 2013, and the sources' 'six members today' are reported as findings."""
    b = scenario("uzbekistan-stays-2012")
    assert "UZB" in members(b.history, "2013-06-01")
    assert any("the replay has UZB but the source does not" in f.message for f in b.history.findings)


def test_decision_points(csto):
    """A body's decision fails strict consensus if a member is absent; a base needs no member's objection."""
    s = csto.at("2009-07-01")
    ruling = decision_adopted(s, "CSTO.CSC", ["BLR"])
    assert not ruling.allowed and ruling.rule == "CSTO.R.CONSENSUS" and "BLR" in ruling.reason
    assert decision_adopted(s, "CSTO.CSC", []).allowed
    assert decision_adopted(s, "CSTO.CSC", ["FRA"]).allowed  # not a member: its absence does not count
    assert base_admitted(csto.at("2012-06-01"), ["KAZ"]).allowed  # the protocol is not yet in force
    assert not base_admitted(csto.at("2013-01-01"), ["KAZ"]).allowed


@pytest.mark.parametrize("path", BUNDLED, ids=os.path.basename)
def test_every_bundled_scenario_validates(path, run):
    """Each bundled what-if names its question, the seed passages behind it and its expected outcome."""
    code, out, err = run("scenario", "validate", path)
    s = load_scenario(path)
    assert code == 0, err
    assert s.question.endswith("?") and s.expected and s.raised_by
    seed_lines = {r["line"] for r in s.raised_by}
    assert all(isinstance(n, int) for n in seed_lines)


BAD = {
    "unknown event": ("interventions:\n  - remove: no-such-event\n", 6, "unknown event 'no-such-event'"),
    "bad date": ("interventions:\n  - move: uzb-suspended-2012\n    to: 2012-02-30\n", 6, "day is out of range"),
    "unknown rule": ("interventions:\n  - rule: CSTO.R.NOPE\n    mode: strict\n", 6, "unknown rule 'CSTO.R.NOPE'"),
    "bad rule mode": ("interventions:\n  - rule: CSTO.R.CONSENSUS\n    mode: sometimes\n", 6, "mode must be one of"),
    "insert without rationale": ("interventions:\n  - insert: {id: x, date: '2000', kind: accession, actors: [UKR]}\n",
                                 6, "needs a `rationale`"),
    "two verbs": ("interventions:\n  - remove: uzb-suspended-2012\n    move: uzb-suspended-2012\n", 6, "exactly one"),
    "unknown field": ("colour: red\n", 1, "unknown field 'colour'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_scenarios_get_one_line_and_exit_2(case, tmp_path, run):
    """Unknown ids, bad dates, unknown rules and malformed interventions: one line with the file's line, exit 2."""
    body, line, fragment = BAD[case]
    path = tmp_path / "s.yaml"
    path.write_text("orgsim_scenario: 1\nname: t\nquestion: t?\nlog: csto\n" + body, encoding="utf-8")
    code, out, err = run("scenario", "validate", str(path))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith(f"orgsim: error: {path}:{line}: ") and fragment in err


@pytest.mark.parametrize("content, fragment", [
    ("- a\n- list\n", "must be a YAML mapping"),
    ("name: x\n", "orgsim_scenario: 1"),
    ("orgsim_scenario: 1\nname: x\nquestion: y\nlog: nowhere.yaml\n", "neither a bundled log nor a file"),
])
def test_scenario_files_that_are_not_scenarios(content, fragment, tmp_path, run):
    """A YAML list, a missing version or an unknown log: one line, exit 2."""
    path = tmp_path / "s.yaml"
    path.write_text(content, encoding="utf-8")
    code, _, err = run("scenario", "validate", str(path))
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1


def test_a_50_mb_scenario_is_refused_before_parsing(tmp_path, run):
    """A huge file is refused by its size, quickly and without reading it as YAML."""
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as fh:
        fh.write(b"orgsim_scenario: 1\n" + b"#" * (50 * 1024 * 1024) + b"\n")
    code, _, err = run("scenario", "validate", str(path))
    assert code == 2 and "larger than the 1,048,576 bytes" in err


def test_compare_writes_json_and_figures(tmp_path, run):
    """`scenario compare -o DIR` writes compare.json, the side-by-side diagram and both timelines."""
    out = tmp_path / "cmp"
    code, _, _ = run("scenario", "compare", os.path.join(SCENARIOS, "moldova-joins-2004.yaml"), "-o", str(out),
                     "--format", "json")
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["compare.json", "network.png", "timeline-baseline.png",
                                                     "timeline-branch.png"]
    assert json.loads((out / "compare.json").read_text())["differences"]["members"] == [
        {"id": "MDA", "baseline": None, "branch": "member"}]


def test_compare_reports_a_removed_body_exit(write_log, run, tmp_path):
    """Must show: a scenario that removes a state's exit from a body reports the difference, at a date and through time."""
    from .test_validation import BODY_EXIT_AND_RETURN

    log = write_log(BODY_EXIT_AND_RETURN)
    scenario = tmp_path / "stays.yaml"
    scenario.write_text(f"orgsim_scenario: 1\nname: France stays\nquestion: What if France had not left?\n"
                        f"log: {os.path.basename(log)}\ninterventions:\n- remove: fra-leaves-cmd\n", encoding="utf-8")
    code, out, err = run("scenario", "compare", str(scenario), "--at", "2000")
    assert code == 0, err
    out = " ".join(out.split())  # the table titles wrap
    assert "differences in bodies and other organizations on 2000" in out
    assert "statuses through time in bodies and other organizations" in out
    assert "no differences" not in out
    data = json.loads(run("scenario", "compare", str(scenario), "--at", "2000", "--format", "json")[1])
    assert data["differences"]["memberships"] == [{"org": "TA.CMD", "id": "FRA", "baseline": "withdrawn",
                                                   "branch": "member"}]
    assert data["membership_timeline_differences"] == [{"org": "TA.CMD", "member": "FRA",
                                                        "baseline": "member 1991 → withdrawn 1995 → member 2009",
                                                        "branch": "member 1991"}]
    later = json.loads(run("scenario", "compare", str(scenario), "--at", "2010", "--format", "json")[1])
    assert later["differences"]["memberships"] == [] and later["membership_timeline_differences"]


def test_compare_covers_forces_offices_and_protocols():
    """The comparison holds every part of the state: contributors, offices and protocols as well as members."""
    from orgsim.scenarios.branch import build_branch
    from orgsim.scenarios.compare import compare
    from orgsim.scenarios.load import load_scenario

    result = compare(build_branch(load_scenario(os.path.join(SCENARIOS, "uzbekistan-signs-1999.yaml"))), "2003")
    assert set(result["differences"]) == {"members", "memberships", "bodies", "forces", "contributors", "rules",
                                          "offices", "protocols"}
    assert [d["protocol"] for d in result["differences"]["protocols"]] == ["CSTO.P.EXTENSION-1999"]


def test_compared_timelines_share_their_x_axis(tmp_path, run):
    """compare -o draws the two timelines over the same dates, so they can be laid side by side."""
    import matplotlib.image

    from orgsim.reports.timeline import timeline_figure, timeline_span
    from orgsim.scenarios.branch import build_branch
    from orgsim.scenarios.load import load_scenario

    branch = build_branch(load_scenario(os.path.join(SCENARIOS, "uzbekistan-signs-1999.yaml")))
    span = timeline_span(branch.baseline, branch.history)
    limits = [timeline_figure(h, span=span).axes[0].get_xlim() for h in (branch.baseline, branch.history)]
    assert limits[0] == limits[1]
    code, _, err = run("scenario", "compare", os.path.join(SCENARIOS, "uzbekistan-signs-1999.yaml"), "-o",
                       str(tmp_path / "cmp"))
    assert code == 0, err
    sizes = [matplotlib.image.imread(tmp_path / "cmp" / f"timeline-{s}.png").shape[1] for s in ("baseline", "branch")]
    assert sizes[0] == sizes[1]
