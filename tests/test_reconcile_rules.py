"""Reconcile's own rules on small hand-written logs: which years a log speaks for, which status a year rule
reads, which facts count as coding differences, and what the summary counts.

Every expected value here is worked out by hand from the log text in the test, not from reconcile itself.
"""

from __future__ import annotations

import textwrap

import pytest
from orgsim.engine.history import History
from orgsim.reports.reconcile import Side, coverage, reconcile, statuses

ANY_CODING = "coding: {precision: year, year_rule: any, membership: [member, signatory]}"
ATOP_LIKE = "coding: {precision: day, membership: [member, signatory]}"


def _log(tmp_path, name: str, events: str, *, org: str = "XO", coding: str = "",
         orgs: str = "XO: {name: X Organization}") -> History:
    """A log called NAME.yaml with its header, a notes source (optionally coded) and EVENTS, loaded."""
    coded = f", {coding}" if coding else ""
    head = textwrap.dedent(f"""\
        orgsim_log: 2
        id: {name}
        organization: {org}
        entities: {{organizations: {{{orgs}}}}}
        sources: {{notes: {{file: {name}.txt{coded}}}}}
        events:
        """)
    path = tmp_path / f"{name}.yaml"
    path.write_text(head + textwrap.dedent(events), encoding="utf-8")
    return History.load(str(path))


def _ev(eid: str, date: str, kind: str, actors: str, target: str = "XO", payload: str = "", line: int = 1) -> str:
    """One event line of a log, with a source citation."""
    pay = f", payload: {{{payload}}}" if payload else ""
    return (f"- {{id: {eid}, date: \"{date}\", kind: {kind}, actors: [{actors}], target: {target}{pay},\n"
            f"   sources: [{{source: notes, line: {line}, quote: q, gloss: g}}]}}\n")


FOUNDED = _ev("xo-founded", "2000-03-01", "org_founded", "RUS, KAZ", payload="name: X Organization, short: XO")
LATE_WORD = _ev("late-word", "2007-05-01", "statement", "RUS", payload="title: t", line=9)


def test_a_log_speaks_for_an_organization_from_its_founding_to_the_day_before_its_dissolution(tmp_path):
    """XO, founded in 2000 and dissolved on 1 January 2005, is spoken for in 2000-2004 only: not in 1998 (an
    earlier statement), not in 2005, and not in the years another organization of the same log existed."""
    events = (_ev("early-word", "1998-05-01", "statement", "RUS", payload="title: t")
              + _ev("yo-founded", "1995-02-01", "org_founded", "ARM", target="YO", payload="name: Y, short: YO")
              + FOUNDED
              + _ev("xo-ends", "2005-01-01", "org_dissolved", "", line=5)
              + LATE_WORD)
    h = _log(tmp_path, "ended", events, orgs="XO: {name: X Organization}, YO: {name: Y}")
    assert coverage(h, "XO") == {2000, 2001, 2002, 2003, 2004}
    assert coverage(h, "YO") == set(range(1995, 2008))  # never dissolved: to the log's last year, 2007


def test_an_organization_the_log_names_but_never_founds_is_spoken_for_from_its_first_event(tmp_path):
    """A log that names XO and only records statements about it (1998, 2007) speaks for XO in every year
    from its first event to its last: 1998-2007, no year more or less."""
    h = _log(tmp_path, "named", _ev("early-word", "1998-05-01", "statement", "RUS", payload="title: t") + LATE_WORD)
    assert coverage(h, "XO") == set(range(1998, 2008))
    assert coverage(h, "ZZ") == set()  # neither named nor founded: nothing


def test_a_year_rule_reads_a_membership_begun_on_its_own_day(tmp_path):
    """Russia joins on 31 December 2001: a member that year under 'any' and '31 December', not under
    '1 July' (a member from 2002); called without the member rows, statuses reads them itself."""
    h = _log(tmp_path, "dec31", _ev("xo-founded", "2000-03-01", "org_founded", "KAZ",
                                     payload="name: X Organization, short: XO")
             + _ev("rus-joins", "2001-12-31", "accession", "RUS", line=2) + LATE_WORD)
    years = {2001, 2002}
    for rule, in_2001 in (("any", "member"), ("dec31", "member"), ("jul1", "none")):
        read = statuses(h, "XO", rule, years, {"member"})
        assert (read[("RUS", 2001)].status, read[("RUS", 2002)].status) == (in_2001, "member"), rule


def test_a_year_after_the_organization_ended_on_its_first_day_cites_the_event_that_ended_it(tmp_path):
    """XO is dissolved on 1 January 2005: in 2005 and after Russia holds no status, and the reading cites the
    dissolution (with its line), not 'never held a status'; Kazakhstan, gone in 2002, reads 'withdrawn' until
    then."""
    h = _log(tmp_path, "jan1", FOUNDED + _ev("kaz-leaves", "2002-01-01", "withdrawal", "KAZ", line=4)
             + _ev("xo-ends", "2005-01-01", "org_dissolved", "", line=5) + LATE_WORD)
    read = statuses(h, "XO", "any", {2004, 2005, 2006}, {"member"})
    assert read[("RUS", 2004)].status == "member"
    assert read[("RUS", 2005)] == Side("none", "none", "xo-ends", "xo-ends (jan1.txt line 5)")
    assert read[("RUS", 2006)].event == "xo-ends"
    assert (read[("KAZ", 2004)].status, read[("KAZ", 2005)].status) == ("withdrawn", "none")


def test_every_year_of_an_unknown_status_is_silent_not_only_the_first(tmp_path):
    """Belarus joins in 2000 and is coded unknown from February 2001 on side A; side B (coded by years) has
    it a member throughout. 2001 agrees (a member in part of it), and 2002-2007 are each A's silence,
    never a disagreement."""
    a = _log(tmp_path, "a", FOUNDED + _ev("blr-joins", "2000-06-01", "accession", "BLR", line=2)
             + _ev("blr-unknown", "2001-02-01", "status_unknown", "BLR", line=3) + LATE_WORD)
    b = _log(tmp_path, "b", FOUNDED + _ev("blr-joins", "2000-06-01", "accession", "BLR", line=2) + LATE_WORD,
             coding=ANY_CODING)
    read = statuses(a, "XO", "any", set(range(2000, 2008)), {"member"})
    assert [read[("BLR", y)] is None for y in range(2000, 2008)] == [False, False] + [True] * 6
    result = reconcile(a, b)
    assert [result.cells[("BLR", y)][0] for y in range(2000, 2008)] == ["agree"] * 2 + ["a_silent"] * 6


def test_by_years_a_signature_one_side_counts_and_the_other_does_not_is_a_coding_difference(tmp_path):
    """Both logs have Russia and Kazakhstan sign in 2000 and the treaty in force in 2001; A (coded by years)
    counts a signatory as a member, B does not. 2000 is a coding difference for both, not a real one;
    Armenia, a member from 2002 in A and never in B, is a real difference; the rest agree."""
    treaty = (_ev("xo-signed", "2000-03-01", "treaty_signed", "RUS, KAZ", payload="name: X Organization, short: XO")
              + _ev("xo-in-force", "2001-04-01", "treaty_in_force", "", line=2))
    a = _log(tmp_path, "a", treaty + _ev("arm-joins", "2002-05-01", "accession", "ARM", line=3) + LATE_WORD,
             coding=ANY_CODING)
    b = _log(tmp_path, "b", treaty + LATE_WORD)
    result = reconcile(a, b)
    assert result.precision == "year"
    verdicts = {(s, y): v for (s, y), (v, _a, _b) in result.cells.items()}
    assert verdicts[("RUS", 2000)] == verdicts[("KAZ", 2000)] == "coding_difference"
    assert {verdicts[(s, y)] for s in ("RUS", "KAZ") for y in range(2001, 2008)} == {"agree"}
    assert [verdicts[("ARM", y)] for y in range(2000, 2008)] == ["agree"] * 2 + ["disagree"] * 6
    assert result.summary() == {"agree": 14 + 2, "disagree": 6, "coding_difference": 2, "a_silent": 0,
                                "b_silent": 0}


def test_by_dates_a_real_difference_is_not_listed_again_as_a_coding_difference(tmp_path):
    """Dated to the day on both sides, A counting signatures (as ATOP does): the founders' entries agree
    read alike (signed 2000-03-01 on both sides) and differ only by coding (B's members from 2001-04-01);
    Armenia's entry (May against September 2002) is a real difference, listed once; Tajikistan, in B only,
    is a real difference of membership (no gap). The summary counts these facts, one each."""
    treaty = (_ev("xo-signed", "2000-03-01", "treaty_signed", "RUS, KAZ", payload="name: X Organization, short: XO")
              + _ev("xo-in-force", "2001-04-01", "treaty_in_force", "", line=2))
    a = _log(tmp_path, "a", treaty + _ev("arm-joins", "2002-05-01", "accession", "ARM", line=3) + LATE_WORD,
             coding=ATOP_LIKE)
    b = _log(tmp_path, "b", treaty + _ev("arm-joins-b", "2002-09-01", "accession", "ARM", line=3)
             + _ev("tjk-joins", "2003-02-01", "accession", "TJK", line=4) + LATE_WORD)
    result = reconcile(a, b)
    assert result.precision == "day"
    facts = sorted((f.state, f.fact, f.verdict) for f in result.facts)
    assert facts == [("ARM", "entry", "disagree"),
                     ("KAZ", "entry", "agree"), ("KAZ", "entry", "coding_difference"),
                     ("RUS", "entry", "agree"), ("RUS", "entry", "coding_difference"),
                     ("TJK", "membership", "disagree")]
    assert result.summary() == {"agree": 2, "disagree": 2, "coding_difference": 2, "a_silent": 0, "b_silent": 0}


def test_the_second_log_is_read_for_the_first_logs_organization_when_it_has_it(tmp_path):
    """B's header names YO, but B also founds XO: compared with A (about XO), B is read for XO, not YO."""
    a = _log(tmp_path, "a", FOUNDED + LATE_WORD)
    b = _log(tmp_path, "b", FOUNDED + _ev("yo-founded", "2001-02-01", "org_founded", "ARM", target="YO",
                                          payload="name: Y, short: YO", line=2) + LATE_WORD,
             org="YO", orgs="XO: {name: X Organization}, YO: {name: Y}")
    result = reconcile(a, b)
    assert (result.org_a, result.org_b) == ("XO", "XO")
    assert sorted((f.state, f.fact, f.verdict) for f in result.facts) == [("KAZ", "entry", "agree"),
                                                                          ("RUS", "entry", "agree")]


JOINS = _ev("blr-joins", "2000-06-01", "accession", "BLR", line=2)
AFTER = _ev("after-word", "2008-05-01", "statement", "RUS", payload="title: t", line=9)


def _leaves(date: str) -> str:
    return _ev("blr-leaves", date, "withdrawal", "BLR", line=3)


def _unknown(date: str) -> str:
    return _ev("blr-unknown", date, "status_unknown", "BLR", line=4)


def _belarus(tmp_path, a_events: str, b_events: str) -> list[tuple[str, str, int | None]]:
    """Belarus's compared facts (fact, verdict, gap in days), sorted, between two logs of XO compared by dates."""
    a = _log(tmp_path, "a", FOUNDED + a_events + LATE_WORD)
    b = _log(tmp_path, "b", FOUNDED + b_events + LATE_WORD)
    return sorted(((f.fact, f.verdict, f.gap_days) for f in reconcile(a, b).facts if f.state == "BLR"),
                  key=lambda t: (t[0], t[1], t[2] or 0))


@pytest.mark.parametrize("a_events, b_events, facts", [
    # runs that never overlap are not paired as an entry and an exit years apart: each is a membership the other lacks
    (JOINS + _leaves("2001-06-01"), _ev("blr-joins", "2003-06-01", "accession", "BLR", line=2) + _leaves("2004-06-01"),
     [("membership", "disagree"), ("membership", "disagree")]),
    # B codes Belarus unknown from the day A has it join: B is silent on it
    (JOINS, _unknown("2000-06-01"), [("membership", "b_silent")]),
    # A codes Belarus unknown from the day B has it leave: A is silent on the exit
    (JOINS + _unknown("2003-01-01"), JOINS + _leaves("2003-01-01"), [("entry", "agree"), ("exit", "a_silent")]),
    # B has it leave half a year before A stops knowing: A says it was a member then
    (JOINS + _unknown("2003-01-01"), JOINS + _leaves("2002-06-01"), [("entry", "agree"), ("exit", "disagree")]),
    # both stop knowing on the same day: no exit to compare
    (JOINS + _unknown("2003-01-01"), JOINS + _unknown("2003-01-01"), [("entry", "agree")]),
    # the mirror cases, B silent
    (JOINS, JOINS + _unknown("2003-01-01"), [("entry", "agree"), ("exit", "b_silent")]),
    (JOINS + _leaves("2003-01-01"), JOINS + _unknown("2003-01-01"), [("entry", "agree"), ("exit", "b_silent")]),
    (JOINS + _leaves("2002-06-01"), JOINS + _unknown("2003-01-01"), [("entry", "agree"), ("exit", "disagree")]),
])
def test_by_dates_a_side_that_codes_a_state_unknown_is_silent_where_the_other_dates_it(tmp_path, a_events, b_events,
                                                                                        facts):
    """Belarus's facts compared by dates when one side codes it unknown: silence where the other side's date falls
    inside the unknown span, a real difference where it falls before, nothing where both are silent."""
    assert [(f, v) for f, v, _gap in _belarus(tmp_path, a_events, b_events)] == facts


@pytest.mark.parametrize("joins, facts", [("2007-05-01", [("membership", "disagree")]), ("2007-05-02", [])])
def test_by_dates_an_entry_on_the_other_logs_last_day_is_compared_and_one_after_it_is_not(tmp_path, joins, facts):
    """B's log ends on 2007-05-01: A's Belarus joining that day is a real difference (B covers the day and names no
    status), joining the next day is past B's end, where B is silent."""
    a = _log(tmp_path, "a", FOUNDED + _ev("blr-joins", joins, "accession", "BLR", line=2) + LATE_WORD + AFTER)
    b = _log(tmp_path, "b", FOUNDED + LATE_WORD)
    assert [(f.fact, f.verdict) for f in reconcile(a, b).facts if f.state == "BLR"] == facts


@pytest.mark.parametrize("leaves, facts", [("2007-05-01", [("entry", "agree"), ("exit", "disagree")]),
                                           ("2007-05-02", [("entry", "agree")])])
def test_by_dates_an_exit_on_the_other_logs_last_day_is_compared_and_one_after_it_is_not(tmp_path, leaves, facts):
    """A's log ends on 2007-05-01 with Belarus still a member: B's Belarus leaving that day is a real difference,
    leaving the next day is past A's end, where A is silent."""
    a = _log(tmp_path, "a", FOUNDED + JOINS + LATE_WORD)
    b = _log(tmp_path, "b", FOUNDED + JOINS + _leaves(leaves) + LATE_WORD + AFTER)
    assert sorted((f.fact, f.verdict) for f in reconcile(a, b).facts if f.state == "BLR") == facts


@pytest.mark.parametrize("a_events, b_events, facts", [
    # A's Belarus leaves on 2007-05-01 (B's last day, B has it go on): compared; leaving the day after B ends is not
    (JOINS + _leaves("2007-05-01") + AFTER, JOINS, [("entry", "agree"), ("exit", "disagree")]),
    (JOINS + _leaves("2007-05-02") + AFTER, JOINS, [("entry", "agree")]),
    # B's Belarus joins on A's last day, and the day after
    (JOINS.replace("BLR", "ARM").replace("blr-", "arm-"), _ev("blr-joins", "2007-05-01", "accession", "BLR") + AFTER,
     [("membership", "disagree")]),
    (JOINS.replace("BLR", "ARM").replace("blr-", "arm-"), _ev("blr-joins", "2007-05-02", "accession", "BLR") + AFTER,
     []),
])
def test_by_dates_the_other_logs_last_day_bounds_exits_and_entries_both_ways(tmp_path, a_events, b_events, facts):
    """The mirror of the cases above: a date on the other log's last day is compared, one a day later is not."""
    assert [(f, v) for f, v, _gap in _belarus(tmp_path, a_events, b_events)] == facts


def _back(date: str) -> str:
    return _ev("blr-back", date, "readmission", "BLR", line=5)


@pytest.mark.parametrize("a_events, b_events, facts", [
    # runs that meet on one day (A's ends the day B's begins) are one membership dated differently
    (JOINS + _leaves("2001-06-01"), _ev("blr-joins", "2001-06-01", "accession", "BLR") + _leaves("2002-06-01"),
     [("entry", "disagree", 365), ("exit", "disagree", 365)]),
    # A's one run overlaps B's two runs by 365 days each: it is paired with the first, the second is B's alone
    (JOINS + _leaves("2006-06-01"), JOINS + _leaves("2001-06-01") + _back("2005-06-01") + _ev(
        "blr-out", "2006-06-01", "withdrawal", "BLR", line=6),
     [("entry", "agree", 0), ("exit", "disagree", 1826), ("membership", "disagree", None)]),
    # A's second run, after an exit B does not have, is compared too
    (JOINS + _leaves("2001-06-01") + _back("2003-06-01"), JOINS,
     [("entry", "agree", 0), ("exit", "disagree", None), ("membership", "disagree", None)]),
])
def test_by_dates_runs_are_paired_by_their_overlap_first_come_first_served(tmp_path, a_events, b_events, facts):
    """Which run of one side is compared with which of the other: the one it overlaps most (a day's touch counts,
    the first on a tie), and every run of a state is compared."""
    assert _belarus(tmp_path, a_events, b_events) == facts


ARMENIA = JOINS.replace("BLR", "ARM").replace("blr-", "arm-")  # keeps a log's Belarus rows empty


@pytest.mark.parametrize("a_events, b_events, facts", [
    # Belarus joins A on the day both logs begin (2000-03-01): B covers that day and names no status
    (_ev("blr-joins", "2000-03-01", "accession", "BLR"), ARMENIA, [("membership", "disagree")]),
    (ARMENIA, _ev("blr-joins", "2000-03-01", "accession", "BLR"), [("membership", "disagree")]),
    # B's unknown ends (Belarus an observer) the day Belarus joins A: B is no longer silent then
    (_ev("blr-joins", "2001-06-01", "accession", "BLR"),
     _unknown("2000-06-01") + _ev("blr-observer", "2001-06-01", "observer_status", "BLR", line=6),
     [("membership", "disagree")]),
    # two runs in A, none in B: both compared
    (JOINS + _leaves("2001-06-01") + _back("2003-06-01"), ARMENIA, [("membership", "disagree"), ("membership", "disagree")]),
    # after an exit A is silent on, A's second run (Belarus accedes again) is compared too
    (JOINS + _unknown("2003-01-01") + _ev("blr-again", "2005-06-01", "accession", "BLR", line=7),
     JOINS + _leaves("2003-01-01"), [("entry", "agree"), ("exit", "a_silent"), ("membership", "disagree")]),
    # after an exit B is silent on, A's second run meets B's silence too
    (JOINS + _leaves("2003-01-01") + _back("2005-06-01"), JOINS + _unknown("2003-01-01"),
     [("entry", "agree"), ("exit", "b_silent"), ("membership", "b_silent")]),
])
def test_by_dates_first_days_ends_of_silence_and_every_run_count(tmp_path, a_events, b_events, facts):
    """A date on the other log's first day is compared; a silence that ended the day before a date does not cover
    it; every run of a state is compared, also after one the other side is silent on."""
    assert [(f, v) for f, v, _gap in _belarus(tmp_path, a_events, b_events)] == facts
