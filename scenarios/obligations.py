"""Conflicting obligations: rules that bind members to both sides of a quarrel among themselves.

If two members of an organization with a mutual-defence rule are at war with each
other, "aggression against one is aggression against all" binds every other
member to both of them. This is found from the facts alone (rules in force,
wars, memberships), so it works at any date, in the baseline and in every branch.
"""

from __future__ import annotations

from typing import Any

from orgsim.engine.history import History, as_date
from orgsim.engine.state import State
from orgsim.events.dates import ordinal_to_iso

from .rules import rules_of_type


WEAKEST = ("possible", "presumed", "certain")


def weakest(*modalities: str | None) -> str:
    """The weakest answer among facts that must all hold (possible, then presumed, then certain)."""
    given = [m or "certain" for m in modalities]
    return next(m for m in WEAKEST if m in given)


def conflicts_at(state: State) -> list[dict[str, Any]]:
    """Each mutual-defence rule in force whose organization has two members at war with each other,
    with its answer: possible if any of the rule, the war or the two memberships only possibly holds."""
    out = []
    wars = [r for r in state.relations() if r["type"] == "armed_conflict"]
    for rule in rules_of_type(state, "mutual_defence", every_org=True):
        org = rule.get("org") or state.org
        members = {m["id"]: m for m in state.members(org, status="member")}
        for war in wars:
            a, b = war["between"]
            if a in members and b in members:
                bound = sorted(set(members) - {a, b})
                out.append({"rule": rule["id"], "org": org, "between": [a, b], "bound": bound,
                            "rule_since": rule["since"], "war_since": war["since"],
                            "members_since": [members[a]["since"], members[b]["since"]],
                            "modality": weakest(rule.get("modality"), war.get("modality"),
                                                members[a].get("modality"), members[b].get("modality"))})
    return out


def conflict_intervals(history: History) -> list[dict[str, Any]]:
    """Every conflict of obligations through the history: which rule, which members, from when to when."""
    days = sorted({e.date.key for e in history.log.events})
    open_: dict[tuple, dict] = {}
    closed: list[dict] = []
    for day in days:
        state = history.at(ordinal_to_iso(day))
        # An interval ends where its answer changes, so a possible conflict and a certain one are told apart.
        now = {(c["rule"], *c["between"], c["modality"]): c for c in conflicts_at(state)}
        for key in list(open_):
            if key not in now:
                closed.append({**open_.pop(key), "to": ordinal_to_iso(day)})
        for key, c in now.items():
            open_.setdefault(key, {**c, "from": ordinal_to_iso(day), "to": None})
    return closed + list(open_.values())


def obligations_report(history: History, at: str | None = None) -> dict[str, Any]:
    """Conflicts at one date (if given) and through the whole history."""
    report: dict[str, Any] = {"intervals": conflict_intervals(history)}
    if at:
        d = as_date(at)
        report["at"] = d.text
        report["conflicts"] = conflicts_at(history.at(d))
    return report
