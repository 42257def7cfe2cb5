"""One run of a simulation: its clock, its state, its draws, the events it emits and what it observes.

The processes that drive a run are in ``processes.py``; ``simulate.py`` starts them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

import numpy as np
import simpy

from orgsim.engine.apply import Unmet, apply_event
from orgsim.engine.replay import replay
from orgsim.engine.state import State
from orgsim.events.dates import parse_date
from orgsim.events.model import Event, FrozenDict
from orgsim.events.vocabulary import KINDS

from .plan import PHASE_OBSERVE, TALLIES, Plan, iso
from .rules import rules_of_type
from .streams import Streams


# --- one run -------------------------------------------------------------------------

@dataclass
class Outcome:
    """What one run observed: membership, bodies and forces at each observation date, and tallies."""

    members: np.ndarray  # (dates, states) bool: a member on that date
    count: np.ndarray  # (dates,) int: how many members
    bodies: np.ndarray  # (dates, bodies) bool: the body exists
    forces: np.ndarray  # (dates, forces) bool: the force exists
    tally: np.ndarray  # (len(TALLIES),) int

    @classmethod
    def empty(cls, plan: Plan) -> "Outcome":
        """All zeros, shaped for the plan."""
        n = len(plan.dates)
        return cls(np.zeros((n, len(plan.states)), bool), np.zeros(n, np.int64),
                   np.zeros((n, len(plan.bodies)), bool), np.zeros((n, len(plan.forces)), bool),
                   np.zeros(len(TALLIES), np.int64))


class Snapshot(State):
    """A State whose views are computed once (its facts are a copy that does not change)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._memo: dict[tuple, Any] = {}

    def members(self, org: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        key = ("members", org, status)
        if key not in self._memo:
            self._memo[key] = super().members(org, status)
        return self._memo[key]

    def rules(self, org: str | None = None) -> list[dict[str, Any]]:
        key = ("rules", org)
        if key not in self._memo:
            self._memo[key] = super().rules(org)
        return self._memo[key]


_SLUG = re.compile(r"[^a-z0-9._-]+")


@lru_cache(maxsize=4096)
def slug(text: str) -> str:
    """An id's lower-case form, safe inside an event id."""
    return _SLUG.sub("-", text.lower())


class Run:
    """One run: a fresh SimPy environment on the forked state, its draws, and what it emitted."""

    def __init__(self, plan: Plan, seed: int = 0, run: int = 0) -> None:
        self.plan, self.seed, self.run = plan, seed, run
        self.streams = Streams(seed, run)
        self.env = simpy.Environment(initial_time=plan.start + PHASE_OBSERVE)
        self.state = replay(plan.log, plan.start, readings=plan.readings, strict=False).state
        self.state.recorder = self._changed
        self.version = 0
        self._view: tuple[int, Snapshot] | None = None
        self._attendees: dict[tuple[int, str], list[str]] = {}
        self._rules: dict[tuple[int, str], list[dict]] = {}
        self.matters = simpy.Store(self.env)
        self.emitted: list[Event] = []
        self.skipped: list[dict] = []  # the branch's later events that could not apply, and why
        self.refused: list[dict] = []  # emissions the state refused (a presupposition failed)
        self.blocked: list[dict] = []  # decisions a rule blocked
        self.findings: list = []
        self.tally: Counter = Counter()
        self._ids = set(plan.log.by_id)
        self.outcome = Outcome.empty(plan)
        self.hazards = plan.hazards.start(self.streams) if plan.hazards is not None else None

    # --- the clock and the state ---
    def wait(self, day: int, phase: float) -> simpy.Timeout:
        """A timeout to a phase of a day (at once if that moment has passed)."""
        return self.env.timeout(max(0.0, day + phase - self.env.now))

    @property
    def today(self) -> int:
        """The simulated day."""
        return int(self.env.now)

    def _changed(self, *_: Any) -> None:
        self.version += 1

    def view(self) -> Snapshot:
        """The state as a State (for the rules), rebuilt only when a fact has changed."""
        if self._view is None or self._view[0] != self.version:
            self._view = (self.version, Snapshot(self.plan.log, dict(self.state.facts),
                                                 parse_date(iso(self.today)), self.plan.org))
        return self._view[1]

    def rules_of(self, rule_type: str) -> list[dict]:
        """The rules in force of one type (``rules.rules_of_type``), recomputed only when a fact has changed."""
        key = (self.version, rule_type)
        if key not in self._rules:
            self._rules[key] = rules_of_type(self.view(), rule_type)
        return self._rules[key]

    def status(self, state: str) -> str | None:
        """A state's status in the organization now."""
        return self.state.value(("member", self.plan.org, state))

    def members(self) -> list[str]:
        """The organization's full members now."""
        return sorted(k[2] for k in self.state.children("member", self.plan.org) if self.state.value(k) == "member")

    def attendees(self, body: str) -> list[str]:
        """Who sits in a body: its own members if it has any, else the organization's members."""
        key = (self.version, body)
        if key not in self._attendees:
            self._attendees[key] = []
            for entity in (body, self.plan.org):
                keys = [k for k in self.state.children("member", entity) if self.state.value(k) == "member"]
                if keys:
                    self._attendees[key] = sorted(k[2] for k in keys)
                    break
        return self._attendees[key]

    # --- emitting events ---
    def _new_id(self, day: str, kind: str, about: str) -> str:
        base = f"sim-{day}-{kind}-{slug(about)}"[:120]
        eid, n = base, 1
        while eid in self._ids:
            n += 1
            eid = f"{base}-{n}"
        self._ids.add(eid)
        return eid

    def emit(self, kind: str, actors: tuple[str, ...], target: str, payload: Mapping[str, Any], process: str,
             rule: str) -> Event | None:
        """Emit an event today, if the state admits it (the engine's own check); None if refused.

        The payload's values must already be immutable (strings, numbers, tuples).
        """
        assert kind in KINDS, kind
        day = iso(self.today)
        ev = Event(id=self._new_id(day, kind, actors[0] if actors else target), date=parse_date(day), kind=kind,
                   org=self.plan.org, actors=tuple(actors), target=target, payload=FrozenDict(payload),
                   rationale=f"simulated: run {self.run} (seed {self.seed}) of scenario {self.plan.name!r}",
                   derived_by=f"process {process}; rule {rule}", confidence="low", seq=self.plan.seq,
                   order=self.plan.order + len(self.emitted), file=f"<simulation of {self.plan.path}>")
        try:
            apply_event(self.state, ev, self.findings)
        except Unmet as exc:
            self.refused.append({"event": ev.id, "reason": str(exc)})
            self._ids.discard(ev.id)
            return None
        self.emitted.append(ev)
        return ev


__all__ = ["Outcome", "Run", "Snapshot", "slug"]
