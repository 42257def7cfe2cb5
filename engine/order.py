r"""Same-day order: the days on which the order of a log's events changes the result.

Replay applies one day's events by ``seq``, then in file order. Where they commute
(two states joining) any order gives the same state; where they do not (a state
withdrawing and being readmitted the same day) the result rests on an order the
sources may not give. For each day with several events this module replays the
day in other orders, from the state the days before left, and reports a day if
some order leaves other facts at the end of the day, fails an event that the
log's order applies (or applies one it fails), or changes what a source's
attested membership is found to disagree with. A day's events are all
permuted up to :data:`MAX_ORDERS` orders; a busier day is tried with each pair
of its events swapped, and then reversed.

>>> from orgsim.events import load_log_text
>>> log = load_log_text("orgsim_log: 2\norganization: TA\nevents:\n"
...     "- {id: founded, date: '1990', kind: org_founded, actors: [FRA, BEL], target: TA, rationale: r}\n"
...     "- {id: bel-leaves, date: '1995-06', kind: withdrawal, actors: [BEL], target: TA, rationale: r}\n"
...     "- {id: bel-back, date: '1995-06-01', kind: readmission, actors: [BEL], target: TA, rationale: r}\n")
>>> issue = order_issues(log)[0]
>>> issue.day, issue.order
('1995-06-01', ('bel-back', 'bel-leaves'))
>>> issue.difference
'bel-back fails: BEL was already a member of TA on 1995-06-01 (since 1990)'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from orgsim.events.dates import ordinal_to_iso
from orgsim.events.errors import LogError
from orgsim.events.model import Event, Log

from .apply import Unmet, apply_event
from .facts import FactState
from .replay import excluded_by_readings, external_entities

#: Most orders tried on one day: every order of up to five events (5! = 120).
MAX_ORDERS = 120


@dataclass(frozen=True)
class OrderIssue:
    """A day whose result depends on the order of its events, and one order that shows it."""

    day: str  # ISO date of the day
    events: tuple[str, ...]  # the day's events in replay order
    order: tuple[str, ...]  # another order, which gives another result
    difference: str  # what that order changes, in one line
    explicit: bool  # the log fixes the order with a distinct `seq` for each event

    def __str__(self) -> str:
        fixed = " (the log fixes the order with seq)" if self.explicit else ""
        return (f"{self.day}: {', '.join(self.events)}: in the order {', '.join(self.order)}, "
                f"{self.difference}{fixed}")


@dataclass(frozen=True)
class _Outcome:
    facts: dict
    failed: dict  # event id -> reason
    findings: frozenset


def _clone(st: FactState) -> FactState:
    copy = FactState(None, st.external)
    copy.facts = dict(st.facts)
    copy._children = {k: dict(v) for k, v in st._children.items()}
    return copy


def _outcome(st: FactState, events: Sequence[Event]) -> _Outcome:
    work, failed, findings = _clone(st), {}, []
    for ev in events:
        try:
            apply_event(work, ev, findings)
        except Unmet as exc:
            failed[ev.id] = str(exc)
    return _Outcome({k: f.value for k, f in work.facts.items()}, failed,
                    frozenset((f.event, f.message) for f in findings))


def _orders(events: list[Event], limit: int) -> Iterator[tuple[Event, ...]]:
    """Other orders of one day's events: all of them if few enough, else each pair swapped, then reversed."""
    n = len(events)
    count = 1
    for k in range(2, n + 1):
        count *= k
    if count <= limit:
        yield from itertools.islice(itertools.permutations(events), 1, None)
        return
    for i, j in itertools.combinations(range(n), 2):
        swapped = list(events)
        swapped[i], swapped[j] = swapped[j], swapped[i]
        yield tuple(swapped)
    yield tuple(reversed(events))


def _difference(base: _Outcome, other: _Outcome) -> str:
    for eid, reason in other.failed.items():
        if eid not in base.failed:
            return f"{eid} fails: {reason}"
    for eid in base.failed:
        if eid not in other.failed:
            return f"{eid} applies, which the log's order fails"
    keys = sorted(set(base.facts) | set(other.facts), key=repr)
    for key in keys:
        a, b = base.facts.get(key), other.facts.get(key)
        if a != b:
            return f"{' '.join(map(str, key))} ends the day as {_show(b)} rather than {_show(a)}"
    (eid, message) = sorted(base.findings ^ other.findings)[0]
    return f"the check of {eid} against the state comes out otherwise ({message})"


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return str(value)


def order_issues(log: Log, readings: Mapping[str, str] | None = None, strict: bool = True,
                 limit: int = MAX_ORDERS) -> list[OrderIssue]:
    """Every day whose result depends on the order of its events, in date order.

    The log is replayed as :func:`orgsim.engine.replay.replay` does (the default readings
    unless others are chosen; strict: an unmet presupposition in the log's own order is a
    LogError). Each day is then tried in other orders from the state the days before left.
    """
    excluded = excluded_by_readings(log, readings)
    events = [e for e in log.events if e.id not in excluded]
    state = FactState(None, external_entities(log))
    findings: list = []
    issues = []
    for day, group in itertools.groupby(events, key=lambda e: e.date.key):
        group = list(group)
        if len(group) > 1:
            base = _outcome(state, group)
            for order in _orders(group, limit):
                other = _outcome(state, order)
                if other != base:
                    issues.append(OrderIssue(ordinal_to_iso(day), tuple(e.id for e in group),
                                             tuple(e.id for e in order), _difference(base, other),
                                             len({e.seq for e in group}) == len(group)))
                    break
        for ev in group:
            try:
                apply_event(state, ev, findings)
            except Unmet as exc:
                if strict:
                    raise LogError(str(exc), ev.file, ev.line, ev.id) from None
    return issues
