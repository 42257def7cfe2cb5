"""The scenario runner: a SimPy discrete-event simulation of a branch, on a calendar clock.

A running SimPy environment cannot be copied, so a run forks from the branch's
plainly replayed state at the fork date (``stochastic.start``) and starts a
fresh environment there. The clock counts days (proleptic Gregorian ordinals)
up to the horizon (``stochastic.until``). Within a day, phases keep the order
that replay will later give the same events:

- ``PHASE_LOG``: the branch's own events dated after the fork, on their days;
- ``PHASE_ACT``: sessions, member states' acts, and the rulings they call for;
- ``PHASE_OBSERVE``: the outcome is recorded (members, bodies, forces).

The processes, one function each:

- :func:`scheduled_events` applies the branch's later events;
- :func:`calendar` holds a body's sessions as its ``meeting_frequency`` rules ask;
  at each session every member attends or stays away (:func:`stays_away`);
- :func:`member_state` lets each state withdraw, join or ask for assistance, each
  with its yearly probability, on a day of its own draw;
- :func:`rule_process` decides what sessions and requests put to it, through
  ``scenarios/rules.py`` (``decision_adopted``, ``force_use_allowed``);
- :func:`observer` records the outcome at the observation dates.

Every event a process emits is a real :class:`~orgsim.events.model.Event`,
checked against the running state by the engine's own handler before it is
emitted, with ``derived_by`` naming the process and the rule. The branch log
plus those events replays (leniently) to the same state.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Mapping

import numpy as np
import simpy

from orgsim.engine.apply import Unmet, apply_event
from orgsim.engine.history import History
from orgsim.engine.replay import replay
from orgsim.engine.state import State
from orgsim.events.dates import parse_date
from orgsim.events.model import Event, FrozenDict, Log
from orgsim.events.vocabulary import KINDS

from .model import Scenario
from .rules import rules_of_type
from .streams import Streams

from .plan import PHASE_OBSERVE, TALLIES, Plan, iso, prepare
from .processes import (YEARLY_ACTS, calendar, member_state, observe, observer, rule_process,
                        scheduled_events)




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
        observe(self, 0)

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

    # --- running ---
    def execute(self) -> "Run":
        """Start every process in a fixed order and run the clock to the end of the horizon."""
        plan, env = self.plan, self.env
        env.process(scheduled_events(self))
        env.process(rule_process(self))
        for body in plan.meeting_bodies:
            env.process(calendar(self, body))
        fitted = ("withdrawal", "accession") if plan.hazards is not None else ()
        acts = [a for a in YEARLY_ACTS if getattr(plan.rates, a) > 0 or a in fitted]
        for state in plan.states if acts else ():
            env.process(member_state(self, state, acts))
        env.process(observer(self))
        env.run(until=plan.until + 1)
        self.outcome.tally[:] = [self.tally[t] for t in TALLIES]
        return self




# --- a single simulation, with its log -----------------------------------------------

@dataclass
class Simulation:
    """One run of a scenario: what it emitted, and the branch log with those events, replayed."""

    plan: Plan
    run: Run
    emitted: list[Event] = field(default_factory=list)

    @cached_property
    def log(self) -> Log:
        """The branch's log plus every emitted event."""
        return self.plan.log.with_events([*self.plan.log.events, *self.emitted])

    @cached_property
    def history(self) -> History:
        """The simulated log replayed (lenient, as branches are)."""
        return History(self.log, readings=self.plan.readings, org=self.plan.org, strict=False)

    @property
    def outcome(self) -> Outcome:
        """What the run observed."""
        return self.run.outcome


def run_once(plan: Plan, seed: int = 0, run: int = 0) -> Run:
    """Run a plan once (run index ``run``, seeded by ``(seed, run)``)."""
    return Run(plan, seed, run).execute()


def simulate(scenario: Scenario | Plan, seed: int = 0, run: int = 0) -> Simulation:
    """Simulate a scenario once; without randomness the result is the branch's replay plus its sessions."""
    plan = scenario if isinstance(scenario, Plan) else prepare(scenario)
    done = run_once(plan, seed, run)
    return Simulation(plan, done, list(done.emitted))

