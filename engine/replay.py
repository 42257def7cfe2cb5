"""Replaying a log: apply its events in order, up to a date, and say what was skipped and why.

Strict replay (the default, for a historical log) stops at the first event whose
presupposition fails, with an error naming the event, its file and line.
Lenient replay (for counterfactual branches) skips such an event, reports the
reason, and goes on; whatever depended on it then fails its own check and is
reported in turn. Nothing is skipped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from orgsim.events.errors import LogError
from orgsim.events.model import Event, Log

from .apply import Finding, Unmet, apply_event
from .facts import FactState, Recorder

FOUNDING_KINDS = frozenset({"treaty_signed", "org_founded"})


@dataclass(frozen=True, slots=True)
class Skipped:
    """An event that replay did not apply, with the reason."""

    event: Event
    reason: str


@dataclass
class Replay:
    """What a replay produced: the working state, and what it applied, skipped and noticed."""

    state: FactState
    applied: list[Event] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def external_entities(log: Log) -> frozenset[str]:
    """Organizations and other entities the log declares but never founds: they exist throughout."""
    declared = set()
    for group in ("organizations", "others"):
        declared |= set(log.entities.get(group, {}) or {})
    founded = {e.target or e.org for e in log.events if e.kind in FOUNDING_KINDS}
    return frozenset(declared - founded)


def excluded_by_readings(log: Log, readings: Mapping[str, str] | None = None) -> dict[str, str]:
    """Events left out because they embody a reading not selected (the default unless chosen).

    Returns event id -> reason. An unknown conflict or reading id is an error.
    """
    chosen = dict(readings or {})
    by_id = {c.id: c for c in log.conflicts}
    for cid, rid in chosen.items():
        if cid not in by_id:
            raise LogError(f"no conflict {cid!r} in this log", log.path)
        if rid not in {r.id for r in by_id[cid].readings}:
            raise LogError(f"conflict {cid!r} has no reading {rid!r}", log.path)
    out: dict[str, str] = {}
    for c in log.conflicts:
        selected = chosen.get(c.id, c.default)
        keep = set(c.reading(selected).events)
        for r in c.readings:
            if r.id == selected:
                continue
            for eid in r.events:
                if eid not in keep:
                    out[eid] = f"reading {r.id!r} of conflict {c.id!r} is not selected (using {selected!r})"
    return out


def replay(log: Log, until: int | None = None, *, readings: Mapping[str, str] | None = None,
           strict: bool = True, recorder: Recorder | None = None,
           events: Iterable[Event] | None = None) -> Replay:
    """Apply the log's events in order up to the day ordinal ``until`` (inclusive; None: all)."""
    excluded = excluded_by_readings(log, readings)
    result = Replay(FactState(recorder, external_entities(log)))
    for ev in (log.events if events is None else events):
        if until is not None and ev.date.key > until:
            break
        reason = excluded.get(ev.id)
        if reason is None:
            try:
                apply_event(result.state, ev, result.findings)
            except Unmet as exc:
                if strict:
                    raise LogError(str(exc), ev.file, ev.line, ev.id) from None
                reason = str(exc)
        if reason is None:
            result.applied.append(ev)
        else:
            result.skipped.append(Skipped(ev, reason))
    return result


def span_of(ev: Event, floor: int = 0) -> tuple[int, int]:
    """The first and last day an event's date can mean (an open start reaches back to ``floor``)."""
    d = ev.date
    lo = d.earliest if d.earliest is not None else min(floor, d.key)
    hi = d.latest if d.latest is not None else 1 << 40
    return lo, hi


def uncertain_order(log: Log, ev: Event) -> list[Event]:
    """Events about the same organization and actors whose dates overlap this one's, so that which
    came first is not known: a presupposition that fails in the log's order may be met in another."""
    lo, hi = span_of(ev)
    about = {ev.target or ev.org}
    actors = set(ev.actors)
    out = []
    for other in log.events:
        if other.id == ev.id or (other.target or other.org) not in about:
            continue
        if actors and not actors & set(other.actors):
            continue
        olo, ohi = span_of(other)
        if olo <= hi and lo <= ohi and (lo != hi or olo != ohi):
            out.append(other)
    return out

