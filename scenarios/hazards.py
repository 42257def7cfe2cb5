"""Accession and withdrawal hazards estimated from a log: events counted over the years at risk.

The estimate is the simplest one the record supports, a constant yearly rate::

    withdrawal = exits / member-years at risk
    accession  = accessions / candidate-years at risk

- Window: from the first day any state holds a status in the organization to
  the fork date (exclusive), on the baseline log with its default readings.
- Member-years at risk: the time states spend as members, signatories or
  suspended members. An exit is a move from one of those statuses to
  ``withdrawn`` or ``not_renewed`` (a withdrawal or a non-renewal).
- Candidate-years at risk: the time the candidates (the scenario's list, and
  every state that did join within the window) spend as neither members nor
  signatories. An accession is an ``accession`` or ``readmission`` event that
  makes such a state a member or signatory; founders are not counted.
- Years are days / 365.25. The rate is used as each state's chance per year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from orgsim.engine.history import History
from orgsim.events.dates import ordinal_to_iso

DAYS_PER_YEAR = 365.25
IN = frozenset({"member", "signatory"})
AT_RISK_OF_EXIT = IN | {"suspended"}
EXITED = frozenset({"withdrawn", "not_renewed"})
JOINING_KINDS = frozenset({"accession", "readmission"})
FORMULAS = {"withdrawal": "exits / member-years at risk", "accession": "accessions / candidate-years at risk"}


@dataclass(frozen=True)
class Spell:
    """One status a state held in the organization, over ``[start, end)`` in day ordinals."""

    state: str
    status: str
    start: int
    end: int
    event: str


@dataclass(frozen=True)
class Estimate:
    """A hazard estimate: what was counted, over how many days at risk, and the rate per year."""

    what: str  # withdrawal | accession
    count: int
    days_at_risk: int
    window: tuple[int, int]  # [first day, fork day) as ordinals
    counted: tuple[str, ...] = ()  # "STATE DATE" of each exit or accession counted

    @property
    def years_at_risk(self) -> float:
        """State-years at risk (days / 365.25)."""
        return self.days_at_risk / DAYS_PER_YEAR

    @property
    def rate(self) -> float:
        """Events per state-year at risk (0 when nobody was at risk)."""
        return min(1.0, self.count / self.years_at_risk) if self.days_at_risk else 0.0

    @property
    def formula(self) -> str:
        """The formula, in words."""
        return FORMULAS[self.what]

    def describe(self) -> str:
        """One line: the rate, the formula with its numbers, the window and what was counted."""
        unit = "member-years" if self.what == "withdrawal" else "candidate-years"
        counted = f": {', '.join(self.counted)}" if self.counted else ""
        return (f"{self.what} = {self.formula} = {self.count} / {self.years_at_risk:.2f} = {self.rate:.4f} "
                f"per year ({unit} from {ordinal_to_iso(self.window[0])} to {ordinal_to_iso(self.window[1])}, "
                f"baseline log{counted})")

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {"what": self.what, "formula": self.formula, "count": self.count,
                "years_at_risk": round(self.years_at_risk, 6), "rate": self.rate,
                "window": [ordinal_to_iso(self.window[0]), ordinal_to_iso(self.window[1])],
                "counted": list(self.counted)}


def spells(history: History, org: str) -> dict[str, list[Spell]]:
    """Every state's statuses in the organization, in order, from the replay's index."""
    out: dict[str, list[Spell]] = {}
    for fact, start, end, _ender in history.index.intervals("member"):
        if fact.key[1] == org:
            out.setdefault(fact.key[2], []).append(Spell(fact.key[2], fact.value, start, end, fact.event))
    return {s: sorted(v, key=lambda sp: sp.start) for s, v in sorted(out.items())}


def _overlap(sp: Spell, lo: int, hi: int) -> int:
    return max(0, min(sp.end, hi) - max(sp.start, lo))


def _previous(spell_list: list[Spell], i: int) -> str | None:
    """The status just before spell i (None if the state held none right before)."""
    if i > 0 and spell_list[i - 1].end == spell_list[i].start:
        return spell_list[i - 1].status
    return None


def _as_written(history: History, sp: Spell) -> str:
    """The date of the event that began a spell, as the log writes it (1993-12, not 1993-12-01)."""
    ev = history.log.by_id.get(sp.event)
    return ev.date.text if ev else ordinal_to_iso(sp.start)


def _window(by_state: dict[str, list[Spell]], until: int) -> tuple[int, int]:
    first = min((sp.start for v in by_state.values() for sp in v), default=until)
    return first, max(first, until)


def estimate_withdrawal(history: History, until: int, org: str | None = None) -> Estimate:
    """Exits per member-year at risk, from the first status in the organization to ``until``."""
    by_state = spells(history, org or history.org)
    lo, hi = _window(by_state, until)
    days, counted = 0, []
    for state, spell_list in by_state.items():
        for i, sp in enumerate(spell_list):
            if sp.status in AT_RISK_OF_EXIT:
                days += _overlap(sp, lo, hi)
            elif sp.status in EXITED and lo <= sp.start < hi and _previous(spell_list, i) in AT_RISK_OF_EXIT:
                counted.append((sp.start, state, _as_written(history, sp)))
    return Estimate("withdrawal", len(counted), days, (lo, hi), tuple(f"{s} {t}" for _, s, t in sorted(counted)))


def estimate_accession(history: History, until: int, candidates: Iterable[str] = (),
                       org: str | None = None) -> Estimate:
    """Accessions per candidate-year at risk; candidates are the given states and every state that joined."""
    by_state = spells(history, org or history.org)
    lo, hi = _window(by_state, until)
    kinds = {e.id: e.kind for e in history.log.events}
    counted = []
    for state, spell_list in by_state.items():
        for i, sp in enumerate(spell_list):
            if (sp.status in IN and kinds.get(sp.event) in JOINING_KINDS and lo <= sp.start < hi
                    and _previous(spell_list, i) not in IN):
                counted.append((sp.start, state, _as_written(history, sp)))
    pool = sorted(set(candidates) | {s for _, s, _ in counted})
    days = sum(hi - lo - sum(_overlap(sp, lo, hi) for sp in by_state.get(s, ()) if sp.status in IN) for s in pool)
    return Estimate("accession", len(counted), days, (lo, hi), tuple(f"{s} {t}" for _, s, t in sorted(counted)))
