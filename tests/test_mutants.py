"""Tests written against mutants that survived the suite (docs/testing.md): each asserts what a user sees.

Expected values come from hand-written fixtures and known facts (the EDTF specification, COW's codebook,
the chain rule documented in events/canonical.py), never from the function under test.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
import sqlite3
import textwrap

import pytest

from orgsim.engine.history import History
from orgsim.events import load_log
from orgsim.events.dates import DateError, parse_date, parse_query_date
from orgsim.events.store.chain import Store
from orgsim.events.store.rows import Entry, row_hash
from orgsim.events.store.view import import_entries, store_rows
from orgsim.scenarios.branch import build_branch
from orgsim.scenarios.load import load_scenario
from orgsim.scenarios.rules import base_admitted

from .conftest import TINY


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- events/dates.py -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1995%", "1995-06%", "1995-06-01%"])
def test_percent_marks_a_date_approximate_and_uncertain(text):
    """EDTF level 1: '%' means both approximate and uncertain, at any precision."""
    d = parse_date(text)
    assert (d.approximate, d.uncertain) == (True, True)


def test_percent_on_one_side_makes_a_range_approximate():
    """A range with '%' on its start is approximate and uncertain; the same range without it is neither."""
    assert (parse_date("1995%/1997").approximate, parse_date("1995%/1997").uncertain) == (True, True)
    assert (parse_date("1995/1997").approximate, parse_date("1995/1997").uncertain) == (False, False)


def test_a_range_may_end_inside_its_start_year():
    """`2009/2009-06` is the first half of 2009: accepted, from 1 January to 30 June."""
    d = parse_date("2009/2009-06")
    assert (d.first.isoformat(), d.last.isoformat(), d.precision) == ("2009-01-01", "2009-06-30", "range")


@pytest.mark.parametrize("text, earliest, latest", [
    ("2009-06-14", "2009-06-14", "2009-06-14"),  # no qualifier: no margin
    ("2009-06-14~", "2009-06-13", "2009-06-15"), ("2009-06-30%", "2009-06-28", "2009-07-02"),
    ("2016-10~", "2016-09-01", "2016-11-30"), ("2016-10%", "2016-08-01", "2016-12-31"),
    ("2016-11~", "2016-10-01", "2016-12-31"), ("2016-12?", "2016-11-01", "2017-01-31"),
    ("2016-01~", "2015-12-01", "2016-02-29"), ("1993~", "1992-01-01", "1994-12-31"),
    ("199X~", "1980-01-01", "2009-12-31"), ("2001/2003~", "2000-12-01", "2004-01-31"),
])
def test_a_qualified_date_reaches_one_unit_further_each_side_per_qualifier(text, earliest, latest):
    """'~' or '?' widens a date by one unit of its precision each side, '%' by two; months roll over years."""
    import datetime as dt

    d = parse_date(text)
    assert (dt.date.fromordinal(d.earliest).isoformat(), dt.date.fromordinal(d.latest).isoformat()) == (earliest, latest)


@pytest.mark.parametrize("text, hint", [
    ("30.02.2009", "2009-02"), ("32.12.2009", "2009-12"), ("32.01.2009", "2009-01"), ("15.13.2009", "2009"),
    ("15.00.2009", "2009"), ("12/2009", "2009-12"), ("1/2009", "2009-01"), ("13/2009", "2009"), ("0/2009", "2009"),
    ("200906", None), ("06/209", None),
])
def test_a_mistyped_query_date_is_refused_with_the_nearest_documented_form(text, hint):
    """A day that does not exist keeps its month; a month out of 1-12 falls back to the year; no guess from no year."""
    with pytest.raises(DateError) as info:
        parse_query_date(text)
    base = f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"
    assert str(info.value) == (base + f" (did you mean {hint}?)" if hint else base)


def test_parsing_a_date_loads_no_numpy():
    """The date parser stays light (scripts and the CLI's validation import it): numpy is for its type alias only."""
    import subprocess
    import sys

    code = "import sys; from orgsim.events.dates import parse_date; parse_date('2009-06~'); print('numpy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_a_range_ending_before_its_start_is_refused():
    """`2009-07/2009-06` ends before it starts; `2009-06/2009-06` (one month) is fine."""
    with pytest.raises(DateError, match="ends before it starts"):
        parse_date("2009-07/2009-06")
    assert parse_date("2009-06/2009-06").last.isoformat() == "2009-06-30"


def test_a_range_of_one_day_is_accepted():
    """`2009-06-01/2009-06-01` starts and ends on the same day: a valid range of one day."""
    d = parse_date("2009-06-01/2009-06-01")
    assert (d.first.isoformat(), d.last.isoformat()) == ("2009-06-01", "2009-06-01")


def test_open_ranges_keep_their_known_side():
    """`../2009-06` (attested by June 2009) applies from 1 June; `2009-06/..` has no last day; `../..` is refused."""
    before = parse_date("../2009-06")
    assert (before.first.isoformat(), before.last.isoformat(), before.lower) == ("2009-06-01", "2009-06-30", None)
    after = parse_date("2009-06/..")
    assert (after.first.isoformat(), after.last) == ("2009-06-01", None)
    with pytest.raises(DateError, match="^'../..' is open at both ends$"):
        parse_date("../..")


def test_a_parsed_date_cannot_be_changed_for_every_caller():
    """Dates are cached and shared between callers, so a parsed date refuses to be changed."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_date("1993").key = 0  # type: ignore[misc]
    assert parse_date("1993").first.isoformat() == "1993-01-01"


@pytest.mark.parametrize("text", ["2009-12-32", "2009-11-31", "2009-02-29"])
def test_an_impossible_day_is_refused_as_out_of_range(text):
    """December has 31 days, November 30, February 2009 28: the error says the day is out of range."""
    with pytest.raises(DateError, match=f"^'{text}' is not a valid date: day is out of range for month$"):
        parse_date(text)


@pytest.mark.parametrize("value", [None, 1993, "", "   "])
def test_a_date_that_is_not_text_or_is_blank_is_refused_in_one_sentence(value):
    """A missing, numeric or blank date is a DateError quoting it, never an AttributeError."""
    with pytest.raises(DateError, match=f"^{re.escape(repr(value))} is not a date$"):
        parse_date(value)


@pytest.mark.parametrize("text", ["1000", "2200", "1000-21", "2200-24"])
def test_the_first_and_last_supported_years_are_accepted(text):
    """Years 1000 and 2200 are inside the documented range, on the plain and the EDTF (season) paths."""
    assert parse_date(text).first.year in (1000, 2200)


@pytest.mark.parametrize("text", ["0999", "2201", "0999-21", "2300-21"])
def test_years_outside_1000_2200_are_refused_on_every_path(text):
    """A typo'd year is refused whether the date is plain or a season read by the EDTF library."""
    with pytest.raises(DateError, match=f"^'{text}' is outside the years 1000-2200$"):
        parse_date(text)


@pytest.mark.parametrize("text,precision", [("[1990-06-01..1990-06-15]", "range"),
                                            ("[1990-01-01..1990-12-15]", "range"),
                                            ("[1990-02-02..1990-12-31]", "range"), ("1990-06-XX", "month"),
                                            ("1990-XX", "year"), ("199X", "decade")])
def test_an_edtf_span_is_a_month_or_year_only_when_it_covers_it_whole(text, precision):
    """Half of June is a range, not June; 1 January to 15 December is a range, not the year."""
    assert parse_date(text).precision == precision


@pytest.mark.parametrize("text,approximate,uncertain", [("199X?", False, True), ("199X~", True, False),
                                                        ("199X%", True, True), ("199X", False, False)])
def test_qualifiers_on_an_edtf_date(text, approximate, uncertain):
    """On the EDTF path too: '?' uncertain, '~' approximate, '%' both."""
    d = parse_date(text)
    assert (d.approximate, d.uncertain) == (approximate, uncertain)


def test_a_date_text_of_64_characters_is_read_and_of_65_refused_unread():
    """The length limit is 64: 64 characters reach the parser, 65 are refused by their length."""
    with pytest.raises(DateError, match="'x{64}' is not a date: write YYYY"):
        parse_date("x" * 64)
    with pytest.raises(DateError, match="65 characters, more than 64$"):
        parse_date("x" * 65)


# --- scenarios/branch.py and rules.py -------------------------------------------------------------------

def test_a_branch_honours_a_reading_intervention(tmp_path):
    """`reading: c-exit, choose: withdrew` makes NLD withdrawn in 2006; the baseline keeps it suspended."""
    path = _write(tmp_path, "reading.yaml", textwrap.dedent(f"""\
        orgsim_scenario: 1
        name: reading
        question: What if the withdrawal reading is the true one?
        log: {TINY}
        raised_by: [{{line: 10, quote: withdrew, gloss: withdrew}}]
        expected: NLD withdrawn in 2006
        interventions:
          - {{reading: c-exit, choose: withdrew}}
        """))
    branch = build_branch(load_scenario(path))

    def nld(history):
        return {m["id"]: m["status"] for m in history.at("2006-06-01").members()}.get("NLD")

    assert nld(branch.baseline) == "suspended"
    assert nld(branch.history) == "withdrawn"
    assert [s["event"] for s in branch.set_aside] == ["bra-suspended"]


def _tiny_scenario(tmp_path, interventions: str) -> str:
    return _write(tmp_path, "s.yaml", textwrap.dedent(f"""\
        orgsim_scenario: 1
        name: s
        question: What if?
        log: {TINY}
        raised_by: [{{line: 1, quote: q, gloss: g}}]
        expected: something
        interventions:
        """) + textwrap.indent(textwrap.dedent(interventions), "  "))


def test_a_branch_moves_changes_inserts_and_removes_events(tmp_path):
    """Each verb does what it says on the tiny log, and the branch lists what it did, in order."""
    branch = build_branch(load_scenario(_tiny_scenario(tmp_path, """\
        - {move: sg, to: "1996-03-01", why: later}
        - {change: nld-back, set: {date: "2007"}}
        - {insert: {id: ita-joins, date: "1999", kind: accession, actors: [ITA], target: TA, rationale: what if}}
        - {remove: bel-joins-force}
        """)))
    log = branch.log
    assert log.event("sg").date.text == "1996-03-01" and "scenario 's': move sg (later)" == log.event("sg").rationale
    assert log.event("nld-back").date.text == "2007"
    assert "bel-joins-force" not in log.by_id and log.event("ita-joins").derived_by == "scenario 's'"
    assert [a["verb"] for a in branch.applied] == ["move", "change", "insert", "remove"]
    members = {m["id"] for m in branch.history.at("2000").members(status="member")}
    assert members == {"FRA", "DEU", "BEL", "NLD", "ITA"}


def test_a_branch_shows_itself_in_a_notebook_with_its_interventions_counted(tmp_path):
    """`repr(branch)`: the scenario's name, the organization, '1 intervention' or '2 interventions', the events."""
    one = build_branch(load_scenario(_tiny_scenario(tmp_path, "- {remove: sg}\n")))
    assert repr(one) == "<Branch 's' of TA: 1 intervention, 11 events>"
    two = build_branch(load_scenario(_tiny_scenario(tmp_path, "- {remove: sg}\n- {remove: attest}\n")))
    assert repr(two) == "<Branch 's' of TA: 2 interventions, 10 events>"


def test_a_branch_lists_each_intervention_with_its_arguments(tmp_path):
    """`branch.applied`: verb, target, line, why and the verb's own arguments; an insert is named, not copied whole."""
    branch = build_branch(load_scenario(_tiny_scenario(tmp_path, """\
        - {move: sg, to: "1996-03-01", why: later}
        - {insert: {id: ita-joins, date: "1999", kind: accession, actors: [ITA], target: TA, rationale: what if}}
        - {reading: c-exit, choose: withdrew}
        """)))
    assert branch.applied == [
        {"verb": "move", "target": "sg", "line": 8, "why": "later", "to": "1996-03-01"},
        {"verb": "insert", "target": "ita-joins", "line": 9, "why": ""},
        {"verb": "reading", "target": "c-exit", "line": 10, "why": "", "choose": "withdrew"}]


def test_an_inserted_event_follows_the_logs_events_of_its_day(tmp_path):
    """BEL's withdrawal inserted on 1993-06-01, the day BEL joined the force: the joining stands, then BEL leaves."""
    branch = build_branch(load_scenario(_tiny_scenario(tmp_path, """\
        - {insert: {id: bel-leaves, date: "1993-06-01", kind: withdrawal, actors: [BEL], target: TA, rationale: what if}}
        """)))
    assert branch.invalidated == []
    assert {m["id"]: m["status"] for m in branch.history.at("1993-06-02").members()}["BEL"] == "withdrawn"


def test_an_event_removed_twice_is_an_error_naming_the_line(tmp_path):
    """The second intervention on a removed event is refused with the scenario's file and line."""
    path = _tiny_scenario(tmp_path, """\
        - {remove: sg}
        - {move: sg, to: "1996"}
        """)
    from orgsim.events.errors import InputError

    with pytest.raises(InputError, match=r"s\.yaml:9: .*move: event 'sg' was already removed"):
        build_branch(load_scenario(path))


def test_base_admitted_ignores_objections_from_states_that_are_not_members(csto):
    """Georgia left the CSTO in 1999 and the USA never joined: their objections in 2013 do not block a base."""
    ruling = base_admitted(csto.at("2013-01-01"), ["GEO", "USA"])
    assert ruling.allowed and ruling.reason == "no member objected"


def test_base_admitted_names_the_objecting_member(csto):
    """Armenia, a member, objects alongside the USA: refused, naming Armenia alone and the rule."""
    ruling = base_admitted(csto.at("2013-01-01"), ["USA", "ARM"])
    assert not ruling.allowed
    assert ruling.reason == "ARM objected formally (CSTO.R.THIRD-COUNTRY-BASES)"


def test_participation_consensus_on_the_tiny_council(tiny):
    """TA.R.CONSENSUS (1994) covers TA.COUNCIL: a member's absence blocks it when strict, and only then."""
    from orgsim.scenarios.rules import decision_adopted

    state = tiny.at("1995-06-01")
    blocked = decision_adopted(state, "TA.COUNCIL", ["NLD", "ITA"], "strict")
    assert not blocked.allowed and blocked.rule == "TA.R.CONSENSUS"
    assert blocked.reason == "NLD did not take part, which under TA.R.CONSENSUS means no consent"
    assert decision_adopted(state, "TA.COUNCIL", ["NLD"], "recorded") == \
        type(blocked)(True, None, "the rule is not applied strictly")
    assert decision_adopted(state, "TA.COUNCIL", ["ITA"], "strict").reason == "every member took part"
    assert decision_adopted(state, "TA.OTHER", ["NLD"], "strict").allowed  # the rule names only the council
    assert decision_adopted(tiny.at("1993-06-01"), "TA.COUNCIL", ["NLD"], "strict").allowed  # before the rule


def test_switching_a_rule_off_removes_its_events_and_says_so(tiny):
    """`rule: TA.R.CONSENSUS, mode: off` drops the adoption and reports it; other modes keep the events."""
    from orgsim.scenarios.rules import apply_rule_switches

    events, derived, removed = apply_rule_switches(tiny.log, list(tiny.log.events), {"TA.R.CONSENSUS": "off"})
    assert "consensus" not in {e.id for e in events} and len(events) == len(tiny.log.events) - 1
    assert removed == [{"event": "consensus", "reason": "rule TA.R.CONSENSUS switched off"}] and derived == []
    kept, _d, gone = apply_rule_switches(tiny.log, list(tiny.log.events), {"TA.R.CONSENSUS": "recorded"})
    assert [e.id for e in kept] == [e.id for e in tiny.log.events] and gone == []


def test_force_use_follows_the_rule_in_force(csto):
    """CSTO's criterion (allowed: external border violation; excluded: internal unrest), and before it any use."""
    from orgsim.scenarios.rules import force_use_allowed

    state = csto.at("2012-01-01")
    assert force_use_allowed(state, "external_border_violation").allowed
    refused = force_use_allowed(state, "internal_unrest")
    assert not refused.allowed and refused.reason.startswith("internal unrest does not meet ")
    assert not force_use_allowed(state, "coup").allowed  # neither allowed nor excluded: not allowed
    assert force_use_allowed(csto.at("1995-01-01"), "coup").reason == "no rule in force excludes it"


SESSIONS_LOG = textwrap.dedent("""\
    orgsim_log: 2
    id: sessions
    organization: TA
    entities: {organizations: {TA: {name: Test Alliance}, OT: {name: Other Treaty}}}
    sources: {notes: {file: notes.txt}}
    conflicts:
      - id: c-bel
        question: Did BEL join in 1991 or in 1995?
        readings:
          - {id: early, summary: joined 1991, lines: [3], events: [bel-early]}
          - {id: late, summary: joined 1995, lines: [4], events: [bel-late]}
        default: early
        reason: The earlier note is the treaty record.
    events:
      - {id: ta-signed, date: "1990", kind: treaty_signed, actors: [FRA, DEU], target: TA, sources: [{source: notes, line: 1, quote: q, gloss: g}]}
      - {id: ta-in-force, date: "1991", kind: treaty_in_force, target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
      - {id: bel-early, date: "1991-06", kind: accession, actors: [BEL], target: TA, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
      - {id: bel-late, date: "1995", kind: accession, actors: [BEL], target: TA, sources: [{source: notes, line: 4, quote: q, gloss: g}]}
      - {id: council, date: "1991-02", kind: body_created, target: TA.COUNCIL, payload: {name: Council, parent: TA, type: council}, sources: [{source: notes, line: 5, quote: q, gloss: g}]}
      - {id: ot-bases, date: "1991-03", kind: rule_adopted, org: OT, target: OT.R.BASES, payload: {title: Bases, params: {type: no_objection}}, sources: [{source: notes, line: 15, quote: q, gloss: g}]}
      - {id: consensus, date: "1992", kind: rule_adopted, target: TA.R.CONSENSUS, payload: {title: Consensus, params: {type: participation_consensus, bodies: [TA.COUNCIL]}}, sources: [{source: notes, line: 6, quote: q, gloss: g}]}
      - {id: s0, date: "1991-09-01", kind: session, target: TA.COUNCIL, payload: {body: TA.COUNCIL, absent: [BEL]}, sources: [{source: notes, line: 13, quote: q, gloss: g}]}
      - {id: force-0, date: "1991-09-01", kind: force_formed, target: TA.RF0, actors: [DEU], payload: {name: Early Force, parent: TA.COUNCIL, decided_at: s0}, sources: [{source: notes, line: 14, quote: q, gloss: g}]}
      - {id: s1, date: "1993-03-01", kind: session, target: TA.COUNCIL, payload: {body: TA.COUNCIL, absent: []}, sources: [{source: notes, line: 7, quote: q, gloss: g}]}
      - {id: force-a, date: "1993-03-01", kind: force_formed, target: TA.RFA, actors: [FRA], payload: {name: First Force, parent: TA.COUNCIL, decided_at: s1}, sources: [{source: notes, line: 8, quote: q, gloss: g}]}
      - {id: s2, date: "1994-05-10", kind: session, target: TA.COUNCIL, payload: {body: TA.COUNCIL, absent: [BEL]}, sources: [{source: notes, line: 9, quote: q, gloss: g}]}
      - {id: force-b, date: "1994-05-10", kind: force_formed, target: TA.RFB, actors: [DEU], payload: {name: Second Force, parent: TA.COUNCIL, decided_at: s2}, sources: [{source: notes, line: 10, quote: q, gloss: g}]}
      - {id: sg, date: "1995-01-15", kind: office_appointment, target: TA.SG, payload: {person: A. Person, title: Secretary General}, sources: [{source: notes, line: 11, quote: q, gloss: g}]}
      - {id: bel-joins-b, date: "BEL_JOINS", kind: force_contribution, target: TA.RFB, actors: [BEL], sources: [{source: notes, line: 12, quote: q, gloss: g}]}
    """)


def _strict_branch(tmp_path, bel_joins: str = "1996-02-01", reading: str = "", extra: str = ""):
    """The sessions log (BEL absent from s2, which decided force-b) branched with TA.R.CONSENSUS strict."""
    (tmp_path / "notes.txt").write_text("q\n" * 20, encoding="utf-8")
    log = _write(tmp_path, "sessions.yaml", SESSIONS_LOG.replace("BEL_JOINS", bel_joins))
    return build_branch(load_scenario(_write(tmp_path, "strict.yaml", textwrap.dedent(f"""\
        orgsim_scenario: 1
        name: strict
        question: What if the consensus rule were applied strictly?
        log: {log}
        raised_by: [{{line: 9, quote: q, gloss: g}}]
        expected: force-b waits for BEL
        interventions:
          - {{rule: TA.R.CONSENSUS, mode: strict}}
        """) + (f"  - {{reading: c-bel, choose: {reading}}}\n" if reading else "") + extra)))


def _forces(history, day):
    return {f["id"]: sorted(c["id"] for c in f.get("contributors", [])) for f in history.at(day).forces()}


def test_strict_consensus_moves_a_decision_to_the_absent_members_later_consent(tmp_path):
    """BEL stayed away from s2: force-b is formed when BEL joins it (1996-02-01), not before, and BEL is in it.

    The log's first rule is another organization's (OT.R.BASES, no_objection). force-0, decided at s0 (BEL absent) before the
    rule was adopted, and force-a, decided at s1 where everyone took part, are untouched; BEL's 1995 accession and
    the 1995 appointment are later events but not its consent to force-b.
    """
    branch = _strict_branch(tmp_path)
    assert [(e.id, e.date.text) for e in branch.derived] == [("force-b", "1996-02-01")]
    assert branch.derived[0].derived_by.endswith("adopted when BEL consented (bel-joins-b, 1996-02-01)")
    assert branch.removed == [] and branch.invalidated == []
    assert _forces(branch.history, "1995-06-01") == {"TA.RF0": ["DEU"], "TA.RFA": ["FRA"]}
    assert _forces(branch.history, "1996-02-02") == {"TA.RF0": ["DEU"], "TA.RFA": ["FRA"], "TA.RFB": ["BEL", "DEU"]}
    assert _forces(branch.baseline, "1995-06-01") == {"TA.RF0": ["DEU"], "TA.RFA": ["FRA"], "TA.RFB": ["DEU"]}


def test_strict_consensus_drops_a_decision_whose_only_consent_is_on_the_day_of_the_session(tmp_path):
    """BEL joins force-b on the very day of the session it stayed away from: not a later consent, so no force-b."""
    branch = _strict_branch(tmp_path, bel_joins="1994-05-10")
    assert branch.derived == []
    assert branch.removed == [{"event": "force-b", "reason": "rule TA.R.CONSENSUS (strict): BEL did not take part, "
                               "which under TA.R.CONSENSUS means no consent at s2, and no later consent is recorded"}]
    assert "TA.RFB" not in _forces(branch.history, "2000")
    assert [r["event"] for r in branch.invalidated] == ["bel-joins-b"]


def test_strict_consensus_follows_the_scenarios_reading_of_who_was_a_member(tmp_path):
    """Read BEL as joining in 1995, it was not a member at s2 in 1994: its absence blocks nothing."""
    branch = _strict_branch(tmp_path, reading="late")
    assert branch.derived == [] and branch.removed == []
    assert _forces(branch.history, "1995-06-01") == {"TA.RF0": ["DEU"], "TA.RFA": ["FRA"], "TA.RFB": ["DEU"]}


def test_strict_consensus_on_a_branch_that_invalidates_an_event(tmp_path):
    """BEL's accession removed as well: BEL's absence blocks nothing, and its force contribution is reported, no error."""
    branch = _strict_branch(tmp_path, extra="  - {remove: bel-early}\n")
    assert branch.derived == [] and branch.removed == []
    assert [r["event"] for r in branch.invalidated] == ["bel-joins-b"]
    assert _forces(branch.history, "1997") == {"TA.RF0": ["DEU"], "TA.RFA": ["FRA"], "TA.RFB": ["DEU"]}


def test_switching_a_rule_off_removes_only_that_rules_events(tmp_path):
    """`rule: TA.R.CONSENSUS, mode: off` on the sessions log drops its adoption alone: OT.R.BASES stays in force."""
    branch = _strict_branch(tmp_path, extra="  - {rule: TA.R.CONSENSUS, mode: \"off\"}\n")
    assert branch.removed == [{"event": "consensus", "reason": "rule TA.R.CONSENSUS switched off"}]
    assert "ot-bases" in branch.log.by_id and "consensus" not in branch.log.by_id
    assert [r["id"] for r in branch.history.at("1995").all_rules()] == ["OT.R.BASES"]


def test_a_rule_binds_only_its_own_organization(tmp_path):
    """OT.R.BASES (no objection) is another organization's rule: TA's member BEL objects, and TA still admits a base."""
    state = _strict_branch(tmp_path).baseline.at("1995-06-01")
    ruling = base_admitted(state, ["BEL"])
    assert ruling.allowed and ruling.reason == "no rule requires consent"


# --- events/store/verify.py ----------------------------------------------------------------------------

def _rechained(rows, changes: dict[int, dict]):
    """The rows with some fields changed and every hash recomputed, as a forger would (unchanged rows keep theirs)."""
    out = []
    for r in rows:
        r = dataclasses.replace(r, **changes.get(r.seq, {}))
        if out:
            r = dataclasses.replace(r, prev_hash=out[-1].hash)
        out.append(dataclasses.replace(r, hash=row_hash(r.prev_hash, r.type, r.event_id, r.version, r.recorded_at,
                                                          r.content)))
    return out


@pytest.fixture
def tiny_rows(tmp_path):
    """The rows of a store holding the tiny log, then a correction of event 'force' (version 2)."""
    path = str(tmp_path / "tiny.sqlite")
    with Store.create(path) as store:
        store.append(import_entries(None, load_log(TINY)), 0)
        force = next(r for r in store.rows() if r.event_id == "force")
        store.append([Entry("correction", "force", {**force.data, "note": "strength revised"})], store.version)
    return store_rows(path)


def _verify(run, tmp_path, rows):
    path = str(tmp_path / "forged.sqlite")
    with Store.create(path) as store:
        store.restore(rows)
    return run("verify", path)


def test_verify_detects_a_backdated_row(run, tmp_path, tiny_rows):
    """Row 6 re-recorded in 2001 and the chain rehashed: verify exits 1 naming row 6 as backdated."""
    forged = _rechained(tiny_rows, {6: {"recorded_at": "2001-01-01T00:00:00.000000Z"}})
    code, out, err = _verify(run, tmp_path, forged)
    assert code == 1 and out == ""
    assert err.strip().endswith("forged.sqlite: row 6 (event 'force', version 1) was recorded before the row it "
                                "follows: the rows were reordered or backdated")


def test_verify_detects_a_skipped_version(run, tmp_path, tiny_rows):
    """The correction relabelled version 3 and the chain rehashed: verify exits 1, version 2 is missing."""
    last = tiny_rows[-1].seq
    forged = _rechained(tiny_rows, {last: {"version": 3}})
    code, out, err = _verify(run, tmp_path, forged)
    assert code == 1 and out == ""
    assert err.strip().endswith(f"forged.sqlite: row {last} (event 'force', version 3) follows version 1: "
                                "a version was removed or the rows were reordered")


def test_verify_accepts_the_untouched_rows(run, tmp_path, tiny_rows):
    """The same rows restored unchanged verify: 1 header, 12 events, 1 correction."""
    code, out, _ = _verify(run, tmp_path, tiny_rows)
    assert code == 0 and "14 rows (1 header, 12 events, 1 corrections, 0 retractions), chain intact" in out


def _store_with_a_blob(tmp_path, column: str) -> str:
    """The tiny log's store with row 6's ``column`` rewritten in SQL as the same bytes typed BLOB, not TEXT."""
    path = str(tmp_path / "blob.sqlite")
    with Store.create(path) as store:
        store.append(import_entries(None, load_log(TINY)), 0)
    conn = sqlite3.connect(path)
    conn.executescript(f"DROP TRIGGER events_no_update; UPDATE events SET {column} = CAST({column} AS BLOB) "
                       "WHERE seq = 6;")
    conn.close()
    return path


def test_verify_names_a_row_whose_recording_time_is_not_text(run, tmp_path):
    """A recording time stored as bytes cannot be hashed as written: verify exits 1 naming row 6, no traceback."""
    code, out, err = run("verify", "--store", _store_with_a_blob(tmp_path, "recorded_at"))
    assert code == 1 and out == ""
    assert err.strip().endswith("blob.sqlite: row 6 (event 'force', version 1) was changed: its content or record "
                                "no longer matches its hash")


def test_a_command_refuses_a_store_whose_content_is_not_text(run, tmp_path):
    """Every read of a store checks the chain: content stored as bytes is one line naming row 6, exit 2."""
    code, out, err = run("state", "--log", _store_with_a_blob(tmp_path, "content"), "--at", "2010")
    assert code == 2 and out == ""
    assert err.strip().endswith("blob.sqlite: row 6 (event 'force', version 1) was changed: its content or record "
                                "no longer matches its hash (the hash chain is broken; see `orgsim verify`)")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("change,problem", [
    ({"content": '{"id": "force"}'}, "its content is not in the canonical form it was stored in"),
    ({"content": '{"kind":"force_formed","id":"force"}'}, "its content is not in the canonical form it was stored in"),
    ({"content": '{"id":"force","x":NaN}'}, "its content is not valid JSON"),
    ({"content": '{"id":"force"'}, "its content is not valid JSON"),
    ({"content": '{"id":"council"}'}, "its content names another event"),
    ({"type": "note"}, "its type 'note' is not a row type"),
    ({"content": 7}, "its content is not text")])
def test_a_rehashed_row_with_bad_content_is_named(tiny_rows, change, problem):
    """A forger who recomputes every hash still cannot store content the store would not have written."""
    from orgsim.events.store.verify import first_problem

    found = first_problem(_rechained(tiny_rows, {6: change}) if "content" not in change or
                          isinstance(change["content"], str) else
                          [*tiny_rows[:5], dataclasses.replace(tiny_rows[5], **change), *tiny_rows[6:]])
    label = "row 6 (note 'force', version 1)" if change.get("type") == "note" else "row 6 (event 'force', version 1)"
    assert found == f"{label} was changed: {problem}"


def test_a_rehashed_row_nested_too_deep_is_named_not_a_traceback(tiny_rows):
    """Content nested 100,000 deep (valid JSON, rehashed): verify names the row instead of crashing."""
    from orgsim.events.store.verify import first_problem

    deep = "[" * 100_000 + "]" * 100_000
    assert first_problem(_rechained(tiny_rows, {6: {"content": deep}})) == \
        "row 6 (event 'force', version 1) was changed: its content is not valid JSON"


def test_removed_rows_are_counted_and_named(tiny_rows):
    """Two rows gone show as 'rows 5-6 removed'; the header gone shows as 'row 1 removed'."""
    from orgsim.events.store.verify import first_problem

    assert first_problem([r for r in tiny_rows if r.seq not in (5, 6)]) == (
        "rows 5-6 removed: the chain goes from row 4 (event 'ta-in-force', version 1) to row 7 "
        "(event 'bel-joins-force', version 1)")
    assert first_problem(tiny_rows[1:]) == "row 1 removed: the chain goes to row 2 (event 'ta-signed', version 1)"


def test_a_chain_that_starts_with_an_event_has_lost_its_header(tiny_rows):
    """The header dropped and every row renumbered and rehashed: the first row is named as not the header."""
    from orgsim.events.store.verify import first_problem

    rows = [dataclasses.replace(r, seq=r.seq - 1) for r in tiny_rows[1:]]
    rows = _rechained([dataclasses.replace(rows[0], prev_hash="0" * 64), *rows[1:]], {})
    assert first_problem(rows) == ("row 1 (event 'ta-signed', version 1) should be the log's header: "
                                   "the header was removed")


def test_a_row_out_of_place_is_named(tiny_rows):
    """A row numbered like an earlier one is out of place."""
    from orgsim.events.store.verify import first_problem

    rows = [*tiny_rows[:4], dataclasses.replace(tiny_rows[4], seq=3), *tiny_rows[5:]]
    assert first_problem(rows) == "row 3 (event 'council', version 1) is out of place: row 5 was expected here"


def test_check_chain_counts_each_kind_of_row(tiny_rows):
    """1 header, 12 events, 1 correction, and a retraction appended: 15 rows, each counted once."""
    from orgsim.events.store.rows import stamp
    from orgsim.events.store.verify import check_chain

    last = tiny_rows[-1]
    retraction = dataclasses.replace(last, seq=last.seq + 1, type="retraction", event_id="sg", version=2,
                                     recorded_at=stamp(), content="{}", prev_hash=last.hash)
    rows = _rechained([*tiny_rows, retraction], {})
    report = check_chain(rows)
    assert (report.rows, report.headers, report.events, report.corrections, report.retractions) == (15, 1, 12, 1, 1)
    assert report.problem is None and report.head == rows[-1].hash


def test_verify_finds_a_published_head_anywhere_in_the_chain(run, tmp_path, tiny_rows):
    """A head published before the correction (row 13), whole or as 16 capital hex digits: still there, exit 0."""
    path = str(tmp_path / "kept.sqlite")
    with Store.create(path) as store:
        store.restore(tiny_rows)
    for head in (tiny_rows[12].hash, tiny_rows[12].hash[:16].upper()):
        code, out, _ = run("verify", "--store", path, "--head", head)
        assert code == 0 and "chain intact" in out and "the published head and rows are still there" in out
    code, out, _ = run("verify", "--store", path, "--rows", "13", "--head", tiny_rows[12].hash)
    assert code == 0 and "the published head and rows are still there" in out


def test_verify_names_what_a_published_head_shows_was_lost(run, tmp_path, tiny_rows):
    """Rows cut from the end, or row 13 not the head published for it: exit 1 with the rows and hashes named."""
    path = str(tmp_path / "cut.sqlite")
    with Store.create(path) as store:
        store.restore(tiny_rows[:12])
    head = tiny_rows[13].hash
    code, out, err = run("verify", "--store", path, "--head", head)
    assert code == 1 and out == "" and err.strip().endswith(
        f"cut.sqlite: no row has the published head {head[:16]}...: rows were removed from the store's end, "
        "or rewritten with new hashes")
    code, _, err = run("verify", "--store", path, "--rows", "14", "--head", head)
    assert code == 1 and err.strip().endswith(
        "cut.sqlite: the store has 12 rows, fewer than the 14 published: rows were removed from its end")
    code, _, err = run("verify", "--store", path, "--rows", "12", "--head", head)
    assert code == 1 and err.strip().endswith(
        f"cut.sqlite: row 12 has hash {tiny_rows[11].hash[:16]}..., not the published head {head[:16]}...: "
        "the rows up to it were rewritten")


def test_verify_of_an_emptied_store_against_its_published_rows(run, tmp_path):
    """An empty store: 3 rows published means every row was removed (exit 1); 0 rows published is still true."""
    path = str(tmp_path / "empty.sqlite")
    with Store.create(path):
        pass
    code, _, err = run("verify", "--store", path, "--rows", "3")
    assert code == 1 and err.strip().endswith("empty.sqlite: the store is empty, but 3 rows were published: "
                                              "every row was removed")
    code, out, _ = run("verify", "--store", path, "--rows", "0")
    assert code == 0 and "0 rows" in out


@pytest.mark.parametrize("args,message", [
    (["--head", "abc"], "--head 'abc': give a row hash as printed by orgsim (16 to 64 hex digits)"),
    (["--head", "g" * 16], f"--head '{'g' * 16}': give a row hash as printed by orgsim (16 to 64 hex digits)"),
    (["--rows", "-1"], "--rows -1: give a number of rows, 0 or more")])
def test_verify_refuses_a_malformed_published_head_or_count(run, tmp_path, args, message):
    """A head that is not 16-64 hex digits, or a negative row count: one line, exit 2, before any row is read."""
    code, out, err = run("verify", "--store", str(tmp_path / "none.sqlite"), *args)
    assert code == 2 and out == "" and err.strip().endswith(message) and len(err.strip().splitlines()) == 1


def test_one_append_may_correct_and_retract_the_same_event(tmp_path, tiny_rows):
    """A correction then a retraction of 'force' in one append are its versions 3 and 4; the chain verifies."""
    from orgsim.events.store.verify import first_problem
    from orgsim.events.load import load_any

    path = str(tmp_path / "twice.sqlite")
    with Store.create(path) as store:
        store.restore(tiny_rows)
        store.append([Entry("correction", "force", {**tiny_rows[-1].data, "note": "revised again"}),
                      Entry("retraction", "force", {"note": "no such force"})], store.version)
        rows = store.rows()
    assert [(r.type, r.event_id, r.version) for r in rows[-2:]] == [("event", "force", 3), ("retraction", "force", 4)]
    assert first_problem(rows) is None and "force" not in load_any(path).by_id


def test_a_refused_restore_leaves_the_store_usable(tmp_path, tiny_rows):
    """Restoring into a store that holds rows is refused; the same open store still appends afterwards."""
    from orgsim.events.store.rows import StoreError

    path = str(tmp_path / "full.sqlite")
    with Store.create(path) as store:
        store.restore(tiny_rows)
        with pytest.raises(StoreError, match="only into an empty store"):
            store.restore(tiny_rows)
        store.append([Entry("retraction", "sg", {})], store.version)
        assert len(store.rows()) == len(tiny_rows) + 1


def test_reimporting_a_log_with_a_new_title_and_a_new_event_adds_the_header_as_version_2(run, tmp_path):
    """A changed header and one new event, imported into the store that holds the log: header v2, event v1."""
    from pathlib import Path

    text = Path(TINY).read_text(encoding="utf-8")
    store = str(tmp_path / "s.sqlite")
    assert run("store", "init", "--store", store)[0] == 0 and run("store", "import", TINY, "--store", store)[0] == 0
    event = ("  - id: late-attest\n    date: \"2010\"\n    kind: membership_attested\n    target: TA\n"
             "    payload: {members: [FRA, DEU, BEL, NLD], status: member}\n"
             "    sources: [{source: notes, line: 12, quote: \"four\", gloss: \"four\"}]\n")
    changed = text.replace("title: A tiny invented alliance for tests", "title: A tiny alliance, retitled") + event
    assert changed.count("retitled") == 1
    code, out, err = run("store", "import", _write(tmp_path, "tiny2.yaml", changed), "--store", store)
    assert code == 0, err
    with Store.open(store) as st:
        rows = st.rows()
    assert [(r.type, r.event_id, r.version) for r in rows[-2:]] == [("header", "", 2), ("event", "late-attest", 1)]
    assert "retitled" in rows[-2].content and run("verify", "--store", store)[0] == 0


# --- engine/year_codes.py: the COW state-year export --------------------------------------------------------

JULY_LOG = textwrap.dedent("""\
    orgsim_log: 2
    id: july
    organization: JO
    entities: {organizations: {JO: {name: July Organization}}}
    sources: {notes: {file: notes.txt}}
    events:
    - {id: jo-founded, date: "2000-07-01", kind: org_founded, actors: [RUS, BLR], target: JO,
       payload: {name: July Organization, short: JO}, sources: [{source: notes, line: 1, quote: q, gloss: g}]}
    - {id: kaz-joins, date: "2002-03-01", kind: accession, actors: [KAZ], target: JO,
       sources: [{source: notes, line: 2, quote: q, gloss: g}]}
    """)


def test_cow_export_counts_an_organization_founded_on_1_july_in_that_year(run, tmp_path):
    """COW measures on 1 July: founded that very day, the founders are members (1) in 2000, not -1."""
    code, out, err = run("export", "--format", "cow-state-year", "--log", _write(tmp_path, "july.yaml", JULY_LOG))
    assert code == 0, err
    out = _rows_of(out, "365", "370", "705")  # COW writes every state in the system: these are the fixture's
    # COW's state-year file: ccode (Russia 365, Belarus 370, Kazakhstan 705), the state's name in lower case,
    # then 1 full member, 0 no membership, -1 the organization does not exist.
    assert out == ("ccode,year,state,jo\n"
                   "365,2000,russia,1\n365,2001,russia,1\n365,2002,russia,1\n"
                   "370,2000,belarus,1\n370,2001,belarus,1\n370,2002,belarus,1\n"
                   "705,2000,kazakhstan,0\n705,2001,kazakhstan,0\n705,2002,kazakhstan,1\n")


def _rows_of(csv_text: str, *ccodes: str) -> str:
    """The header and the rows of some COW state codes of a COW state-year CSV."""
    lines = csv_text.splitlines()
    return "\n".join([lines[0]] + [ln for ln in lines[1:] if ln.split(",")[0] in ccodes]) + "\n"


STATUS_LOG = textwrap.dedent("""\
    orgsim_log: 2
    id: statuses
    organization: SO
    entities: {organizations: {SO: {name: Status Organization}}}
    sources: {notes: {file: notes.txt}}
    events:
    - {id: so-founded, date: "2000-01-01", kind: org_founded, actors: [RUS], target: SO,
       payload: {name: Status Organization, short: SO}, sources: [{source: notes, line: 1, quote: q, gloss: g}]}
    - {id: ukr-observer, date: "2001-03", kind: observer_status, actors: [UKR], target: SO,
       sources: [{source: notes, line: 2, quote: q, gloss: g}]}
    - {id: kaz-associate, date: "2001-03", kind: associate_status, actors: [KAZ], target: SO,
       sources: [{source: notes, line: 3, quote: q, gloss: g}]}
    - {id: blr-unknown, date: "2002-02", kind: status_unknown, actors: [BLR], target: SO,
       sources: [{source: notes, line: 4, quote: q, gloss: g}]}
    - {id: so-dissolved, date: "2003-01-01", kind: org_dissolved, target: SO,
       sources: [{source: notes, line: 5, quote: q, gloss: g}]}
    """)


def test_cow_export_codes_each_status_and_the_end_of_the_organization(run, tmp_path):
    """COW's codebook: 1 full member, 2 associate, 3 observer, -9 missing, 0 none, -1 after dissolution."""
    code, out, err = run("export", "--format", "cow-state-year", "--log", _write(tmp_path, "s.yaml", STATUS_LOG))
    assert code == 0, err
    out = _rows_of(out, "365", "369", "370", "705")
    assert out == ("ccode,year,state,so\n"
                   "365,2000,russia,1\n365,2001,russia,1\n365,2002,russia,1\n365,2003,russia,-1\n"
                   "369,2000,ukraine,0\n369,2001,ukraine,3\n369,2002,ukraine,3\n369,2003,ukraine,-1\n"
                   "370,2000,belarus,0\n370,2001,belarus,0\n370,2002,belarus,-9\n370,2003,belarus,-1\n"
                   "705,2000,kazakhstan,0\n705,2001,kazakhstan,2\n705,2002,kazakhstan,2\n705,2003,kazakhstan,-1\n")


NEW_YEAR_LOG = textwrap.dedent("""\
    orgsim_log: 2
    id: newyear
    organization: NY
    entities: {organizations: {NY: {name: New Year Organization}}}
    sources: {notes: {file: notes.txt}}
    events:
    - {id: ny-founded, date: "2000-01-01", kind: org_founded, actors: [RUS, KAZ, TJK], target: NY,
       payload: {name: New Year Organization, short: NY}, sources: [{source: notes, line: 1, quote: q, gloss: g}]}
    - {id: arm-joins, date: "2002-12/2003-01", kind: accession, actors: [ARM], target: NY,
       sources: [{source: notes, line: 2, quote: q, gloss: g}]}
    - {id: kaz-leaves, date: "2003-01-01", kind: withdrawal, actors: [KAZ], target: NY,
       sources: [{source: notes, line: 3, quote: q, gloss: g}]}
    - {id: blr-joins, date: "2004-01-01", kind: accession, actors: [BLR], target: NY,
       sources: [{source: notes, line: 4, quote: q, gloss: g}]}
    - {id: tjk-leaves, date: "2003-01", kind: withdrawal, actors: [TJK], target: NY,
       sources: [{source: notes, line: 5, quote: q, gloss: g}]}
    - {id: ny-ends, date: "2005-01", kind: org_dissolved, target: NY,
       sources: [{source: notes, line: 6, quote: q, gloss: g}]}
    """)


def test_cow_export_on_new_years_day_and_for_dates_that_straddle_it(run, tmp_path):
    """Kazakhstan leaves on 1 January 2003: a member until 2002, none in 2003 (not even possibly). Belarus
    joins on 1 January 2004: none in 2003, a member in 2004. Armenia joins in December 2002 or January 2003:
    possibly a member in 2002 (COW's -9, missing), surely in 2003. Tajikistan leaves in January 2003: possibly
    still a member in 2003 (-9). The organization is dissolved in January 2005: COW codes its members in the
    year it ends, so Russia is a member in 2005 whatever day of January it was."""
    code, out, err = run("export", "--format", "cow-state-year", "--log", _write(tmp_path, "ny.yaml", NEW_YEAR_LOG))
    assert code == 0, err
    # Russia, Belarus, Armenia, Tajikistan, Kazakhstan, 2000-2005
    assert _cells(out, "ny", "365", "370", "371", "702", "705") == {
        "365": [(2000, 1), (2001, 1), (2002, 1), (2003, 1), (2004, 1), (2005, 1)],
        "370": [(2000, 0), (2001, 0), (2002, 0), (2003, 0), (2004, 1), (2005, 1)],
        "371": [(2000, 0), (2001, 0), (2002, -9), (2003, 1), (2004, 1), (2005, 1)],
        "702": [(2000, 1), (2001, 1), (2002, 1), (2003, -9), (2004, 0), (2005, 0)],
        "705": [(2000, 1), (2001, 1), (2002, 1), (2003, 0), (2004, 0), (2005, 0)]}


def _cells(csv_text: str, column: str, *ccodes: str) -> dict[str, list[tuple[int, int]]]:
    """(year, code) of each state, in file order, from a one-organization COW state-year CSV with that column."""
    rows = _rows_of(csv_text, *ccodes).splitlines()
    assert rows[0] == f"ccode,year,state,{column}"
    out: dict[str, list[tuple[int, int]]] = {c: [] for c in ccodes}
    for line in rows[1:]:
        ccode, year, _state, cell = line.split(",")
        out[ccode].append((int(year), int(cell)))
    return out


COVERED_LOG = textwrap.dedent("""\
    orgsim_log: 2
    id: cv
    organization: CV
    coverage: {from: "2001-01-01", to: "2003-01-01"}
    entities: {organizations: {CV: {name: Covered}}}
    sources: {notes: {file: notes.txt}}
    events:
    - {id: cv-founded, date: "2000-03-01", kind: org_founded, actors: [RUS], target: CV, payload: {name: Covered, short: CV},
       sources: [{source: notes, line: 1, quote: q, gloss: g}]}
    - {id: geo-joins, date: "2001", kind: accession, actors: [GEO], target: CV,
       sources: [{source: notes, line: 2, quote: q, gloss: g}]}
    - {id: geo-leaves, date: "2001-12-31", kind: withdrawal, actors: [GEO], target: CV,
       sources: [{source: notes, line: 3, quote: q, gloss: g}]}
    - {id: late, date: "2004-05-01", kind: statement, actors: [RUS], target: CV, payload: {title: t},
       sources: [{source: notes, line: 4, quote: q, gloss: g}]}
    """)


def test_cow_export_is_missing_outside_the_logs_coverage_and_for_a_day_that_may_be_no_time(run, tmp_path):
    """The log covers 1 January 2001 to 1 January 2003. Kazakhstan, never named, is missing (-9) in 2000 and
    2004 and a non-member (0) in 2001-2003 -- 2003 included, since the coverage's last day is in it. Georgia
    joins some day of 2001 and leaves on 31 December 2001: it may have joined that very day and held nothing,
    so 2001 is -9, not 1. Russia's membership, recorded from 2000, is coded 1 throughout."""
    code, out, err = run("export", "--format", "cow-state-year", "--log", _write(tmp_path, "cv.yaml", COVERED_LOG))
    assert code == 0, err
    years = range(2000, 2005)
    assert _cells(out, "cv", "365", "372", "705") == {"705": list(zip(years, [-9, 0, 0, 0, -9])),
                                                      "372": list(zip(years, [-9, -9, 0, 0, -9])),
                                                      "365": list(zip(years, [1, 1, 1, 1, 1]))}


COLUMNS_LOG = textwrap.dedent("""\
    orgsim_log: 2
    id: co
    organization: ZA
    entities: {organizations: {AB: {name: Alpha Body, cow: {column: alphaigo, position: 2}},
                               ZA: {name: Zeta Alliance, cow: {column: zetaigo, position: 1}}}}
    sources: {notes: {file: notes.txt}}
    events:
    - {id: za-founded, date: "2000-03-01", kind: org_founded, actors: [RUS], target: ZA,
       payload: {name: Zeta Alliance, short: ZA}, sources: [{source: notes, line: 1, quote: q, gloss: g}]}
    - {id: ab-founded, date: "2001-03-01", kind: org_founded, actors: [KAZ], target: AB,
       payload: {name: Alpha Body, short: AB}, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
    """)


def test_cow_export_of_an_imported_log_keeps_cows_column_names_and_order(run, tmp_path):
    """A log imported from COW keeps each organization's COW column and its place in COW's file: zetaigo
    (first in the file) before alphaigo, under those names, not the ids' own names in their own order."""
    code, out, err = run("export", "--format", "cow-state-year", "--log", _write(tmp_path, "co.yaml", COLUMNS_LOG))
    assert code == 0, err
    assert _rows_of(out, "365", "705") == ("ccode,year,state,zetaigo,alphaigo\n"
                                           "365,2000,russia,1,-1\n365,2001,russia,1,0\n"
                                           "705,2000,kazakhstan,0,-1\n705,2001,kazakhstan,0,1\n")


# --- reports/reconcile.py -----------------------------------------------------------------------------------

RECONCILE_HEAD = textwrap.dedent("""\
    orgsim_log: 2
    id: {id}
    organization: XO
    entities: {{organizations: {{XO: {{name: X Organization}}}}}}
    sources: {{notes: {{file: {id}.txt}}}}
    events:
    - {{id: xo-founded, date: "2000-03-01", kind: org_founded, actors: [RUS, KAZ], target: XO,
       payload: {{name: X Organization, short: XO}}, sources: [{{source: notes, line: 1, quote: q, gloss: g}}]}}
    - {{id: end, date: "2003-05-01", kind: statement, actors: [RUS], target: XO, payload: {{title: t}},
       sources: [{{source: notes, line: 3, quote: q, gloss: g}}]}}
    """)
UNKNOWN = textwrap.dedent("""\
    - {id: blr-unknown, date: "2001-02-01", kind: status_unknown, actors: [BLR], target: XO,
       sources: [{source: notes, line: 2, quote: q, gloss: g}]}
    """)


BLR_JOINS = textwrap.dedent("""\
    - {id: blr-joins, date: "2000-06-01", kind: accession, actors: [BLR], target: XO,
       sources: [{source: notes, line: 2, quote: q, gloss: g}]}
    """)


@pytest.mark.parametrize("a_more, b_more, shown", [
    ("", "", set()),  # B never names Belarus: nothing to compare
    # B: a member from 2001-02-01, the day A's unknown begins: A is silent on it
    ("", BLR_JOINS.replace("2000-06-01", "2001-02-01"), {("membership", "a_silent", "(silent)")}),
    # B: a member from 2000-06-01, when A (covering that day) names no status for Belarus: a real difference
    ("", BLR_JOINS, {("membership", "disagree", "(no membership)")}),
    # both: a member from 2000-06; A then codes it unknown: its exit is A's silence, not a withdrawal
    (BLR_JOINS, BLR_JOINS, {("entry", "agree", "member"), ("exit", "a_silent", "unknown")}),
])
def test_reconcile_reads_an_unknown_status_as_silent(run, tmp_path, a_more, b_more, shown):
    """Side A codes Belarus unknown from 2001: silence is no difference, whatever B says of Belarus, so Belarus is
    never a disagreement (A is shown silent), while the founders' entries agree."""
    a = _write(tmp_path, "a.yaml", RECONCILE_HEAD.format(id="a") + a_more + UNKNOWN)
    b = _write(tmp_path, "b.yaml", RECONCILE_HEAD.format(id="b") + b_more)
    code, out, err = run("reconcile", a, b, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["fact"], r["verdict"], r["a_status"]) for r in rows if r["state"] == "BLR"} == shown
    assert {(r["state"], r["fact"], r["verdict"]) for r in rows} >= {("KAZ", "entry", "agree"), ("RUS", "entry", "agree")}


KAZ_LEAVES = textwrap.dedent("""\
    - {id: kaz-leaves, date: "2002-06-01", kind: withdrawal, actors: [KAZ], target: XO,
       sources: [{source: notes, line: 2, quote: q, gloss: g}]}
    """)


@pytest.mark.parametrize("rule", ["any", "dec31"])
def test_reconcile_compares_day_dated_logs_by_dates_whatever_the_year_rule(run, tmp_path, rule):
    """Kazakhstan leaves on 2002-06-01 in A only: both sources date to the day, so the exit is compared by
    date (a real difference, B has it go on), whichever year rule is named; each side is cited."""
    a = _write(tmp_path, "a.yaml", RECONCILE_HEAD.format(id="a") + KAZ_LEAVES)
    b = _write(tmp_path, "b.yaml", RECONCILE_HEAD.format(id="b"))
    code, out, err = run("reconcile", a, b, "--year-rule", rule, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["state"], r["fact"], r["verdict"]) for r in rows] == [
        ("KAZ", "exit", "disagree"), ("KAZ", "entry", "agree"), ("RUS", "entry", "agree")]
    kaz = rows[0]
    assert (kaz["a_status"], kaz["a_date"], kaz["b_status"], kaz["difference"]) == \
        ("withdrawn", "2002-06-01", "(goes on)", "real")
    assert kaz["a_source"] == "kaz-leaves (a.txt line 2)"


# --- events/canonical.py: the log hash ---------------------------------------------------------------------

def _state_hash(run, path: str) -> str:
    code, out, err = run("state", "--at", "2009", "--format", "json", "--log", path)
    assert code == 0, err
    return json.loads(out)["log_hash"]


def test_changing_a_conflicts_default_reading_changes_the_log_hash(run, tmp_path):
    """The header is hashed: the tiny log with c-exit's default switched to 'withdrew' has another log_hash."""
    text = open(TINY, encoding="utf-8").read()
    assert "    default: suspended\n" in text
    other = _write(tmp_path, "other.yaml", text.replace("    default: suspended\n", "    default: withdrew\n"))
    same = _write(tmp_path, "same.yaml", text)
    assert _state_hash(run, same) == _state_hash(run, TINY)
    assert _state_hash(run, other) != _state_hash(run, TINY)


def test_changing_a_sources_file_or_the_title_changes_the_log_hash(run, tmp_path):
    """Two more header fields: the title and a source's file both count."""
    text = open(TINY, encoding="utf-8").read()
    base = _state_hash(run, TINY)
    for old, new in [("title: A tiny invented alliance for tests", "title: Another title"),
                     ("file: notes.txt", "file: other-notes.txt")]:
        assert old in text
        assert _state_hash(run, _write(tmp_path, "x.yaml", text.replace(old, new))) != base, new


MINIMAL_LOG = textwrap.dedent("""\
    orgsim_log: 2
    id: m
    title: Minimal
    organization: TA
    entities: {organizations: {TA: {}}}
    sources: {n: {file: n.txt}}
    events:
    - {id: x, date: '1990', kind: treaty_signed, target: TA, sources: [{source: n, line: 1, quote: q, gloss: g}]}
    """)


def test_the_log_hash_is_the_documented_chain_over_header_and_events(run, tmp_path):
    """The documented chain: sha256(previous + newline + canonical JSON), from 64 zeros, header then events."""
    header = ('{"conflicts":[],"entities":{"organizations":{"TA":{}}},"id":"m","organization":"TA","orgsim_log":2,'
              '"sources":{"n":{"file":"n.txt"}},"texts":[],"title":"Minimal"}')
    event = ('{"date":"1990","id":"x","kind":"treaty_signed","org":"TA",'
             '"sources":[{"gloss":"g","line":1,"quote":"q","source":"n"}],"target":"TA"}')
    h = "0" * 64
    for text in (header, event):
        h = hashlib.sha256(f"{h}\n{text}".encode("utf-8")).hexdigest()
    assert _state_hash(run, _write(tmp_path, "m.yaml", MINIMAL_LOG)) == h


CANONICAL_LOG = textwrap.dedent("""\
    orgsim_log: 2
    organization: TA
    entities: {organizations: {TA: {name: T}}}
    sources: {n: {file: n.txt}}
    events:
    - {id: a, date: '1990', kind: org_founded, actors: [FRA, DEU], target: TA, rationale: r}
    - id: f
      date: '1995-06~'
      kind: force_formed
      actors: [FRA]
      target: TA.RRF
      payload: {name: Rapid Force, parent: TA, strength: 5000}
      confidence: medium
      provenance: {dataset: cow-igo, version: '3.0', file: igo.csv, row: 7}
      note: "ŕ ข"
    - {id: s, date: '1995-06~', kind: statement, target: TA, seq: 2, confidence: high, rationale: "x\\ny"}
    """)


def test_canonical_content_is_sorted_json_without_defaults():
    """Sorted keys, no spaces, readable UTF-8, confidence 'high' left out, every other field kept as written."""
    from orgsim.events import load_log_text
    from orgsim.events.canonical import canonical_json, event_content

    log = load_log_text(CANONICAL_LOG, "c.yaml")
    assert [canonical_json(event_content(e)) for e in log.events] == [
        '{"actors":["FRA","DEU"],"date":"1990","id":"a","kind":"org_founded","org":"TA","rationale":"r",'
        '"target":"TA"}',
        '{"actors":["FRA"],"confidence":"medium","date":"1995-06~","id":"f","kind":"force_formed","note":"ŕ ข",'
        '"org":"TA","payload":{"name":"Rapid Force","parent":"TA","strength":5000},"provenance":{"dataset":'
        '"cow-igo","file":"igo.csv","row":7,"version":"3.0"},"target":"TA.RRF"}',
        '{"date":"1995-06~","id":"s","kind":"statement","org":"TA","rationale":"x\\ny","seq":2,"target":"TA"}']


@pytest.mark.parametrize("value,message", [({1: "a"}, "key 1 is not text"), ({"a": float("nan")}, "nan is not a number"),
                                           ({"a": b"x"}, "a bytes value cannot be stored"),
                                           ([{"a": {2: None}}], "key 2 is not text")])
def test_content_json_cannot_carry_is_refused_in_a_sentence(value, message):
    """Int keys, NaN and bytes would change or break on the way to JSON: refused, naming where."""
    from orgsim.events.canonical import canonical_json
    from orgsim.events.errors import InputError

    with pytest.raises(InputError, match=f"^here: {message}"):
        canonical_json(value, "here")


@pytest.mark.parametrize("value", [{"quote": "a\udc80b"}, ["\ud800"]])
def test_text_that_cannot_be_utf8_is_refused_in_a_sentence(value):
    """A lone surrogate (from a badly encoded argument) cannot be stored: one InputError naming where."""
    from orgsim.events.canonical import canonical_json
    from orgsim.events.errors import InputError

    with pytest.raises(InputError, match=r"^here: cannot be written canonically \("):
        canonical_json(value, "here")


def test_content_nested_too_deep_is_refused_in_a_sentence():
    """Plain data nested thousands of levels deep is an InputError naming where, not a RecursionError."""
    from orgsim.events.canonical import canonical_json
    from orgsim.events.errors import InputError

    value: list = []
    for _ in range(5000):
        value = [value]
    with pytest.raises(InputError, match=r"^here: cannot be written canonically \(nested too deeply\)$"):
        canonical_json(value, "here")


def test_the_log_hash_follows_file_order_and_every_event():
    """Swapping two events in the file, or dropping one, changes the hash; re-reading the same text does not."""
    from orgsim.events import load_log_text
    from orgsim.events.canonical import log_hash

    text = CANONICAL_LOG
    lines = text.splitlines(keepends=True)
    first = [i for i, x in enumerate(lines) if x.startswith("- ")]
    swapped = "".join(lines[:first[0]] + lines[first[1]:first[2]] + lines[first[0]:first[1]] + lines[first[2]:])
    dropped = "".join(lines[:first[2]])
    h = log_hash(load_log_text(text, "a.yaml"))
    assert log_hash(load_log_text(text, "b.yaml")) == h
    assert log_hash(load_log_text(swapped, "a.yaml")) != h
    assert log_hash(load_log_text(dropped, "a.yaml")) != h


def test_a_mapping_that_is_not_a_dict_is_written_sorted_and_readable():
    """A read-only mapping (not a dict) takes the slow path and comes out as any dict would: keys sorted at
    every depth, non-ASCII text kept as written."""
    from types import MappingProxyType

    from orgsim.events.canonical import canonical_json

    value = MappingProxyType({"b": "Ä ข", "a": [1, MappingProxyType({"d": 2.5, "c": "ß"})]})
    assert canonical_json(value) == '{"a":[1,{"c":"ß","d":2.5}],"b":"Ä ข"}'


@pytest.mark.parametrize("value", [{"a": "OD"}, ["OD"], {"a": ["OD"]}, [{"a": "OD"}]], ids=str)
def test_a_number_key_deep_inside_a_dict_of_another_kind_is_refused(value):
    """An int key in an OrderedDict nested in a dict or a list is refused in a sentence, never written as text."""
    from collections import OrderedDict

    from orgsim.events.canonical import canonical_json
    from orgsim.events.errors import InputError

    def nest(v):
        if v == "OD":
            return OrderedDict({1: "x"})
        return {k: nest(x) for k, x in v.items()} if isinstance(v, dict) else [nest(x) for x in v]

    with pytest.raises(InputError, match=r"^payload: key 1 is not text, so it cannot be stored or hashed$"):
        canonical_json(nest(value), "payload")


NAN_LOG = textwrap.dedent("""\
    orgsim_log: 2
    id: nanlog
    organization: TA
    entities: {organizations: {TA: {name: T}}}
    sources: {notes: {file: notes.txt}}
    events:
    - {id: ta-founded, date: "1990", kind: org_founded, actors: [FRA], target: TA, payload: {name: T}, sources: [{source: notes, line: 1, quote: q, gloss: g}]}
    - {id: odd, date: "1991", kind: statement, actors: [FRA], target: TA, payload: {title: t, weight: .nan}, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
    """)


def test_a_parquet_value_json_cannot_hold_is_named_by_its_event_on_import(run, tmp_path):
    """A Parquet log whose second event carries NaN: `store import` refuses it in one line naming the file, the
    event's row and its id (the column path hands such a value to the events' path, which names it)."""
    from orgsim.events.columnar.parquet import save_parquet

    parquet = str(tmp_path / "nan.parquet")
    save_parquet(load_log(_write(tmp_path, "nan.yaml", NAN_LOG)), parquet)
    store = str(tmp_path / "s.sqlite")
    assert run("store", "init", "--store", store)[0] == 0
    code, out, err = run("store", "import", parquet, "--store", store)
    assert code == 2 and out == ""
    assert err.strip() == f"orgsim: error: {parquet}:2: event 'odd': nan is not a number JSON can hold"


def test_writing_a_log_for_a_store_also_gives_its_hash_and_the_cache_keeps_it(monkeypatch):
    """`log_texts` (a store import's one pass) leaves the log hash known: asking for it writes no JSON again,
    it is the documented chain over the texts, and the engine's cache is told it once."""
    from orgsim.events import canonical, load_log_text

    log = load_log_text(MINIMAL_LOG, "m.yaml")
    told = []
    monkeypatch.setattr(canonical, "AFTER_LOG_HASH", [lambda lg, h: told.append((lg, h))])
    header, texts = canonical.log_texts(log)
    written = []
    real = canonical.canonical_json
    monkeypatch.setattr(canonical, "canonical_json", lambda v, w="content": written.append(w) or real(v, w))
    h = "0" * 64
    for text in [header] + [t for _e, t in texts]:
        h = hashlib.sha256(f"{h}\n{text}".encode("utf-8")).hexdigest()
    assert canonical.log_hash(log) == h and written == []
    assert told == [(log, h)]


# --- engine/apply.py ------------------------------------------------------------------------------------------

PREDECESSOR_LOG = textwrap.dedent("""\
    orgsim_log: 2
    id: heirs
    organization: TB
    entities: {organizations: {TA: {name: Founded Alliance}, TB: {name: Successor}, TC: {name: Heir of Outsider},
                               TX: {name: Outside Body}}}
    sources: {notes: {file: notes.txt}}
    events:
    - {id: ta-founded, date: "1990-03-01", kind: org_founded, actors: [FRA], target: TA, sources: [{source: notes, line: 1, quote: q, gloss: g}]}
    - {id: ita-tx, date: "1995-03-01", kind: accession, actors: [ITA], target: TX, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
    - {id: tb-founded, date: "1998-03-01", kind: org_founded, actors: [FRA], target: TB, payload: {name: Successor, predecessor: TA}, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
    - {id: tc-founded, date: "1999-03-01", kind: org_founded, actors: [DEU], target: TC, payload: {name: Heir, predecessor: TX}, sources: [{source: notes, line: 4, quote: q, gloss: g}]}
    """)


def test_a_predecessor_the_log_never_founds_is_not_said_to_have_ended(tmp_path):
    """TB is founded on the basis of TA (founded in the log): TA and France's membership of it end that day.
    TC is founded on the basis of TX, which the log only names: the log records nothing of TX's end, so TX is
    not 'dissolved' but unrecorded, and Italy, which joined TX in 1995, is presumed a member in 2000 -- by the
    index (arrays) and by a full replay alike."""
    history = History.load(_write(tmp_path, "heirs.yaml", PREDECESSOR_LOG))
    assert history.index.method == "vector"
    for later in (history.at("2000-01-01"), history.replay_to("2000-01-01")):
        assert later.organization("TA")["status"] == "dissolved"
        assert later.organization("TX") is None
        assert later.organization("TC")["status"] == "in_force"
        assert [(m["id"], m["status"]) for m in later.members("TX")] == [("ITA", "member")]
        assert later.members("TA") == []
    assert history.members_at("2000-01-01", org="TX") == {"ITA": "member"}
    assert history.at("2000-01-01").members("TX")[0]["answer"] == "presumed"  # nothing attests it after 1995
    assert history.members_at("2000-01-01", org="TA") == {}


# --- engine/vectorised.py -------------------------------------------------------------------------------------

LINEAGE_LOG = textwrap.dedent("""\
    orgsim_log: 2
    id: lineage
    organization: TA
    entities: {organizations: {TA: {name: Test Alliance}}}
    sources: {notes: {file: notes.txt}}
    events:
    - {id: ta-founded, date: "1990-03-01", kind: org_founded, actors: [FRA, DEU], target: TA, payload: {name: Test Alliance}, sources: [{source: notes, line: 1, quote: q, gloss: g}]}
    - {id: ita-in, date: "1991-03-01", kind: accession, actors: [ITA], target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
    - {id: ta-renamed, date: "1992-03-01", kind: org_renamed, target: TA, payload: {name: Treaty Alliance}, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
    - {id: esp-in, date: "1993-03-01", kind: accession, actors: [ESP], target: TA, sources: [{source: notes, line: 4, quote: q, gloss: g}]}
    - {id: ta-ends, date: "1994-03-01", kind: org_dissolved, target: TA, sources: [{source: notes, line: 5, quote: q, gloss: g}]}
    """)


@pytest.mark.parametrize("method", ["vector", "replay"])
def test_every_interval_names_the_events_that_began_and_ended_it_in_the_logs_order(tmp_path, method):
    """The organization's name runs 1990-1992 (ended by the renaming), then to the dissolution; memberships
    end with it. All intervals come in the order the log made them: the founding's organization fact, its two
    members, Italy, the renaming, Spain, the dissolution -- whether compiled by arrays or replayed."""
    from orgsim.engine.index import FactIndex

    index = FactIndex(load_log(_write(tmp_path, "lineage.yaml", LINEAGE_LOG)), method=method, cache=False)
    assert index.method == method
    assert [(f.key, f.value.get("name"), f.value.get("status"), f.event, ender)
            for f, _s, _e, ender in index.intervals("org")] == [
        (("org", "TA"), "Test Alliance", "in_force", "ta-founded", "ta-renamed"),
        (("org", "TA"), "Treaty Alliance", "in_force", "ta-renamed", "ta-ends"),
        (("org", "TA"), "Treaty Alliance", "dissolved", "ta-ends", None)]
    assert [(f.key[-1], f.event, ender) for f, _s, _e, ender in index.intervals()] == [
        ("TA", "ta-founded", "ta-renamed"), ("FRA", "ta-founded", "ta-ends"), ("DEU", "ta-founded", "ta-ends"),
        ("ITA", "ita-in", "ta-ends"), ("TA", "ta-renamed", "ta-ends"), ("ESP", "esp-in", "ta-ends"),
        ("TA", "ta-ends", None)]


def test_of_two_impossible_lineage_events_the_first_is_named(tmp_path, run):
    """TB is renamed in 1993 and TZ in 1996, each before the log founds it: `state` (the index, compiled by
    arrays) names the first, 1993's, with its file and line -- not the last."""
    path = _write(tmp_path, "two.yaml", textwrap.dedent("""\
        orgsim_log: 2
        id: two
        organization: TA
        entities: {organizations: {TA: {name: Test Alliance}, TB: {name: Second}, TZ: {name: Third}}}
        sources: {notes: {file: notes.txt}}
        events:
        - {id: ta-founded, date: "1990", kind: org_founded, actors: [FRA], target: TA, sources: [{source: notes, line: 1, quote: q, gloss: g}]}
        - {id: tb-renamed, date: "1993", kind: org_renamed, target: TB, payload: {name: Early}, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        - {id: tb-founded, date: "1995", kind: org_founded, actors: [FRA], target: TB, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
        - {id: tz-renamed, date: "1996", kind: org_renamed, target: TZ, payload: {name: Late}, sources: [{source: notes, line: 4, quote: q, gloss: g}]}
        - {id: tz-founded, date: "1997", kind: org_founded, actors: [FRA], target: TZ, sources: [{source: notes, line: 5, quote: q, gloss: g}]}
        """))
    code, out, err = run("state", "--at", "1999", "--log", path)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith(f"orgsim: error: {path}:8: event 'tb-renamed': ") and "organization TB does not exist" in err
