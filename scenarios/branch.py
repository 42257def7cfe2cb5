"""Branching a log: apply a scenario's interventions and rule switches, then replay what follows.

The branch is replayed leniently: an event whose presuppositions no longer hold
is not applied, nor is anything that depended on it, and each is reported with
its reason. With no interventions a branch equals its baseline exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from orgsim.engine.history import History
from orgsim.events.dates import parse_date
from orgsim.events.errors import InputError
from orgsim.events.model import Event, Log
from orgsim.events.parse import event_for_log
from orgsim.events.load import load_any

from .model import Intervention, Scenario, event_fields
from .rules import apply_rule_switches


@dataclass
class Branch:
    """A scenario's branch: its log, its replay, and an account of every change and skip."""

    scenario: Scenario
    baseline: History
    log: Log
    readings: dict[str, str]
    applied: list[dict] = field(default_factory=list)  # interventions, as done
    derived: list[Event] = field(default_factory=list)  # events a rule or process produced
    removed: list[dict] = field(default_factory=list)  # events a rule switch removed

    def __repr__(self) -> str:
        # Not the dataclass's: that would print the baseline and the branch logs whole.
        return (f"<Branch {self.scenario.name!r} of {self.baseline.org}: {len(self.applied)} intervention{'' if len(self.applied) == 1 else 's'}, "
                f"{len(self.log.events)} events>")

    def _repr_html_(self) -> str:
        from orgsim.events.reprs import summary_html

        return summary_html(f"Branch: {self.scenario.name}", [
            ("question", self.scenario.question), ("log", self.log.id),
            ("interventions", [f"{a.get('verb', '')} {a.get('target', '')}".strip() for a in self.applied]),
            ("events", len(self.log.events)), ("invalidated", [r["event"] for r in self.invalidated]),
            ("derived by rules", len(self.derived))])

    @cached_property
    def history(self) -> History:
        """The branch as a History (lenient: unmet presuppositions are skipped and reported)."""
        return History(self.log, readings=self.readings, org=self.baseline.org, strict=False)

    @property
    def invalidated(self) -> list[dict]:
        """Events the branch could not apply, with the reason (alternative readings excluded)."""
        return [{"event": s.event.id, "date": s.event.date.text, "kind": s.event.kind,
                 "reason": s.reason + _possibly(self.history.log, s.event)}
                for s in self.history.skipped if "not selected" not in s.reason]

    @property
    def set_aside(self) -> list[dict]:
        """Events set aside because they embody a source reading that is not selected."""
        return [{"event": s.event.id, "reason": s.reason} for s in self.history.skipped
                if "not selected" in s.reason]


def _possibly(log: Log, ev: Event) -> str:
    """Say so when the failure rests on an order of events that imprecise dates leave open."""
    from orgsim.engine.replay import uncertain_order

    others = uncertain_order(log, ev)
    if not others:
        return ""
    named = ", ".join(f"{o.id} ({o.date.text})" for o in others[:3])
    return f"; only under this reading of the dates: its date ({ev.date.text}) overlaps {named}, so it may be met"


def _rationale(iv: Intervention, scenario: Scenario) -> str:
    return f"scenario {scenario.name!r}: {iv.verb} {iv.target}" + (f" ({iv.why})" if iv.why else "")


def _changed(ev: Event, iv: Intervention, log: Log, scenario: Scenario) -> Event:
    raw = {**event_fields(ev), "rationale": _rationale(iv, scenario)}
    raw.update(iv.args["set"])
    new = event_for_log(raw, log, ev.order, scenario.path)
    return replace(new, sources=ev.sources, line=iv.line, note=ev.note)


def build_branch(scenario: Scenario, baseline: History | None = None) -> Branch:
    """Apply the scenario's interventions to its log and return the branch, ready to replay."""
    log = baseline.log if baseline else load_any(scenario.log)
    baseline = baseline or History(log)
    events = {e.id: e for e in log.events}
    readings: dict[str, str] = {}
    switches: dict[str, str] = {}
    branch = Branch(scenario, baseline, log, readings)
    for iv in scenario.interventions:
        if iv.verb in ("remove", "move", "change") and iv.target not in events:
            raise InputError(f"{iv.verb}: event {iv.target!r} was already removed", scenario.path, iv.line)
        if iv.verb == "remove":
            del events[iv.target]
        elif iv.verb == "move":
            old = events[iv.target]
            events[iv.target] = replace(old, date=parse_date(iv.args["to"]), rationale=_rationale(iv, scenario))
        elif iv.verb == "change":
            events[iv.target] = _changed(events[iv.target], iv, log, scenario)
        elif iv.verb == "insert":
            raw = dict(iv.args["event"])
            ev = event_for_log({k: v for k, v in raw.items() if k != "__line__"}, log,
                               len(log.events) + len(events), scenario.path)
            events[ev.id] = replace(ev, line=iv.line, derived_by=f"scenario {scenario.name!r}")
        elif iv.verb == "rule":
            switches[iv.target] = iv.args["mode"]
        elif iv.verb == "reading":
            readings[iv.target] = iv.args["choose"]
        branch.applied.append({"verb": iv.verb, "target": iv.target, "line": iv.line, "why": iv.why,
                               **{k: v for k, v in iv.args.items() if k != "event"}})
    ordered, derived, removed = apply_rule_switches(log, list(events.values()), switches, readings)
    branch.log = log.with_events(ordered)
    branch.derived, branch.removed = derived, removed
    return branch
