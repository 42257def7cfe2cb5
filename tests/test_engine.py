"""The engine on a small invented log: statuses, readings, skips, index, graph, frames, diff."""

import ast
import glob
import os
import re
import textwrap

import pytest

from orgsim.engine.diff import diff
from orgsim.engine.frames import membership_frame
from orgsim.engine.graph import state_graph
from orgsim.engine.history import History
from orgsim.engine.replay import replay
from orgsim.events import LOGS_DIR, load_log
from orgsim.events.dates import parse_date

from .conftest import TINY

ALL_LOGS = [TINY] + sorted(glob.glob(os.path.join(LOGS_DIR, "*.yaml")))


def statuses(state, org="TA"):
    return {m["id"]: m["status"] for m in state.members(org)}


def test_signatories_become_members_when_the_treaty_enters_into_force(tiny):
    """Before entry into force the parties are signatories, after it members, dated by that event;
    during 1991, the year it entered into force, either may hold."""
    assert set(statuses(tiny.at("1990-12")).values()) == {"signatory"}
    during = tiny.at("1991-06-01").members()
    assert {(m["status"], m["modality"]) for m in during} == {("signatory", "possible"), ("member", "possible")}
    after = tiny.at("1992-01-01")
    assert set(statuses(after).values()) == {"member"}
    assert {m["since"] for m in after.members()} == {"1991"}


def test_month_precision_is_kept_in_the_state(tiny):
    """NLD's suspension is dated '2005-12' in the state, never a day."""
    nld = [m for m in tiny.at("2006").members() if m["id"] == "NLD"][0]
    assert (nld["status"], nld["since"]) == ("suspended", "2005-12")


def test_an_event_applies_from_the_first_day_of_its_period(tiny):
    """A month-dated event holds on the 1st of that month, not the day before."""
    assert statuses(tiny.at("2005-11-30"))["NLD"] == "member"
    assert statuses(tiny.at("2005-12-01"))["NLD"] == "suspended"


@pytest.mark.parametrize("path", ALL_LOGS, ids=os.path.basename)
def test_index_answers_as_a_full_replay_on_every_event_date(path):
    """The compiled index and a replay from the start agree on every date an event falls on (and the day before)."""
    h = History.load(path)
    days = sorted({e.date.key for e in h.log.events} | {e.date.key - 1 for e in h.log.events})
    for day in days:
        d = parse_date(__import__("datetime").date.fromordinal(day).isoformat())
        assert h.at(d).facts == h.replay_to(d).facts, d


def test_the_alternative_reading_is_set_aside_and_can_be_chosen(tiny):
    """By default the conflict's default reading replays; the other is reported as set aside."""
    assert [s.event.id for s in tiny.skipped] == ["bra-withdrew"]
    assert "not selected" in tiny.skipped[0].reason
    alt = History.load(TINY, readings={"c-exit": "withdrew"})
    assert statuses(alt.at("2006"))["NLD"] == "withdrawn"
    assert [s.event.id for s in alt.skipped] == ["bra-suspended"]


def test_an_unknown_reading_is_an_error(tiny):
    """Choosing a reading the conflict does not have is refused."""
    with pytest.raises(ValueError, match="no reading 'maybe'"):
        History.load(TINY, readings={"c-exit": "maybe"}).at("2000")


def test_lenient_replay_skips_what_no_longer_holds_and_says_why():
    """Remove the suspension and the later readmission fails its presupposition: reported, not dropped."""
    log = load_log(TINY)
    branch = log.with_events(e for e in log.events if e.id != "bra-suspended")
    r = replay(branch, strict=False)
    skipped = {s.event.id: s.reason for s in r.skipped}
    assert skipped["nld-back"].startswith("NLD was already a member of TA on 2008~")
    assert "nld-back" not in {e.id for e in r.applied}


def test_force_contributors_strength_and_parent(tiny):
    """A force has its parent body, contributors with their dates, and its stated strength."""
    (force,) = tiny.at("1994").forces()
    assert force["parent"] == "TA.COUNCIL" and force["strength"] == 5000
    assert [(c["id"], c["since"]) for c in force["contributors"]] == [
        ("BEL", "1993-06-01"), ("DEU", "1992-05-01"), ("FRA", "1992-05-01")]
    assert [c["id"] for c in tiny.at("1993-05-31").forces()[0]["contributors"]] == ["DEU", "FRA"]


def test_a_source_claim_that_disagrees_with_the_replay_is_reported(write_log):
    """membership_attested changes nothing; a mismatch becomes a finding naming both sides."""
    path = write_log("""\
        - id: claim
          date: "1995"
          kind: membership_attested
          target: TA
          payload: {members: [FRA, DEU, BEL], status: signatory}
          sources: [{source: notes, line: 3, quote: q, gloss: g}]
        """)
    (finding,) = History.load(path).validate().findings
    assert finding.event == "claim" and "the source names BEL but the replay does not" in finding.message


def test_graph_has_typed_nodes_and_dated_sourced_edges(tiny):
    """States, the organization, bodies and forces are typed nodes; edges carry type, since and event."""
    g = state_graph(tiny.at("1994"))
    types = {n: d["type"] for n, d in g.nodes(data=True)}
    assert types == {"TA": "organization", "FRA": "state", "DEU": "state", "BEL": "state", "NLD": "state",
                     "TA.COUNCIL": "body", "TA.RRF": "force"}
    edge = g.edges["BEL", "TA.RRF"]
    assert (edge["type"], edge["since"], edge["event"], edge["source_line"]) == (
        "contributes_to", "1993-06-01", "bel-joins-force", 6)
    assert g.edges["TA.RRF", "TA.COUNCIL"]["type"] == "part_of"


def test_membership_frame_has_one_row_per_interval(tiny):
    """NLD: signatory, member, suspended, member again: four intervals, closed by the next event."""
    df = membership_frame(tiny)
    nld = df[df.member == "NLD"]
    assert nld.status.tolist() == ["signatory", "member", "suspended", "member"]
    assert nld.start_text.tolist() == ["1990-11", "1991", "2005-12", "2008~"]
    assert nld.end_text.tolist()[:3] == ["1991", "2005-12", "2008~"] and nld.end.isna().tolist()[-1]


def test_diff_lists_changed_facts_and_the_events_between(tiny):
    """Between 1993 and 2006: BEL joins the force, the rule and office appear, NLD is suspended."""
    d = diff(tiny, "1993-01-01", "2006")
    keys = {tuple(c["key"]): c["change"] for c in d["changes"]}
    assert keys[("member", "TA", "NLD")] == "changed"
    assert keys[("rule", "TA.R.CONSENSUS")] == "added"
    assert d["events"] == ["bel-joins-force", "consensus", "sg", "bra-suspended", "bra-withdrew"]


def test_the_engine_names_no_organization():
    """Nothing in engine/ knows a particular organization (doctest examples aside)."""
    engine = os.path.join(os.path.dirname(__file__), "..", "engine")
    for path in glob.glob(os.path.join(engine, "*.py")):
        tree = ast.parse(open(path, encoding="utf-8").read())
        for node in ast.walk(tree):  # drop docstrings: their examples may use the bundled log
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                    and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                body[0] = ast.Pass()
        code = ast.unparse(tree)
        assert not re.search(r"csto|crrf|uzbek|\bCST\b", code, re.I), path


def test_a_skipped_contribution_leaves_no_trace():
    """If one of two contributors already contributes, the whole event is skipped: the other is not added."""
    log = load_log(TINY)
    extra = next(e for e in log.events if e.id == "bel-joins-force")
    from dataclasses import replace as _replace
    both = _replace(extra, id="both-join", actors=("NLD", "FRA"), date=parse_date("1993-07-01"))
    r = replay(log.with_events([*log.events, both]), strict=False)
    assert any(s.event.id == "both-join" and "FRA already contributes" in s.reason for s in r.skipped)
    assert ("contrib", "TA.RRF", "NLD") not in r.state.facts


def test_a_derived_log_is_never_taken_for_its_file():
    """A branch's log is marked derived, so a cached index of the file can never answer for it."""
    from orgsim.engine import index_cache
    log = load_log(TINY)
    branch = log.with_events(log.events[:-1])
    assert branch.path.endswith("#derived") and branch.with_events(branch.events).path == branch.path
    assert not index_cache._applies(branch)


def test_an_unknown_status_is_not_drawn_as_membership(write_log):
    """A source's missing code (status_unknown) is its own edge type, not member_of."""
    path = write_log("""\
        - id: unknown
          date: "1991"
          kind: status_unknown
          actors: [BEL]
          target: TA
          sources: [{source: notes, line: 3, quote: q, gloss: g}]
        """)
    g = state_graph(History.load(path).at("1992"))
    assert g.edges["BEL", "TA"]["type"] == "status_unknown" and g.edges["FRA", "TA"]["type"] == "member_of"


def test_protocols_belong_to_their_organization_whatever_their_id(write_log):
    """A protocol whose id has no organization prefix is still listed among the organization's protocols."""
    path = write_log("""\
        - id: pact
          date: "1992"
          kind: protocol_signed
          actors: [FRA, DEU]
          target: TA
          payload: {protocol: PACT-1992, title: A pact}
          sources: [{source: notes, line: 3, quote: q, gloss: g}]
        """)
    (p,) = History.load(path).at("1993").protocols()
    assert (p["id"], p["status"], p["org"]) == ("PACT-1992", "signed", "TA")


LIFE_LOG = textwrap.dedent("""\
    orgsim_log: 2
    id: t
    organization: TA
    entities: {organizations: {TA: {name: Test Alliance}, TB: {name: Successor}}}
    sources: {notes: {file: notes.txt}}
    events:
    - {id: ta-signed, date: "1990-03-01", kind: treaty_signed, actors: [FRA, DEU], target: TA, sources: [{source: notes, line: 1, quote: q, gloss: g}]}
    - {id: ta-in-force, date: "1991-03-01", kind: treaty_in_force, target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
    - {id: council, date: "1991-02", kind: body_created, target: TA.COUNCIL, payload: {name: Council, parent: TA}, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
    - {id: ita-joins, date: "1991-03", kind: accession, actors: [ITA], target: TA, sources: [{source: notes, line: 4, quote: q, gloss: g}]}
    - {id: assembly, date: "1991-05", kind: body_created, target: TA.PA, actors: [FRA], payload: {name: Assembly, parent: TA}, sources: [{source: notes, line: 5, quote: q, gloss: g}]}
    - {id: esp-partner, date: "1992-03-01", kind: partner_status, actors: [ESP], target: TA, sources: [{source: notes, line: 6, quote: q, gloss: g}]}
    - {id: prt-assoc, date: "1992-03-01", kind: associate_status, actors: [PRT], target: TA, sources: [{source: notes, line: 7, quote: q, gloss: g}]}
    - {id: grc-unknown, date: "1992-03-01", kind: status_unknown, actors: [GRC], target: TA, sources: [{source: notes, line: 8, quote: q, gloss: g}]}
    - {id: force, date: "1992-03-01", kind: force_formed, target: TA.RRF, actors: [FRA], payload: {name: Force, parent: TA.COUNCIL, strength: 100}, sources: [{source: notes, line: 9, quote: q, gloss: g}]}
    - {id: rule-x, date: "1992-03-01", kind: rule_adopted, target: TA.R.X, payload: {title: Rule X}, sources: [{source: notes, line: 10, quote: q, gloss: g}]}
    - {id: esp-ends, date: "1993-03-01", kind: status_ended, actors: [ESP], target: TA, sources: [{source: notes, line: 11, quote: q, gloss: g}]}
    - {id: council-renamed, date: "1993-03-01", kind: body_renamed, target: TA.COUNCIL, payload: {name: Permanent Council}, sources: [{source: notes, line: 12, quote: q, gloss: g}]}
    - {id: strength, date: "1993-03-01", kind: force_strength, target: TA.RRF, payload: {strength: 300}, sources: [{source: notes, line: 13, quote: q, gloss: g}]}
    - {id: assembly-gone, date: "1994-03-01", kind: body_dissolved, target: TA.PA, sources: [{source: notes, line: 14, quote: q, gloss: g}]}
    - {id: rule-x-gone, date: "1994-03-01", kind: rule_repealed, target: TA.R.X, sources: [{source: notes, line: 15, quote: q, gloss: g}]}
    - {id: force-gone, date: "1995-03-01", kind: force_disbanded, target: TA.RRF, sources: [{source: notes, line: 16, quote: q, gloss: g}]}
    - {id: war, date: "1995-03-01", kind: armed_conflict, actors: [FRA, ITA], sources: [{source: notes, line: 17, quote: q, gloss: g}]}
    - {id: base, date: "1995-03-01", kind: base_established, actors: [ITA], payload: {user: FRA, name: Port Base}, sources: [{source: notes, line: 18, quote: q, gloss: g}]}
    - {id: deu-out, date: "1996-03-01", kind: system_exit, actors: [DEU], target: TA, sources: [{source: notes, line: 19, quote: q, gloss: g}]}
    - {id: ita-not-renewed, date: "1996-03-01", kind: non_renewal, actors: [ITA], target: TA, sources: [{source: notes, line: 20, quote: q, gloss: g}]}
    - {id: war-ends, date: "1996-06-01", kind: armed_conflict, actors: [ITA, FRA], payload: {ended: true}, sources: [{source: notes, line: 21, quote: q, gloss: g}]}
    - {id: deu-back, date: "1997-03-01", kind: system_return, actors: [DEU], target: TA, payload: {status: observer}, sources: [{source: notes, line: 22, quote: q, gloss: g}]}
    - {id: tb-founded, date: "1998-03-01", kind: org_founded, actors: [FRA], target: TB, payload: {name: Successor, predecessor: TA}, sources: [{source: notes, line: 23, quote: q, gloss: g}]}
    """)


class _ByReplay:
    """A history whose states come from a full replay (`replay_to`), the index's reference, not the index."""

    def __init__(self, history: History) -> None:
        self.history = history

    def at(self, day: str):
        return self.history.replay_to(day)


@pytest.fixture(scope="module", params=["index", "replay"])
def life(request, tmp_path_factory):
    """A log using each kind the bundled logs never use, one event a year, each dated to the day (1 March).

    Answered by the index (`at`) and by a full replay (`replay_to`): each must give what the kinds mean.
    """
    folder = tmp_path_factory.mktemp("life")
    (folder / "notes.txt").write_text("q\n" * 30, encoding="utf-8")
    (folder / "life.yaml").write_text(LIFE_LOG, encoding="utf-8")
    history = History.load(str(folder / "life.yaml"))
    return history if request.param == "index" else _ByReplay(history)


def test_side_statuses_begin_and_end(life):
    """1992: ESP partner, PRT associate, GRC status unknown, beside the members; 1993: ESP's partnership ended."""
    assert statuses(life.at("1992-06-01")) == {"FRA": "member", "DEU": "member", "ITA": "member", "ESP": "partner",
                                               "PRT": "associate", "GRC": "unknown"}
    assert "ESP" not in statuses(life.at("1993-06-01"))


def test_bodies_are_renamed_and_dissolved_with_their_members(life):
    """The council renamed in 1993; the assembly (FRA a member of it) dissolved in 1994, FRA's seat with it."""
    def bodies(day):
        return {b["id"]: b["name"] for b in life.at(day).bodies()}

    assert bodies("1992-06-01") == {"TA.COUNCIL": "Council", "TA.PA": "Assembly"}
    assert bodies("1993-06-01") == {"TA.COUNCIL": "Permanent Council", "TA.PA": "Assembly"}
    assert [(m["org"], m["id"]) for m in life.at("1993-06-01").body_members()] == [("TA.PA", "FRA")]
    assert bodies("1994-06-01") == {"TA.COUNCIL": "Permanent Council"}
    assert life.at("1994-06-01").body_members() == []


def test_a_force_changes_strength_and_is_disbanded(life):
    """TA.RRF: 100 in 1992 with FRA, 300 from 1993, gone in 1995; rule TA.R.X in force 1992-1994 only."""
    def forces(day):
        return [(f["id"], f["strength"], [c["id"] for c in f["contributors"]]) for f in life.at(day).forces()]

    assert forces("1992-06-01") == [("TA.RRF", 100, ["FRA"])]
    assert forces("1993-06-01") == [("TA.RRF", 300, ["FRA"])]
    assert forces("1995-06-01") == []
    assert [r["id"] for r in life.at("1993-06-01").rules()] == ["TA.R.X"]
    assert life.at("1994-06-01").rules() == []


def test_wars_and_bases_between_states(life):
    """FRA and ITA at war from 1995 to June 1996; FRA's base in ITA from 1995 on."""
    def relations(day):
        return sorted((r["type"], tuple(r.get("between") or (r["host"], r["user"]))) for r in life.at(day).relations())

    assert relations("1994-06-01") == []
    assert relations("1996-04-01") == [("armed_conflict", ("FRA", "ITA")), ("base", ("ITA", "FRA"))]
    assert relations("1996-09-01") == [("base", ("ITA", "FRA"))]


def test_leaving_the_state_system_and_returning_not_renewing_and_a_successor(life):
    """1996: DEU out of the state system, ITA not renewed; 1997: DEU back as an observer; 1998: TB replaces TA."""
    assert statuses(life.at("1996-04-01")) == {"FRA": "member", "DEU": "not_in_system", "ITA": "not_renewed",
                                               "PRT": "associate", "GRC": "unknown"}
    assert statuses(life.at("1997-06-01"))["DEU"] == "observer"
    after = life.at("1998-06-01")
    assert statuses(after) == {} and statuses(after, "TB") == {"FRA": "member"}
    assert after.organization("TA")["status"] == "dissolved"


def test_a_forces_other_contributors_are_unknown_unless_its_source_lists_them_all(write_log, run):
    """`contributors: complete` makes a force's list closed; without it `state` says the others are not stated."""
    path = write_log("""\
        - {id: ta-in-force, date: "1991", kind: treaty_in_force, target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        - {id: council, date: "1991-02", kind: body_created, target: TA.COUNCIL, payload: {name: Council, parent: TA}, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
        - {id: force-a, date: "1992", kind: force_formed, target: TA.FA, actors: [FRA], payload: {name: Force A, parent: TA.COUNCIL, contributors: complete}, sources: [{source: notes, line: 4, quote: q, gloss: g}]}
        - {id: force-b, date: "1992", kind: force_formed, target: TA.FB, actors: [DEU], payload: {name: Force B, parent: TA.COUNCIL}, sources: [{source: notes, line: 5, quote: q, gloss: g}]}
        """)
    code, out, _ = run("state", "--log", path, "--at", "1992-12-31")
    header = next(line for line in out.splitlines() if "contributors" in line).split("┃")
    column = [c.strip() for c in header].index("contributors")
    cells = {line.split("│")[1].strip(): line.split("│")[column].strip() for line in out.splitlines() if "TA.F" in line}
    assert code == 0 and cells == {"TA.FA": "FRA", "TA.FB": "DEU; others not stated"}


def test_a_charter_and_a_protocol_are_signed_then_in_force_and_a_renaming_adds_neither(write_log):
    """The charter keeps its signatories when it enters into force (and renames TA); a renaming is no protocol."""
    h = History.load(write_log("""\
        - {id: ta-in-force, date: "1991-03-01", kind: treaty_in_force, target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        - {id: charter-signed, date: "1992-03-01", kind: charter_signed, actors: [FRA, DEU], target: TA, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
        - {id: charter-in-force, date: "1993-03-01", kind: charter_in_force, target: TA, payload: {name: Test Treaty Organization, short: TTO}, sources: [{source: notes, line: 4, quote: q, gloss: g}]}
        - {id: renamed, date: "1994-03-01", kind: org_renamed, target: TA, payload: {name: Treaty Organization}, sources: [{source: notes, line: 5, quote: q, gloss: g}]}
        - {id: p1-signed, date: "1995-03-01", kind: protocol_signed, actors: [FRA], target: TA, payload: {protocol: TA.P1, title: First Protocol}, sources: [{source: notes, line: 6, quote: q, gloss: g}]}
        - {id: p1-in-force, date: "1996-03-01", kind: protocol_in_force, target: TA, payload: {protocol: TA.P1}, sources: [{source: notes, line: 7, quote: q, gloss: g}]}
        """))

    def seen(day):
        state = h.at(day)
        org = state.organization("TA")
        return (org["name"], org["short"],
                [(p["id"], p["title"], p["status"], sorted(p["signatories"])) for p in state.protocols()])

    charter = ("TA.CHARTER", "TA.CHARTER")
    assert seen("1992-06-01") == ("TA", "TA", [(*charter, "signed", ["DEU", "FRA"])])
    assert seen("1993-06-01") == ("Test Treaty Organization", "TTO", [(*charter, "in_force", ["DEU", "FRA"])])
    assert seen("1994-06-01") == ("Treaty Organization", "TTO", [(*charter, "in_force", ["DEU", "FRA"])])
    assert seen("1996-06-01")[2] == [(*charter, "in_force", ["DEU", "FRA"]),
                                     ("TA.P1", "First Protocol", "in_force", ["FRA"])]


def test_a_treaty_enters_into_force_for_the_states_named_and_leaves_other_statuses_alone(write_log):
    """In force for FRA only: FRA a member, DEU still a signatory, ITA (an observer since 1990-06) still an observer."""
    h = History.load(write_log("""\
        - {id: ita-observes, date: "1990-06", kind: observer_status, actors: [ITA], target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        - {id: in-force-fra, date: "1991", kind: treaty_in_force, actors: [FRA], target: TA, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
        """))
    expected = {"FRA": "member", "DEU": "signatory", "ITA": "observer"}
    assert statuses(h.at("1992-01-01")) == expected and statuses(h.replay_to("1992-01-01")) == expected


def test_an_attestation_is_the_record_of_an_organization_the_log_does_not_follow(write_log):
    """OT is declared, never founded: a 1995 source naming FRA and DEU as its members is what the log knows of it."""
    path = write_log("""\
        - {id: ot-members, date: "1995-03-01", kind: membership_attested, target: OT, payload: {members: [FRA, DEU], status: member}, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace("{TA: {name: Test Alliance}}", "{TA: {name: Test Alliance}, OT: {name: Other Treaty}}"))
    h = History.load(path)
    for state in (h.at, h.replay_to):
        assert state("1994-06-01").other_memberships() == []
        assert [(m["org"], m["id"], m["status"]) for m in state("1995-06-01").other_memberships()] == [
            ("OT", "DEU", "member"), ("OT", "FRA", "member")]


def test_a_source_that_leaves_out_a_member_is_reported_naming_it(write_log):
    """A source listing FRA alone as a signatory in 1995: the finding names DEU, whom the replay has and it omits."""
    path = write_log("""\
        - {id: short-list, date: "1995", kind: membership_attested, target: TA, payload: {members: [FRA], status: signatory}, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
        """)
    (finding,) = History.load(path).validate().findings
    assert finding.event == "short-list"
    assert finding.message.endswith("signatories of TA on 1995: the replay has DEU but the source does not")


def test_a_disbanded_force_takes_its_contributions_and_strength_with_it(write_log):
    """`diff` across the disbanding lists the force, FRA's contribution and the strength as removed."""
    h = History.load(write_log("""\
        - {id: ta-in-force, date: "1991", kind: treaty_in_force, target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        - {id: council, date: "1991-02", kind: body_created, target: TA.COUNCIL, payload: {name: Council, parent: TA}, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
        - {id: force, date: "1992-03-01", kind: force_formed, target: TA.RRF, actors: [FRA], payload: {name: Force, parent: TA.COUNCIL, strength: 100}, sources: [{source: notes, line: 4, quote: q, gloss: g}]}
        - {id: force-gone, date: "1995-03-01", kind: force_disbanded, target: TA.RRF, sources: [{source: notes, line: 5, quote: q, gloss: g}]}
        """))
    changes = {(c["category"], tuple(c["key"][1:]), c["change"]) for c in diff(h, "1994-06-01", "1995-06-01")["changes"]}
    assert changes == {("force", ("TA.RRF",), "removed"), ("force contribution", ("TA.RRF", "FRA"), "removed"),
                       ("force strength", ("TA.RRF",), "removed")}


def test_a_dissolved_organization_keeps_its_name_and_one_the_log_never_founded_can_end(tmp_path):
    """TA dissolved in 1996 is still 'Test Alliance' (TAL); OT, declared but never founded, is dissolved in 1995."""
    (tmp_path / "notes.txt").write_text("q\nq\nq\n", encoding="utf-8")
    path = tmp_path / "d.yaml"
    path.write_text(textwrap.dedent("""\
        orgsim_log: 2
        id: d
        organization: TA
        entities: {organizations: {TA: {name: Test Alliance}, OT: {name: Other Treaty}}}
        sources: {notes: {file: notes.txt}}
        events:
        - {id: ta-founded, date: "1990-03-01", kind: org_founded, actors: [FRA, DEU], target: TA, payload: {name: Test Alliance, short: TAL}, sources: [{source: notes, line: 1, quote: q, gloss: g}]}
        - {id: ot-ends, date: "1995-03-01", kind: org_dissolved, target: OT, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        - {id: ta-ends, date: "1996-03-01", kind: org_dissolved, target: TA, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
        """), encoding="utf-8")
    h = History.load(str(path))
    for state in (h.at, h.replay_to):
        ta, ot = (state("1997-06-01").organization(o) for o in ("TA", "OT"))
        assert (ta["name"], ta["short"], ta["status"], ta["event"]) == ("Test Alliance", "TAL", "dissolved", "ta-ends")
        assert (ot["status"], ot["event"]) == ("dissolved", "ot-ends")
        assert statuses(state("1997-06-01")) == {}
