"""The index at scale: both compiles answer every date exactly as a full replay does."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from orgsim.engine import index_cache
from orgsim.engine.history import History
from orgsim.engine.index import FactIndex
from orgsim.engine.replay import replay
from orgsim.events import load_log
from orgsim.events.columnar.parquet import save_parquet
from orgsim.events.errors import LogError
from orgsim.events.parse import parse_log
from orgsim.events.synth.events import synth_columns
from orgsim.events.synth.plan import SynthSpec
from orgsim.events.synth.write import write_log

ORGS = ("OA", "OB", "OC")          # OC is declared but never founded in most logs: it exists throughout
STATES = ("FRA", "DEU", "ITA", "ESP")
KINDS = ("accession", "withdrawal", "suspension", "readmission", "non_renewal", "observer_status",
         "partner_status", "associate_status", "status_ended", "status_unknown", "org_founded", "treaty_signed",
         "treaty_in_force", "org_dissolved", "org_renamed", "decision", "system_exit", "system_return")
RETURN = (None, "member", "associate", "observer", "unknown", "none", "withdrawn")  # withdrawn: not one it takes
DATES = ("1990", "1990-03", "1990-03-15", "1991", "1991-07-01", "1992-02", "1993", "1993-05-05", "1994-11")

event = st.fixed_dictionaries({
    "kind": st.sampled_from(KINDS), "org": st.sampled_from(ORGS), "date": st.sampled_from(DATES),
    "actors": st.lists(st.sampled_from(STATES), max_size=3, unique=True), "seq": st.integers(0, 1),
    "predecessor": st.sampled_from((None, None, "OA", "OB")), "status": st.sampled_from(RETURN),
})


def _log(raw: list[dict], conflict: bool = False) -> object:
    """A log from random events: kinds in random order, so many presuppositions fail."""
    events = []
    for i, e in enumerate(raw):
        d = {"id": f"e{i}", "date": e["date"], "kind": e["kind"], "org": e["org"], "actors": e["actors"],
             "seq": e["seq"], "provenance": {"dataset": "test"}}
        if e["kind"] in ("org_founded", "treaty_signed") and e["predecessor"] not in (None, e["org"]):
            d["payload"] = {"predecessor": e["predecessor"], "name": e["org"]}
        if e["kind"] == "system_return" and e.get("status"):
            d["payload"] = {"status": e["status"]}
        events.append(d)
    conflicts = []
    if conflict and len(events) >= 2:
        conflicts = [{"id": "c", "question": "q", "default": "a", "reason": "r",
                      "readings": [{"id": "a", "summary": "a", "lines": [1], "events": ["e0"]},
                                   {"id": "b", "summary": "b", "lines": [2], "events": ["e1"]}]}]
    data = {"orgsim_log": 2, "id": "t", "organization": "OA", "entities": {"organizations": {o: {} for o in ORGS}},
            "sources": {}, "conflicts": conflicts, "events": events}
    return parse_log(data, "<random>")


def _days(log: object) -> list[int]:
    keys = sorted({e.date.key for e in log.events})
    return sorted(set(keys) | {k - 1 for k in keys} | {keys[-1] + 400} if keys else {700000})


def _check(log: object, readings: dict | None = None, strict: bool = True) -> None:
    """Both compiles raise the replay's error, or answer every date (and its day before) as replay does."""
    try:
        full = replay(log, readings=readings, strict=strict)
    except LogError as exc:
        for method in ("auto", "replay"):
            with pytest.raises(type(exc)) as got:
                FactIndex(log, readings, strict=strict, method=method, cache=False)
            assert str(got.value) == str(exc)
        return
    for method in ("auto", "replay"):
        ix = FactIndex(log, readings, strict=strict, method=method, cache=False)
        assert [s.event.id for s in ix.replay.skipped] == [s.event.id for s in full.skipped]
        for day in _days(log):
            want = replay(log, day, readings=readings, strict=strict).state.facts
            assert ix.facts_at(day) == want, (method, day)
            for org in ORGS:
                actors, statuses = ix.members_of(org, day)
                assert dict(zip(actors, statuses)) == {k[2]: f.value for k, f in want.items()
                                                       if k[0] == "member" and k[1] == org}
            frame = ix.memberships_at(day)
            assert len(frame) == sum(k[0] == "member" for k in want)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event, min_size=5, max_size=60), st.booleans(), st.sampled_from([None, {"c": "b"}]))
def test_the_index_answers_random_logs_as_a_full_replay(raw, strict, readings):
    """Random events (most of them failing a presupposition): same facts, same error, either compile.

    The events a lenient replay applies then make a valid log, checked strictly too.
    """
    log = _log(raw, conflict=True)
    readings = readings if len(raw) >= 2 else None
    _check(log, readings, strict)
    applied = replay(log, readings=readings, strict=False).applied
    valid = log.with_events(applied)
    _check(valid, readings, True)
    assert FactIndex(valid, readings, cache=False).method == "vector"


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 4), st.integers(2, 8), st.integers(1, 40), st.integers(5, 60), st.integers(0, 10**6))
def test_the_index_answers_synthetic_logs_as_a_full_replay(orgs, states, years, events, seed):
    """Valid synthetic logs take the vectorised compile and answer every date as a full replay."""
    try:
        header, cols = synth_columns(SynthSpec(orgs, states, years, events, seed))
    except ValueError:
        return  # too few events for that many organizations: the generator says so
    from orgsim.events.columns import lazy_log

    log = lazy_log(parse_log({**header, "events": []}, "<synth>"), cols)
    assert FactIndex(log, cache=False).method == "vector"
    _check(log)


def test_a_withdrawal_by_a_non_member_is_the_replays_error_naming_the_event(tmp_path):
    """In a large-log format too, withdrawing a non-member stops with the event's id and row."""
    header, cols = synth_columns(SynthSpec(3, 5, 20, 60, 1))
    path = str(tmp_path / "s.yaml")
    write_log(path, header, cols)
    with open(path, encoding="utf-8") as fh:
        text = fh.read().replace('"kind": "accession"', '"kind": "withdrawal"', 1)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    log = load_log(path)
    with pytest.raises(LogError) as want:
        replay(log)
    with pytest.raises(LogError) as got:
        FactIndex(log, cache=False)
    assert str(got.value) == str(want.value) and "is not a member of" in str(got.value)
    assert f"event '{want.value.event}'" in str(got.value)


def test_parquet_round_trip_keeps_every_event_and_answer(tmp_path):
    """The bundled log written as Parquet loads as the same events and the same states."""
    h = History.load_bundled()
    path = str(tmp_path / "csto.parquet")
    save_parquet(h.log, path)
    p = History.load(path)
    strip = lambda e: (e.id, e.date, e.kind, e.org, e.actors, e.target, e.payload, e.sources, e.seq, e.note)
    assert [strip(e) for e in p.log.events] == [strip(e) for e in h.log.events]
    for day in ("1995-06-01", "2009-06-14", "2013"):
        assert p.at(day).facts == h.at(day).facts


def test_a_parquet_logs_events_keep_their_dates_after_the_index_is_compiled(tmp_path):
    """Events built after the compile has parsed some dates carry their own dates, not another event's."""
    header, cols = synth_columns(SynthSpec(orgs=8, states=12, years=40, events=3000, seed=3))
    path = str(tmp_path / "h.parquet")
    write_log(path, header, cols)
    written = dict(zip(cols.ids.tolist(), (cols.date_texts[c] for c in cols.date_codes.tolist())))
    log = load_log(path)
    FactIndex(log, cache=False)  # parses the dates of the lineage events, one by one
    got = {e.id: e.date.text for e in log.events}
    assert got == written


def test_a_large_logs_index_is_cached_beside_it_and_reused_while_unchanged(tmp_path, monkeypatch):
    """The compiled index is written beside the log, read back when the log is unchanged, and ignored after an edit."""
    monkeypatch.setattr(index_cache, "MIN_EVENTS", 10)
    header, cols = synth_columns(SynthSpec(3, 6, 30, 200, 2))
    path = str(tmp_path / "s.parquet")
    write_log(path, header, cols)
    first = FactIndex(load_log(path))
    assert os.path.exists(path + ".orgsim-index")
    calls = []
    monkeypatch.setattr("orgsim.engine.vectorised.rows_and_statuses",
                        lambda *a, **k: calls.append(1) or (_ for _ in ()).throw(AssertionError("recompiled")))
    again = FactIndex(load_log(path))
    assert not calls and again.intervals() == first.intervals()
    header, cols = synth_columns(SynthSpec(3, 6, 30, 200, 3))
    write_log(path, header, cols)
    with pytest.raises(AssertionError, match="recompiled"):
        FactIndex(load_log(path))


def test_the_fast_queries_agree_with_the_state_api(csto):
    """members_of and memberships_at say what State.members says, on the bundled log."""
    for day in ("1993-06-01", "2009-06-14", "2013"):
        d = dt.date.fromisoformat(day if len(day) == 10 else f"{day}-01-01").toordinal()
        state = csto.at(day)
        reference = [f for k, f in state.facts.items() if k[0] == "member"]
        actors, statuses = csto.index.members_of("CSTO", d)
        assert sorted(zip(actors, statuses)) == sorted((f.key[2], f.value) for f in reference if f.key[1] == "CSTO")
        assert len(csto.index.memberships_at(d)) == len(reference)
        # With their answers, the fast queries give every status that may hold, as State.members does.
        actors, statuses, codes = csto.index.answers_of("CSTO", d)
        names = {1: "certain", 2: "possible", 3: "presumed"}
        assert sorted(zip(actors, statuses, (names[int(c)] for c in codes))) == \
            sorted((m["id"], m["status"], m["modality"]) for m in state.members())
        frame = csto.index.memberships_answers(d)
        assert sorted(zip(frame.member, frame.status, frame.modality)) == \
            sorted((m["id"], m["status"], m["modality"]) for m in state.memberships())


def test_the_buckets_answer_as_the_interval_table_on_a_long_history():
    """On a history long enough that each organization's timeline is cut into many buckets, members_of and
    memberships_at give, on days inside, between and at the edges of buckets, what facts_at gives."""
    header, cols = synth_columns(SynthSpec(2, 40, 150, 20_000, 5))
    from orgsim.events.columns import lazy_log

    ix = FactIndex(lazy_log(parse_log({**header, "events": []}, "<synth>"), cols), cache=False)
    t = ix.table
    starts = sorted(set(t.start.tolist()))
    ix.members_of("", 0)
    ix.memberships_at(0)
    edges = {d for b in [*(bounds for bounds, _parts in t._views.orgs.values()), t._time.bounds] for d in b}
    assert max(len(bounds) for bounds, _parts in t._views.orgs.values()) >= 10  # many buckets, as meant
    days = sorted(set(starts[::97]) | {d + k for d in edges for k in (-1, 0, 1)} | {starts[-1] + 10_000})
    orgs = sorted({t.names[e] for e in t.ent.tolist()})
    for day in days:
        want = {k: f.value for k, f in ix.facts_at(day).items() if k[0] == "member"}
        for org in orgs:
            actors, statuses = ix.members_of(org, day)
            assert sorted(zip(actors, statuses)) == sorted((k[2], v) for k, v in want.items() if k[1] == org)
        frame = ix.memberships_at(day)
        assert sorted(zip(frame.org, frame.member, frame.status)) == sorted((k[1], k[2], v) for k, v in want.items())


def test_a_dissolved_external_organization_is_gone_for_both_compiles():
    """Found by the property test: an organization the log names but never founds, once dissolved,
    refuses a readmission in the vectorised compile exactly as in replay."""
    base = {"actors": [], "seq": 0, "predecessor": None}
    raw = [{**base, "kind": "accession", "org": "OA", "date": "1990"} for _ in range(3)] + [
        {**base, "kind": "accession", "org": "OB", "date": "1990", "actors": ["FRA"]},
        {**base, "kind": "accession", "org": "OB", "date": "1990", "actors": ["FRA"], "seq": 1},
        {**base, "kind": "org_dissolved", "org": "OA", "date": "1990"},
        {**base, "kind": "readmission", "org": "OA", "date": "1990"},
    ]
    _check(_log(raw), None, True)
    _check(_log(raw), None, False)
