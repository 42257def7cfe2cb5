"""What a scenario is: a question, the log it branches, its interventions and its randomness.

Scenario files are data: they are parsed (``scenarios/load.py``), never executed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

#: The intervention verbs a scenario file may use, and what each does.
VERBS = {
    "remove": "drop an event from the log",
    "move": "give an event another date (`to:`)",
    "change": "replace an event's fields (`set:` actors, target, kind, payload, date)",
    "insert": "add a new event (with a `rationale` in place of a source)",
    "rule": "switch a rule: `mode: off | recorded | strict`",
    "reading": "choose another reading of a source conflict (`choose:`)",
}
RULE_MODES = ("off", "recorded", "strict")


def event_fields(ev: Any) -> dict[str, Any]:
    """An event's fields that an intervention may change, as the raw mapping the log parser takes."""
    return {"id": ev.id, "date": ev.date.text, "kind": ev.kind, "org": ev.org, "actors": list(ev.actors),
            "target": ev.target, "payload": dict(ev.payload), "confidence": ev.confidence, "seq": ev.seq}


@dataclass(frozen=True)
class Intervention:
    """One change a scenario makes to the log; ``line`` is where it stands in the file."""

    verb: str
    target: str  # an event id, a rule id or a conflict id; the new event's id for insert
    args: Mapping[str, Any] = field(default_factory=dict)
    why: str = ""
    line: int = 0


@dataclass(frozen=True)
class Stochastic:
    """Parameters of the simulation; all probabilities are per year unless named otherwise."""

    start: str | None = None  # fork date: simulate from here (default: the last event of the branch)
    until: str | None = None  # horizon
    absence: float = 0.0  # chance a member stays away from a session
    withdrawal: float | str = 0.0  # per member per year, or "estimate" from the baseline log
    accession: float | str = 0.0  # per candidate per year, or "estimate"
    candidates: tuple[str, ...] = ()
    request: float = 0.0  # chance a member asks for assistance in a year
    runs: int = 1
    model: str = "constant"  # constant: the rates above; fitted: logit hazards (scenarios/fitted.py)
    hazards: str | None = None  # with model: fitted, a saved model (path resolved against the scenario file)
    fit: tuple[str, ...] = ()  # with model: fitted, data to fit the hazards on instead (paths, resolved)
    line: int = 0  # the stochastic mapping's line in the scenario file

    @property
    def random(self) -> bool:
        """True if any draw can differ between runs."""
        return self.model == "fitted" or any(isinstance(v, str) or v > 0 for v in (
            self.absence, self.withdrawal, self.accession, self.request))


@dataclass(frozen=True)
class Scenario:
    """A counterfactual: the question, the log it branches and what it changes."""

    name: str
    question: str
    log: str  # path of the log it branches
    path: str
    interventions: tuple[Intervention, ...] = ()
    stochastic: Stochastic = field(default_factory=Stochastic)
    raised_by: tuple[Mapping[str, Any], ...] = ()
    expected: str = ""
    compare_at: str | None = None

    def __repr__(self) -> str:
        return f"<Scenario {self.name!r}: {len(self.interventions)} intervention{'' if len(self.interventions) == 1 else 's'} on {self.log}>"
