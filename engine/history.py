"""A history: a log plus its compiled index, answering questions about any date.

>>> h = History.load_bundled()
>>> [m["id"] for m in h.at("1995-06-01").members(status="member")][:3]
['ARM', 'AZE', 'BLR']
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, Mapping

from orgsim.events import DEFAULT_LOG, bundled_log_path
from orgsim.events.load import load_any
from orgsim.events.dates import DateLike, HistDate, parse_date, to_date
from orgsim.events.model import Event, Log

from .answers import MODALITIES
from .index import FactIndex
from .replay import Replay, replay
from .state import STATUS_ORDER, State

if TYPE_CHECKING:  # pandas and networkx are imported when a frame or a graph is asked for
    import networkx as nx
    import pandas as pd


def as_date(date: DateLike) -> HistDate:
    """Accept a HistDate, a user's YYYY / YYYY-MM / YYYY-MM-DD string, or any date object (see ``to_date``)."""
    return to_date(date)


class History:
    """A log, the conflict readings chosen for it, and its index of facts."""

    def __init__(self, log: Log, readings: Mapping[str, str] | None = None, org: str | None = None,
                 strict: bool = True) -> None:
        self.log = log
        self.readings = dict(readings or {})
        self.org = org or log.organization
        self.strict = strict

    @classmethod
    def load(cls, path: str, **kwargs) -> "History":
        """Load a log: YAML, the columnar format, or an event store."""
        return cls(load_any(path), **kwargs)

    @classmethod
    def load_bundled(cls, name: str = DEFAULT_LOG, **kwargs) -> "History":
        """Load one of the logs shipped with orgsim."""
        return cls.load(bundled_log_path(name), **kwargs)

    @cached_property
    def index(self) -> FactIndex:
        """The compiled index (built on first use, then reused for every date)."""
        return FactIndex(self.log, self.readings, strict=self.strict)

    def validate(self) -> Replay:
        """Replay the whole log strictly: raises LogError at the first broken invariant."""
        return replay(self.log, readings=self.readings, strict=self.strict)

    def at(self, date: DateLike, certain_only: bool = False) -> State:
        """The state at a date, answered from the index: every fact that may hold, with its answer."""
        d = as_date(date)
        return State.from_answers(self.log, self.index.answers_at(d.key), d, self.org, self.index.coverage,
                                  certain_only)

    @property
    def coverage(self):  # -> Coverage
        """What the log covers: organizations, first and last day (``engine/coverage.py``)."""
        from .coverage import coverage_of

        return coverage_of(self.log)

    def members_at(self, date: DateLike, status: str | None = None, org: str | None = None,
                   answers: bool = False) -> dict[str, Any]:
        """Fast (the index, no State built): each actor's status in the organization on a date, strongest first.

        Without ``answers``, the reference reading (each event on the first day its date can mean); with
        it, every status that may hold, each with its answer (``engine/answers.py``).

        >>> list(History.load_bundled().members_at("2013", status="suspended"))
        ['UZB']
        >>> History.load_bundled().members_at("2006-08-15", answers=True)["UZB"]
        [('member', 'possible'), ('not_renewed', 'possible')]
        """
        if not answers:
            ids, held = self.index.members_of(org or self.org, as_date(date).key)
            pairs = sorted(zip(ids.tolist(), held.tolist()), key=lambda p: (STATUS_ORDER.get(p[1], 99), p[0]))
            return {i: st for i, st in pairs if status is None or st == status}
        ids, held, codes = self.index.answers_of(org or self.org, as_date(date).key)
        out: dict[str, list[tuple[str, str]]] = {}
        for i, st, c in sorted(zip(ids.tolist(), held.tolist(), codes.tolist()),
                               key=lambda p: (STATUS_ORDER.get(p[1], 99), p[0])):
            if status is None or st == status:
                out.setdefault(i, []).append((st, MODALITIES[c]))
        return out

    def memberships_at(self, date: DateLike) -> "pd.DataFrame":
        """Fast: every organization's and body's memberships on a date (org, member, status, since)."""
        from .frames import memberships_at_frame

        return memberships_at_frame(self, date)

    def to_frame(self, what: str = "memberships") -> "pd.DataFrame":
        """The history as a DataFrame: ``memberships`` (one row per status interval) or ``events``."""
        from .frames import events_frame, membership_frame

        if what == "memberships":
            return membership_frame(self)
        if what == "events":
            return events_frame(self)
        raise ValueError(f"what must be memberships or events, not {what!r}")

    def graph(self, at: DateLike | None = None) -> "nx.DiGraph":
        """The organization's network on a date (default: the last event's first day), as ``State.graph``."""
        return self.at(at if at is not None else self.log.events[-1].date.first).graph()

    def __repr__(self) -> str:
        return f"<History of {self.org}: {len(self.log.events)} events, readings {self.readings or 'default'}>"

    def _repr_html_(self) -> str:
        from orgsim.events.reprs import summary_html

        log = self.log
        return summary_html(f"History of {self.org}", [
            ("log", f"{log.id}: {log.title}"), ("events", len(log.events)),
            ("from", log.events[0].date.text if log.events else ""),
            ("to", log.events[-1].date.text if log.events else ""),
            ("readings", ", ".join(f"{k}={v}" for k, v in self.readings.items()) or "the defaults"),
            ("conflicts", [c.id for c in log.conflicts])])

    def replay_to(self, date: DateLike) -> State:
        """The state at a date by a full replay from the start (slow; the index's reference)."""
        d = as_date(date)
        r = replay(self.log, d.key, readings=self.readings, strict=self.strict)
        return State(self.log, dict(r.state.facts), d, self.org, coverage=self.coverage)

    def events(self, start: DateLike | None = None, end: DateLike | None = None,
               kind: str | None = None, actor: str | None = None) -> list[Event]:
        """Events from ``start`` to ``end`` inclusive (by the day each applies), optionally filtered."""
        lo = as_date(start).key if start else None
        hi = as_date(end) if end else None
        hi_key = hi.upper if hi is not None else None  # "2009" as an end means through 2009-12-31
        out = []
        for e in self.log.events:
            if lo is not None and e.date.key < lo:
                continue
            if hi_key is not None and e.date.key > hi_key:
                continue
            if kind and e.kind != kind:
                continue
            if actor and actor not in e.actors and actor != e.target:
                continue
            out.append(e)
        return out

    @property
    def skipped(self) -> list:
        """Events the replay did not apply, with reasons (alternative readings, unmet presuppositions)."""
        return self.index.replay.skipped

    @property
    def findings(self) -> list:
        """Source claims that disagree with the replayed state."""
        return self.index.replay.findings

    def key_dates(self) -> list[HistDate]:
        """Dates on which the organization's own membership or structure changed."""
        seen, out = set(), []
        for fact, start, _end, _x in self.index.intervals():
            if fact.key[0] in ("member", "org", "force", "body") and start not in seen:
                seen.add(start)
                out.append(fact.since)
        return sorted(out, key=lambda d: d.key)

    def event_dates(self) -> list[HistDate]:
        """The distinct dates of all events, in order."""
        seen, out = set(), []
        for e in self.log.events:
            if e.date.key not in seen:
                seen.add(e.date.key)
                out.append(parse_date(e.date.first.isoformat()))
        return out
