"""Rules as code: the one place a rule is decided.

The decision points are general: a body decides, a force is used, a base is
admitted. Which rules hold comes from the state (rule facts, with their
machine-readable ``params``); how strictly a rule is applied is the scenario's
choice (``off``, ``recorded`` as history had it, or ``strict``). Nothing here
names a particular organization.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Mapping

from orgsim.engine.history import History
from orgsim.engine.state import State
from orgsim.events.model import Event, Log


@dataclass(frozen=True)
class Ruling:
    """A rule's answer at a decision point: yes or no, which rule, and why."""

    allowed: bool
    rule: str | None
    reason: str


def rules_of_type(state: State, rule_type: str, every_org: bool = False) -> list[dict]:
    """Rules in force at the state's date whose params have this type (the state's organization's, or all)."""
    rules = state.all_rules() if every_org else state.rules()
    return [r for r in rules if (r.get("params") or {}).get("type") == rule_type]


def decision_adopted(state: State, body: str, absent: Iterable[str], mode: str = "strict") -> Ruling:
    """A body's decision under participation-consensus rules: an absent member withholds consent."""
    members = {m["id"] for m in state.members(status="member")}
    away = sorted(set(absent) & members)
    for rule in rules_of_type(state, "participation_consensus"):
        if body in rule["params"].get("bodies", ()) and away and mode == "strict":
            return Ruling(False, rule["id"], f"{', '.join(away)} did not take part, which under {rule['id']} "
                                             f"means no consent")
    return Ruling(True, None, "every member took part" if not away else "the rule is not applied strictly")


def force_use_allowed(state: State, situation: str) -> Ruling:
    """May the organization's forces be used in this situation (e.g. internal_unrest)?"""
    for rule in rules_of_type(state, "force_use_criterion"):
        params = rule["params"]
        if situation in params.get("excluded", ()) or situation not in params.get("allowed", (situation,)):
            return Ruling(False, rule["id"], f"{situation.replace('_', ' ')} does not meet {rule['id']}")
    return Ruling(True, None, "no rule in force excludes it")


def base_admitted(state: State, objections: Iterable[str]) -> Ruling:
    """May a third country's base be placed on a member's territory, given formal objections?"""
    members = {m["id"] for m in state.members(status="member")}
    objecting = sorted(set(objections) & members)
    for rule in rules_of_type(state, "no_objection"):
        if objecting:
            return Ruling(False, rule["id"], f"{', '.join(objecting)} objected formally ({rule['id']})")
    return Ruling(True, None, "no member objected" if not objecting else "no rule requires consent")


# --- rule switches applied to a branch --------------------------------------------------

def _without_rule(events: list[Event], rule_id: str) -> tuple[list[Event], list[str]]:
    kept = [e for e in events if not (e.kind in ("rule_adopted", "rule_repealed") and e.target == rule_id)]
    return kept, [e.id for e in events if e not in kept]


def _strict_consensus(events: list[Event], rule_id: str, log: Log, readings: Mapping[str, str]
                      ) -> tuple[list[Event], list[Event], list[dict]]:
    """Decisions taken at a session a member stayed away from wait for that member's later consent."""
    history = History(log.with_events(events), readings=readings, strict=False)
    by_id = {e.id: e for e in events}
    out, derived, dropped = list(events), [], []
    for e in events:
        session = by_id.get(str(e.payload.get("decided_at", "")))
        if session is None:
            continue
        state = history.at(session.date)
        if rule_id not in {r["id"] for r in state.rules()}:
            continue
        ruling = decision_adopted(state, session.target or "", session.payload.get("absent", ()), "strict")
        if ruling.allowed:
            continue
        absent = set(session.payload.get("absent", ())) & {m["id"] for m in state.members(status="member")}
        consents = {a: next((c for c in events if c.date.key > session.date.key and a in c.actors
                             and c.target == e.target), None) for a in absent}
        out.remove(e)
        if all(consents.values()):
            last = max(consents.values(), key=lambda c: c.sort_key)
            moved = replace(e, date=last.date, seq=last.seq - 1, derived_by=(
                f"rule {rule_id} (strict): {ruling.reason} at {session.id}; adopted when "
                f"{', '.join(sorted(absent))} consented ({last.id}, {last.date})"))
            out.append(moved)
            derived.append(moved)
        else:
            dropped.append({"event": e.id, "reason": f"rule {rule_id} (strict): {ruling.reason} at {session.id}, "
                                                      f"and no later consent is recorded"})
    return out, derived, dropped


def apply_rule_switches(log: Log, events: list[Event], switches: Mapping[str, str],
                        readings: Mapping[str, str] | None = None) -> tuple[list[Event], list[Event], list[dict]]:
    """Apply each rule switch to the branch's events: returns events, derived events, and removals."""
    derived: list[Event] = []
    removed: list[dict] = []
    for rule_id, mode in switches.items():
        if mode == "off":
            events, gone = _without_rule(events, rule_id)
            removed += [{"event": g, "reason": f"rule {rule_id} switched off"} for g in gone]
        elif mode == "strict":
            rule_type = next(((e.payload.get("params") or {}).get("type") for e in events
                              if e.kind == "rule_adopted" and e.target == rule_id), None)
            if rule_type == "participation_consensus":
                events, more, dropped = _strict_consensus(events, rule_id, log, readings or {})
                derived += more
                removed += dropped
    return events, derived, removed
