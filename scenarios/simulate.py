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

import datetime as _dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Callable, Iterator, Mapping

import numpy as np
import simpy

from orgsim.engine.apply import Unmet, apply_event
from orgsim.engine.history import History
from orgsim.engine.replay import excluded_by_readings, replay
from orgsim.engine.state import State
from orgsim.events.dates import parse_date
from orgsim.events.errors import InputError
from orgsim.events.model import Event, FrozenDict, Log
from orgsim.events.vocabulary import KINDS

from .branch import Branch, build_branch
from .hazards import AT_RISK_OF_EXIT, IN, Estimate, estimate_accession, estimate_withdrawal
from .model import Scenario
from .rules import decision_adopted, force_use_allowed, rules_of_type
from .streams import Streams

PHASE_LOG, PHASE_ACT, PHASE_OBSERVE = 0.1, 0.2, 0.9
#: The tallies every run reports, in this order.
TALLIES = ("sessions", "absences", "decisions", "decisions_blocked", "requests", "requests_granted",
           "withdrawals", "accessions")
DEFAULT_MODE = "recorded"  # a rule no intervention switches is applied as history had it


# --- the plan: everything a run needs that does not depend on the run --------------------

@dataclass(frozen=True)
class Rates:
    """Probabilities: absence per member and session; the others per state and year."""

    absence: float = 0.0
    withdrawal: float = 0.0
    accession: float = 0.0
    request: float = 0.0
    estimates: tuple[Estimate, ...] = ()

    def source(self, what: str) -> str:
        """How a rate was set: the scenario's number, or the estimate's formula."""
        est = next((e for e in self.estimates if e.what == what), None)
        return f"estimated: {est.formula}" if est else "given"


@dataclass(frozen=True)
class Plan:
    """A scenario ready to run: its branch log, fork, horizon, rates and what to observe."""

    name: str
    path: str
    log: Log  # the branch's log
    readings: Mapping[str, str]
    org: str
    start: int  # the fork day (its state is the replayed branch)
    until: int  # the horizon, inclusive
    rates: Rates
    candidates: tuple[str, ...]
    states: tuple[str, ...]  # every state observed and given a process
    bodies: tuple[str, ...]
    forces: tuple[str, ...]
    meeting_bodies: tuple[str, ...]  # bodies some meeting_frequency rule names
    dates: tuple[int, ...]  # observation days: the fork, each 1 January after it, the horizon
    modes: Mapping[str, str]  # rule id -> off | recorded | strict, from the scenario's switches
    future: tuple[Event, ...]  # the branch's events after the fork
    excluded: Mapping[str, str]  # events a reading sets aside
    seq: int  # emitted events sort after the branch's events of the same day
    order: int

    @property
    def random(self) -> bool:
        """True if runs can differ."""
        r = self.rates
        return any(p > 0 for p in (r.absence, r.withdrawal, r.accession, r.request))

    @property
    def years(self) -> range:
        """The calendar years the simulation touches."""
        return range(year_of(self.start), year_of(self.until) + 1)


@lru_cache(maxsize=None)
def year_of(day: int) -> int:
    """The calendar year of a day ordinal."""
    return _dt.date.fromordinal(day).year


@lru_cache(maxsize=None)
def first_day(year: int) -> int:
    """1 January of a year, as an ordinal."""
    return _dt.date(year, 1, 1).toordinal()


def days_in(year: int) -> int:
    """365 or 366."""
    return first_day(year + 1) - first_day(year)


@lru_cache(maxsize=65536)
def iso(day: int) -> str:
    """A day ordinal as YYYY-MM-DD."""
    return _dt.date.fromordinal(day).isoformat()


def fork_and_horizon(scenario: Scenario, log: Log) -> tuple[int, int]:
    """The fork day (default: the branch's last event) and the horizon (default: the fork)."""
    sto = scenario.stochastic
    start = parse_date(sto.start).key if sto.start else max((e.date.key for e in log.events), default=0)
    if sto.until is None:
        return start, start
    horizon = parse_date(sto.until)
    until = horizon.upper if horizon.upper is not None else horizon.key
    if until < start:
        raise InputError(f"stochastic.until {sto.until} is before the fork date {iso(start)}", scenario.path)
    return start, until


def scenario_rates(scenario: Scenario, baseline: History, start: int) -> Rates:
    """The scenario's probabilities, with ``estimate`` replaced by an estimate from the baseline log."""
    sto = scenario.stochastic
    estimates = []
    withdrawal, accession = sto.withdrawal, sto.accession
    if withdrawal == "estimate":
        estimates.append(estimate_withdrawal(baseline, start))
        withdrawal = estimates[-1].rate
    if accession == "estimate":
        estimates.append(estimate_accession(baseline, start, sto.candidates))
        accession = estimates[-1].rate
    return Rates(float(sto.absence), float(withdrawal), float(accession), float(sto.request), tuple(estimates))


def _ever(history: History, category: str, org: str) -> tuple[str, ...]:
    """Ids of every body or force of the organization that exists at some time in the history."""
    return tuple(sorted({f.key[1] for f, *_ in history.index.intervals(category) if f.value.get("org") == org}))


def _meeting_bodies(log: Log) -> tuple[str, ...]:
    bodies = set()
    for e in log.events:
        params = e.payload.get("params") or {}
        if e.kind == "rule_adopted" and params.get("type") == "meeting_frequency":
            bodies |= set(params.get("bodies") or ())
    return tuple(sorted(bodies))


def observation_days(start: int, until: int) -> tuple[int, ...]:
    """The fork day, 1 January of each later year up to the horizon, and the horizon."""
    days = [start] + [first_day(y) for y in range(year_of(start) + 1, year_of(until) + 1)]
    return tuple(days + ([until] if until != days[-1] else []))


def prepare(scenario: Scenario, branch: Branch | None = None) -> Plan:
    """Turn a scenario into a plan: build its branch, fix the fork and horizon, estimate the rates."""
    branch = branch or build_branch(scenario)
    log, org, history = branch.log, branch.baseline.org, branch.history
    start, until = fork_and_horizon(scenario, log)
    states = {f.key[2] for f, *_ in history.index.intervals("member") if f.key[1] == org}
    return Plan(
        name=scenario.name, path=scenario.path, log=log, readings=dict(branch.readings), org=org,
        start=start, until=until, rates=scenario_rates(scenario, branch.baseline, start),
        candidates=tuple(scenario.stochastic.candidates),
        states=tuple(sorted(states | set(scenario.stochastic.candidates))),
        bodies=_ever(history, "body", org), forces=_ever(history, "force", org),
        meeting_bodies=_meeting_bodies(log), dates=observation_days(start, until),
        modes={iv.target: iv.args["mode"] for iv in scenario.interventions if iv.verb == "rule"},
        future=tuple(e for e in log.events if e.date.key > start),
        excluded=excluded_by_readings(log, branch.readings),
        seq=max((e.seq for e in log.events), default=0) + 1,
        order=max((e.order for e in log.events), default=0) + 1,
    )


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
        acts = [a for a in YEARLY_ACTS if getattr(plan.rates, a) > 0]
        for state in plan.states if acts else ():
            env.process(member_state(self, state, acts))
        env.process(observer(self))
        env.run(until=plan.until + 1)
        self.outcome.tally[:] = [self.tally[t] for t in TALLIES]
        return self


# --- the processes -------------------------------------------------------------------

Process = Iterator[simpy.Event]


def scheduled_events(run: Run) -> Process:
    """The branch's own events after the fork, each on its day; one that cannot apply is skipped, with why."""
    for ev in run.plan.future:
        if ev.date.key > run.plan.until:
            return
        yield run.wait(ev.date.key, PHASE_LOG)
        reason = run.plan.excluded.get(ev.id)
        if reason is None:
            try:
                apply_event(run.state, ev, run.findings)
            except Unmet as exc:
                reason = str(exc)
        if reason is not None:
            run.skipped.append({"event": ev.id, "reason": reason})


def meeting_rule(run: Run, body: str) -> tuple[str | None, int]:
    """The meeting_frequency rule in force for a body, and how many sessions a year it asks (0: none)."""
    best: tuple[str | None, int] = (None, 0)
    for rule in run.rules_of("meeting_frequency"):
        n = int(rule["params"].get("min_per_year") or 0)
        if body in (rule["params"].get("bodies") or ()) and n > best[1]:
            best = (rule["id"], n)
    return best


def session_days(year: int, n: int) -> list[int]:
    """n sessions spread evenly over a year: the middle of each n-th of it."""
    return [first_day(year) + int((k + 0.5) * days_in(year) / n) for k in range(n)]


def calendar(run: Run, body: str) -> Process:
    """A body meets on its calendar: each year, as many sessions as its meeting_frequency rule asks."""
    plan = run.plan
    for year in plan.years:
        yield run.wait(max(first_day(year), plan.start), PHASE_ACT)
        rule, n = meeting_rule(run, body)
        for k, day in enumerate(session_days(year, n)):
            if plan.start < day <= plan.until:
                yield run.wait(day, PHASE_ACT)
                hold_session(run, body, rule or "", year, k, n)


def stays_away(run: Run, state: str, body: str, year: int, k: int) -> bool:
    """Does a member stay away from a session? Its own draw for this body, year and session."""
    p = run.plan.rates.absence
    return p > 0 and run.streams.uniforms("attendance", state, f"{body}/{year}/{k}", 1)[0] < p


def hold_session(run: Run, body: str, rule: str, year: int, k: int, n: int) -> None:
    """One session: members attend or stay away, the session is logged, its decisions go to the rules."""
    if run.state.get(("body", body)) is None:
        return
    absent = [s for s in run.attendees(body) if stays_away(run, s, body, year, k)]
    ev = run.emit("session", (), body, {"body": body, "absent": tuple(absent), "session": f"{k + 1} of {n} in {year}"},
                  f"calendar({body})", f"{rule} (meeting_frequency: at least {n} a year)")
    if ev is not None:
        run.tally["sessions"] += 1
        run.tally["absences"] += len(absent)
        run.matters.put(("session", ev))


def yearly_draw(run: Run, act: str, state: str, year: int) -> tuple[int, float, float]:
    """A state's draw for one act in one year: the day it would happen, whether it does, and a spare."""
    u_day, u_act, u_more = run.streams.uniforms(act, state, str(year), 3)
    return first_day(year) + int(u_day * days_in(year)), float(u_act), float(u_more)


def withdraw(run: Run, state: str, u: float, _spare: float) -> None:
    """A member leaves with the withdrawal probability."""
    p = run.plan.rates.withdrawal
    if u < p and run.status(state) in AT_RISK_OF_EXIT:
        if run.emit("withdrawal", (state,), run.plan.org, {}, f"member({state})",
                    f"withdrawal = {p:.4f} a year ({run.plan.rates.source('withdrawal')})"):
            run.tally["withdrawals"] += 1


def join(run: Run, state: str, u: float, _spare: float) -> None:
    """A candidate joins (or a former member returns) with the accession probability."""
    p = run.plan.rates.accession
    status = run.status(state)
    if u < p and state in run.plan.candidates and status not in IN:
        kind = "readmission" if status in ("withdrawn", "not_renewed", "suspended") else "accession"
        if run.emit(kind, (state,), run.plan.org, {}, f"candidate({state})",
                    f"accession = {p:.4f} a year ({run.plan.rates.source('accession')})"):
            run.tally["accessions"] += 1


def situations(run: Run) -> list[str]:
    """The situations the force-use rules in force distinguish (``assistance`` if there are none)."""
    names = set()
    for rule in run.rules_of("force_use_criterion"):
        names |= set(rule["params"].get("allowed") or ()) | set(rule["params"].get("excluded") or ())
    return sorted(names) or ["assistance"]


def ask(run: Run, state: str, u: float, spare: float) -> None:
    """A member asks for assistance with the request probability; the situation is its own draw."""
    p = run.plan.rates.request
    if u < p and run.status(state) == "member":
        options = situations(run)
        situation = options[min(int(spare * len(options)), len(options) - 1)]
        ev = run.emit("request", (state,), run.plan.org, {"what": "assistance", "situation": situation},
                      f"member({state})", f"request = {p:.4f} a year (given)")
        if ev is not None:
            run.tally["requests"] += 1
            run.matters.put(("request", ev))


YEARLY_ACTS: dict[str, Callable[[Run, str, float, float], None]] = {
    "withdrawal": withdraw, "accession": join, "request": ask}


def member_state(run: Run, state: str, acts: list[str]) -> Process:
    """A state's years: each act (withdraw, join, ask) may happen once a year, on a day of its own draw.

    In the fork's year and the horizon's, a draw whose day falls outside the simulated span is let go,
    so a part of a year carries that part of the yearly chance.
    """
    plan = run.plan
    for year in plan.years:
        draws = sorted((*yearly_draw(run, act, state, year), act) for act in acts)
        for day, u, spare, act in draws:
            if plan.start < day <= plan.until:
                yield run.wait(day, PHASE_ACT)
                YEARLY_ACTS[act](run, state, u, spare)


def decide_at_session(run: Run, session: Event) -> None:
    """A session's decisions: adopted unless a participation rule, applied strictly, counts an absence as a no."""
    view, body = run.view(), session.target or ""
    absent = list(session.payload.get("absent") or ())
    rules = [r["id"] for r in run.rules_of("participation_consensus") if body in r["params"].get("bodies", ())]
    mode = run.plan.modes.get(rules[0], DEFAULT_MODE) if rules else DEFAULT_MODE
    ruling = decision_adopted(view, body, absent, mode)
    rule = f"{rules[0]} ({mode})" if rules else "none in force (participation_consensus)"
    if not ruling.allowed:
        run.tally["decisions_blocked"] += 1
        run.blocked.append({"session": session.id, "rule": ruling.rule, "reason": ruling.reason})
        return
    if run.emit("decision", (body,), run.plan.org, {"title": f"Decisions of the {body} session",
                                                     "body": body, "decided_at": session.id},
                "rules(decision_adopted)", f"{rule}: {ruling.reason}"):
        run.tally["decisions"] += 1


def decide_request(run: Run, request: Event) -> None:
    """A request for assistance: granted if the force-use rules in force allow its situation."""
    view, situation = run.view(), str(request.payload.get("situation"))
    ruling = force_use_allowed(view, situation)
    criteria = [r["id"] for r in run.rules_of("force_use_criterion")]
    rule = ruling.rule or (", ".join(criteria) if criteria else "none in force (force_use_criterion)")
    state = request.actors[0]
    if run.emit("decision", (), run.plan.org, {"title": f"On {state}'s request for assistance",
                                                "request": request.id, "situation": situation,
                                                "granted": ruling.allowed, "reason": ruling.reason},
                "rules(force_use_allowed)", f"{rule}: {ruling.reason}"):
        run.tally["decisions"] += 1
        run.tally["requests_granted"] += ruling.allowed


DECIDERS: dict[str, Callable[[Run, Event], None]] = {"session": decide_at_session, "request": decide_request}


def rule_process(run: Run) -> Process:
    """The rules: each matter a session or a request puts to them is decided at once."""
    while True:
        kind, event = yield run.matters.get()
        DECIDERS[kind](run, event)


def observe(run: Run, i: int) -> None:
    """Record membership, bodies and forces at observation date i."""
    plan, st, out = run.plan, run.state, run.outcome
    out.members[i] = [st.value(("member", plan.org, s)) == "member" for s in plan.states]
    out.count[i] = sum(1 for k in st.children("member", plan.org) if st.value(k) == "member")
    out.bodies[i] = [st.get(("body", b)) is not None for b in plan.bodies]
    out.forces[i] = [st.get(("force", f)) is not None for f in plan.forces]


def observer(run: Run) -> Process:
    """The outcome at each observation date after the fork, once the day's events are done."""
    for i, day in enumerate(run.plan.dates[1:], start=1):
        yield run.wait(day, PHASE_OBSERVE)
        observe(run, i)


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
