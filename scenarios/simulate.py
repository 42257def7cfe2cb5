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

from dataclasses import dataclass, field
from functools import cached_property

from orgsim.engine.history import History
from orgsim.events.model import Event, Log

from .model import Scenario
from .plan import TALLIES, Plan, prepare
from .processes import (YEARLY_ACTS, calendar, member_state, observe, observer, rule_process,
                        scheduled_events)
from .run import Outcome, Run


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


def execute(run: Run) -> Run:
    """Start every process in a fixed order and run the clock to the end of the horizon."""
    plan, env = run.plan, run.env
    observe(run, 0)
    env.process(scheduled_events(run))
    env.process(rule_process(run))
    for body in plan.meeting_bodies:
        env.process(calendar(run, body))
    fitted = ("withdrawal", "accession") if plan.hazards is not None else ()
    acts = [a for a in YEARLY_ACTS if getattr(plan.rates, a) > 0 or a in fitted]
    for state in plan.states if acts else ():
        env.process(member_state(run, state, acts))
    env.process(observer(run))
    env.run(until=plan.until + 1)
    run.outcome.tally[:] = [run.tally[t] for t in TALLIES]
    return run


def run_once(plan: Plan, seed: int = 0, run: int = 0) -> Run:
    """Run a plan once (run index ``run``, seeded by ``(seed, run)``)."""
    return execute(Run(plan, seed, run))


def simulate(scenario: Scenario | Plan, seed: int = 0, run: int = 0) -> Simulation:
    """Simulate a scenario once; without randomness the result is the branch's replay plus its sessions."""
    plan = scenario if isinstance(scenario, Plan) else prepare(scenario)
    done = run_once(plan, seed, run)
    return Simulation(plan, done, list(done.emitted))

