"""Leaving and returning to the state system (system_exit, system_return) in the vectorised compile:
the same facts, and the same first error, as the recorded replay."""

from __future__ import annotations

import os

import pytest
from orgsim.engine.index import FactIndex
from orgsim.engine.vectorised import Unsupported, compile_columns
from orgsim.events import load_log_text
from orgsim.events.errors import LogError
from orgsim.events.parse import parse_log

STATES = ("FRA", "DEU", "ITA", "ESP", "GBR", "POL", "NLD")
REAL_STATE_YEAR = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "cow-igo-v3",
                               "state_year_format3.csv")


def _log(events: list[tuple]) -> object:
    """A log from (date, kind, org, actors[, payload]) tuples, ids e0, e1, ..."""
    out = []
    for i, (date, kind, org, actors, *payload) in enumerate(events):
        d = {"id": f"e{i}", "date": date, "kind": kind, "org": org, "actors": list(actors),
             "provenance": {"dataset": "test"}}
        if payload:
            d["payload"] = payload[0]
        out.append(d)
    data = {"orgsim_log": 2, "id": "t", "organization": "OA",
            "entities": {"organizations": {"OA": {}, "OB": {}, "OC": {}}}, "sources": {}, "conflicts": [],
            "events": out}
    return parse_log(data, "<system>")


def _days(log) -> list[int]:
    keys = sorted({e.date.key for e in log.events})
    return sorted(set(keys) | {k - 1 for k in keys} | {keys[-1] + 400})


def _same(log) -> None:
    vec = FactIndex(log, method="vector", cache=False)
    rep = FactIndex(log, method="replay", cache=False)
    assert vec.method == "vector" and rep.method == "replay"
    assert sorted(map(repr, vec.intervals())) == sorted(map(repr, rep.intervals()))
    for day in _days(log):
        assert vec.facts_at(day) == rep.facts_at(day), day


def _same_error(log) -> str:
    with pytest.raises(LogError) as want:
        FactIndex(log, method="replay", cache=False)
    with pytest.raises(LogError) as got:
        FactIndex(log, method="vector", cache=False)
    assert str(got.value) == str(want.value)
    return str(want.value)


EVENTS = [
    ("1990", "org_founded", "OA", STATES[:6]),
    ("1990-06", "treaty_signed", "OB", ("FRA", "DEU", "ITA")),
    ("1991", "system_exit", "OA", ("FRA", "DEU", "ITA", "ESP", "GBR", "POL")),
    ("1991", "system_exit", "OA", ("FRA",)),                          # already out: unchanged
    ("1991-02", "system_exit", "OA", ("NLD",)),                        # no status before: none is needed
    ("1991-03", "system_exit", "OB", ("DEU",)),                        # a signatory leaves
    ("1991-04", "system_exit", "OC", ("ITA",)),                        # declared, never founded: exists
    ("1992", "system_return", "OA", ("FRA",), {"status": "member"}),
    ("1992", "system_return", "OA", ("DEU",), {"status": "associate"}),
    ("1992-01-15", "system_return", "OA", ("ITA",), {"status": "observer"}),
    ("1992-02", "system_return", "OA", ("ESP",), {"status": "unknown"}),
    ("1992-03", "system_return", "OA", ("GBR",), {"status": "none"}),
    ("1992-04", "system_return", "OA", ("POL",)),                      # no payload: member
    ("1992-05", "treaty_in_force", "OB", ()),                          # the one out of the system stays out
    ("1993", "system_return", "OB", ("DEU",), {"status": "member"}),
    ("1993", "withdrawal", "OA", ("DEU",)),
    ("1993-06", "system_exit", "OA", ("FRA", "DEU")),                  # a withdrawn state leaves too
    ("1993-07", "system_return", "OC", ("ITA",), {"status": "observer"}),
    ("1994", "org_dissolved", "OA", ()),                               # ends not_in_system as well
]


def test_system_exit_and_return_compile_to_the_replays_facts():
    """Every payload status of system_return, and none, gives the same intervals in both compiles."""
    log = _log(EVENTS)
    _same(log)
    ix = FactIndex(log, method="vector", cache=False)
    day = log.by_id["e4"].date.key
    assert {k[2]: f.value for k, f in ix.facts_at(day).items() if k[:2] == ("member", "OA")} == {
        **{s: "not_in_system" for s in STATES[:6]}, "NLD": "not_in_system"}
    after = {k[2]: f.value for k, f in ix.facts_at(log.by_id["e12"].date.key).items() if k[:2] == ("member", "OA")}
    assert after == {"FRA": "member", "DEU": "associate", "ITA": "observer", "ESP": "unknown", "POL": "member",
                     "NLD": "not_in_system"}


def test_encoded_payloads_give_the_same_facts():
    """With the log's extras already encoded as columns (as a columnar log has them), the payloads come from there."""
    from orgsim.events.columns import columns_of

    log = _log(EVENTS)
    assert columns_of(log).with_extras().extra_codes
    _same(log)
    bad = _log([*EVENTS[:3], ("1992", "system_return", "OA", ("FRA",), {"status": "withdrawn"})])
    columns_of(bad).with_extras()
    with pytest.raises(Unsupported):
        compile_columns(bad)


def test_a_return_by_a_state_still_in_the_system_is_the_replays_error():
    """system_return presupposes not_in_system: a member returning is refused with replay's own message."""
    log = _log([*EVENTS[:3], ("1991-05", "system_return", "OA", ("NLD",), {"status": "member"})])
    assert "out of the state system" in _same_error(log)
    log = _log([EVENTS[0], ("1991", "system_return", "OA", ("FRA",), {"status": "observer"})])
    assert "out of the state system" in _same_error(log)


def test_a_system_event_of_a_dissolved_or_unknown_organization_is_the_replays_error():
    """Like readmission, both kinds need the organization to exist and not be dissolved."""
    _same_error(_log([EVENTS[0], ("1991", "org_dissolved", "OA", ()), ("1992", "system_exit", "OA", ("FRA",))]))
    msg = _same_error(_log([("1990", "system_exit", "OB", ("FRA",)), EVENTS[1]]))  # OB: not yet founded
    assert "does not exist" in msg
    _same_error(_log([*EVENTS[:3], ("1992", "org_dissolved", "OA", ()),
                      ("1993", "system_return", "OA", ("FRA",), {"status": "member"})]))


def test_a_return_with_another_payload_status_is_left_to_replay():
    """payload.status outside member, associate, observer, unknown, none: the replay reports it."""
    log = _log([*EVENTS[:3], ("1992", "system_return", "OA", ("FRA",), {"status": "withdrawn"})])
    with pytest.raises(Unsupported):
        compile_columns(log)
    with pytest.raises(LogError, match="payload.status must be one of"):
        FactIndex(log, cache=False)


def test_a_reading_can_leave_out_a_system_event():
    """An event left out by the default reading is not applied (nor refused) in either compile."""
    log = _log([*EVENTS[:3], ("1992", "system_return", "OA", ("FRA",), {"status": "member"}),
                ("1992", "system_return", "OA", ("DEU",), {"status": "sideways"})])
    raw = {"orgsim_log": 2, "id": "t", "organization": "OA",
           "entities": {"organizations": {"OA": {}, "OB": {}, "OC": {}}}, "sources": {},
           "conflicts": [{"id": "c", "question": "q", "default": "a", "reason": "r",
                          "readings": [{"id": "a", "summary": "a", "lines": [1], "events": ["e3"]},
                                       {"id": "b", "summary": "b", "lines": [2], "events": ["e4"]}]}],
           "events": [{"id": e.id, "date": e.date.text, "kind": e.kind, "org": e.org, "actors": list(e.actors),
                       "payload": dict(e.payload), "provenance": {"dataset": "test"}} for e in log.events]}
    _same(parse_log(raw, "<system>"))


@pytest.mark.skipif(not os.path.exists(REAL_STATE_YEAR), reason="../shared/data/cow-igo-v3 is not here")
def test_a_real_cow_state_year_import_compiles_by_arrays():
    """COW state-year rows for a few organizations, exits and returns included, take the vectorised compile."""
    from orgsim.events.importers import log_yaml
    from orgsim.events.importers.cow import read_cow
    from orgsim.events.importers.cow_events import cow_logs

    for _name, header, events in cow_logs(read_cow(REAL_STATE_YEAR, ["UPU", "ITU", "WMO"])):
        log = load_log_text(log_yaml(header, events), "import.yaml")
        assert any(e.kind == "system_exit" for e in log.events)
        vec = FactIndex(log, method="vector", cache=False)
        assert vec.method == "vector"
        rep = FactIndex(log, method="replay", cache=False)
        assert sorted(map(repr, vec.intervals())) == sorted(map(repr, rep.intervals()))
