"""A simulation plan: everything a run needs that does not depend on the run (fork, horizon, rates, calendars)."""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from orgsim.engine.history import History
from orgsim.engine.replay import excluded_by_readings
from orgsim.events.canonical import log_hash
from orgsim.events.dates import ordinal_to_iso, parse_date
from orgsim.events.errors import InputError
from orgsim.events.model import Event, Log

from .branch import Branch, build_branch
from .fitted import FittedHazards, check_covariates, describe_model, fit_from, fitted_hazards, load_model
from .hazards import Estimate, estimate_accession, estimate_withdrawal
from .model import Scenario

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
    log_hash: str = ""  # head hash of the baseline log, so a result can be traced to it
    branch_hash: str = ""  # head hash of the branch's log
    hazards: FittedHazards | None = None  # model: fitted: the hazards that replace the withdrawal and accession rates

    @property
    def random(self) -> bool:
        """True if runs can differ."""
        r = self.rates
        return self.hazards is not None or any(p > 0 for p in (r.absence, r.withdrawal, r.accession, r.request))

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
    """365 or 366 (a century is a leap year only when divisible by 400).

    >>> days_in(1999), days_in(2000), days_in(1900)
    (365, 366, 365)
    """
    return first_day(year + 1) - first_day(year)


#: A day ordinal as YYYY-MM-DD: the one formatter, cached because every simulated day asks for it.
iso = lru_cache(maxsize=65536)(ordinal_to_iso)


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


def scenario_hazards(scenario: Scenario, history: History, org: str, start: int,
                     states: tuple[str, ...]) -> FittedHazards | None:
    """``model: fitted``: the saved or freshly fitted hazards, with the organization's history at the fork."""
    sto = scenario.stochastic
    if sto.model != "fitted":
        return None
    if sto.hazards:
        model = load_model(sto.hazards, scenario.path, sto.line)
        source = f"{os.path.basename(sto.hazards)}: {describe_model(model.about)}"
    else:
        model = fit_from(sto.fit, scenario.path, sto.line)
        source = f"fitted on {describe_model(model.about)}"
    check_covariates(model, source, scenario.path, sto.line)
    return fitted_hazards(model, source, history, org, year_of(start), states)


def prepare(scenario: Scenario, branch: Branch | None = None) -> Plan:
    """Turn a scenario into a plan: build its branch, fix the fork and horizon, estimate the rates."""
    branch = branch or build_branch(scenario)
    log, org, history = branch.log, branch.baseline.org, branch.history
    start, until = fork_and_horizon(scenario, log)
    states = {f.key[2] for f, *_ in history.index.intervals("member") if f.key[1] == org}
    observed = tuple(sorted(states | set(scenario.stochastic.candidates)))
    return Plan(
        name=scenario.name, path=scenario.path, log=log, readings=dict(branch.readings), org=org,
        start=start, until=until, rates=scenario_rates(scenario, branch.baseline, start),
        candidates=tuple(scenario.stochastic.candidates),
        states=observed, hazards=scenario_hazards(scenario, history, org, start, observed),
        bodies=_ever(history, "body", org), forces=_ever(history, "force", org),
        meeting_bodies=_meeting_bodies(log), dates=observation_days(start, until),
        modes={iv.target: iv.args["mode"] for iv in scenario.interventions if iv.verb == "rule"},
        future=tuple(e for e in log.events if e.date.key > start),
        excluded=excluded_by_readings(log, branch.readings),
        seq=max((e.seq for e in log.events), default=0) + 1,
        order=max((e.order for e in log.events), default=0) + 1,
        log_hash=log_hash(branch.baseline.log), branch_hash=log_hash(log),
    )


