"""Properties over generated logs: determinism, the index, branches, writing logs back, same-day order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from orgsim.engine.history import History
from orgsim.engine.order import order_issues
from orgsim.engine.replay import replay
from orgsim.events import bundled_log_path, load_log
from orgsim.events.dates import parse_date
from orgsim.events.parse import load_log_text
from orgsim.events.vocabulary import KINDS
from orgsim.events.writer import dump_log, write_log
from orgsim.scenarios.branch import build_branch
from orgsim.scenarios.model import Scenario

from .conftest import TINY
from .strategies import dump, log_documents

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_log_strategy_generates_every_event_kind(kind):
    """Every kind of the vocabulary occurs in some generated log, so the properties below meet it."""
    doc = find(log_documents(max_events=30), lambda d: any(e["kind"] == kind for e in d["events"]),
               settings=settings(max_examples=3000, database=None, deadline=None, phases=[Phase.generate],
                                 suppress_health_check=list(HealthCheck)))  # the first log found: no shrinking
    assert load_log_text(dump(doc), "generated.yaml").events


def _logs():
    return log_documents().map(lambda doc: load_log_text(dump(doc), "generated.yaml"))


def _probe_days(log) -> list:
    """Every event's day, the day before and the day after, as HistDates."""
    days = sorted({e.date.key + k for e in log.events for k in (-1, 0, 1)})
    return [parse_date(dt.date.fromordinal(d).isoformat()) for d in days]


def _same(a, b) -> bool:
    """Two events are the same but for the file and line they were read from."""
    return dataclasses.replace(a, file="", line=0) == dataclasses.replace(b, file="", line=0)


def _assert_same_log(log, back) -> None:
    assert (back.id, back.title, back.organization) == (log.id, log.title, log.organization)
    assert back.entities == log.entities and back.sources == log.sources and back.texts == log.texts
    assert [dataclasses.replace(c, line=0) for c in back.conflicts] == \
        [dataclasses.replace(c, line=0) for c in log.conflicts]
    assert len(back.events) == len(log.events)
    for a, b in zip(log.events, back.events):
        assert _same(a, b), (a, b)


@PROPERTY
@given(log_documents())
def test_replay_is_deterministic(doc):
    """Loading and replaying the same log twice gives the same facts, skips and findings."""
    text = dump(doc)
    first, second = load_log_text(text, "a.yaml"), load_log_text(text, "a.yaml")
    assert first == second
    r1, r2 = replay(first), replay(second)
    assert r1.state.facts == r2.state.facts
    assert [e.id for e in r1.applied] == [e.id for e in r2.applied]
    assert [(s.event.id, s.reason) for s in r1.skipped] == [(s.event.id, s.reason) for s in r2.skipped]
    assert r1.findings == r2.findings


def test_output_does_not_depend_on_the_hash_seed():
    """The JSON export of the bundled log is byte-identical under two Python hash seeds."""
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-m", "orgsim", "export", "--format", "json"], env=env,
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr
        outs.append(proc.stdout)
    assert outs[0] == outs[1]


@PROPERTY
@given(_logs())
def test_the_index_answers_as_a_full_replay_does(log):
    """On every event's day, and the days either side, the index gives the facts a full replay gives."""
    history = History(log)
    for day in _probe_days(log):
        assert history.at(day).facts == history.replay_to(day).facts, day.text


@PROPERTY
@given(_logs())
def test_a_branch_without_interventions_equals_the_baseline(log):
    """A scenario with no interventions changes nothing, invalidates nothing and derives nothing."""
    baseline = History(log)
    branch = build_branch(Scenario(name="none", question="?", log=log.path, path="none.yaml"), baseline)
    assert branch.invalidated == [] and branch.derived == [] and branch.removed == []
    for day in _probe_days(log):
        assert branch.history.at(day).facts == baseline.at(day).facts, day.text


@PROPERTY
@given(_logs())
def test_writing_a_log_then_reading_it_is_the_identity(log):
    """A log written back to YAML loads as the same log: header, conflicts and every event field by field."""
    text = dump_log(log)
    back = load_log_text(text, "back.yaml")
    _assert_same_log(log, back)
    assert dump_log(back) == text


def test_the_bundled_log_survives_writing_and_reading(tmp_path):
    """csto.yaml written out and read back has the same 184-odd events, dates as written, quotes and glosses."""
    log = load_log(bundled_log_path())
    path = tmp_path / "csto-copy.yaml"
    write_log(log, str(path))
    back = load_log(str(path))
    _assert_same_log(log, back)
    assert [e.date.text for e in back.events] == [e.date.text for e in log.events]
    assert History(back).at("2013").facts == History(log).at("2013").facts
    assert [p.name for p in tmp_path.iterdir()] == ["csto-copy.yaml"]


def _reordered(log, day: int, order: list) -> object:
    """The log with one day's events given another file order (and no explicit seq)."""
    rank = {e.id: i for i, e in enumerate(order)}
    events = [dataclasses.replace(e, seq=0, order=-len(order) + rank[e.id]) if e.id in rank
              else dataclasses.replace(e, seq=0) for e in log.events]
    return log.with_events(events)


def _end_of_day(log, day: int):
    r = replay(log, day, strict=False)
    return ({k: f.value for k, f in r.state.facts.items()}, sorted(s.event.id for s in r.skipped),
            sorted((f.event, f.message) for f in r.findings))


@PROPERTY
@given(_logs(), st.randoms(use_true_random=False))
def test_same_day_order_matters_exactly_where_it_is_reported(log, rnd):
    """A day not reported gives the same state in any order; a reported day's order really gives another."""
    reported = {i.day: i for i in order_issues(log)}
    days: dict[int, list] = {}
    for e in log.events:
        days.setdefault(e.date.key, []).append(e)
    for day, events in days.items():
        if len(events) < 2 or len(events) > 5:
            continue
        iso = dt.date.fromordinal(day).isoformat()
        base = _end_of_day(_reordered(log, day, events), day)
        if iso in reported:
            by_id = {e.id: e for e in events}
            order = [by_id[i] for i in reported[iso].order if i in by_id]
            order += [e for e in events if e.id not in reported[iso].order]
            assert _end_of_day(_reordered(log, day, order), day) != base, iso
        else:
            shuffled = list(events)
            rnd.shuffle(shuffled)
            assert _end_of_day(_reordered(log, day, shuffled), day) == base, iso


def test_a_withdrawal_and_a_readmission_on_one_day_are_reported(write_log, run):
    """`validate --check-order` names the day, both events and what the other order does."""
    path = write_log("""\
        - id: ta-in-force
          date: "1991"
          kind: treaty_in_force
          target: TA
          sources: [{source: notes, line: 2, quote: q, gloss: g}]
        - id: fra-leaves
          date: "1995-06-01"
          kind: withdrawal
          actors: [FRA]
          target: TA
          sources: [{source: notes, line: 3, quote: q, gloss: g}]
        - id: fra-back
          date: "1995-06"
          kind: readmission
          actors: [FRA]
          target: TA
          sources: [{source: notes, line: 4, quote: q, gloss: g}]
        - id: deu-leaves
          date: "1996-03-02"
          kind: withdrawal
          actors: [DEU]
          target: TA
          sources: [{source: notes, line: 5, quote: q, gloss: g}]
        - id: bel-joins
          date: "1996-03-02"
          kind: accession
          actors: [BEL]
          target: TA
          sources: [{source: notes, line: 6, quote: q, gloss: g}]
        """)
    code, out, err = run("validate", "--check-order", path)
    assert code == 0, err
    assert "order: 1 day on which the order of same-day events changes the result" in out
    assert ("order 1995-06-01: fra-leaves, fra-back: in the order fra-back, fra-leaves, fra-back fails: "
            "FRA was already a member of TA") in out
    assert "1996-03-02" not in out.partition("order:")[2]  # a withdrawal and another state's accession commute


def test_the_tiny_log_has_no_order_dependent_day():
    """The tiny test log's same-day events (two readings of one exit) are not reported: one is set aside."""
    assert order_issues(History.load(TINY).log) == []
