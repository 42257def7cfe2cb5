"""Compiling the index with array operations: the same facts as a recorded replay, for large logs.

Used for logs whose events are all of the kinds below (membership, the organizations'
own lineage, and acts that set no fact); any other log is replayed (``engine/index.py``).

1. Lineage events (few) go through the real handlers of ``engine/apply.py``, one by one,
   giving every organization fact and each organization's status over time.
2. Membership events become one row per (event, actor); entry into force, dissolution
   and a successor's founding become rows for every actor of the organization.
3. Rows are sorted by (organization, actor, event position). Each row's status after it
   follows from its kind alone, except entry into force (signatory becomes member), which
   is resolved by one forward fill. The status before a row is the one after the row
   before; presuppositions are one table lookup per row (allowed[kind, status before]).
4. Where the status changes, a fact starts or ends: those are the intervals.

If a presupposition fails, the first failing event is replayed with only the events that
bear on it (the lineage and its organization's events), so the error is exactly the
replay's, naming the event. Lenient replay (branches) always takes the replay path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from orgsim.events.columns import EventColumns, columns_of, positions_of
from orgsim.events.errors import LogError
from orgsim.events.model import Log
from orgsim.events.vocabulary import KINDS

from .apply import HANDLERS, SIDE_STATUSES, Unmet, apply_event
from .columnar import OPEN_END, IntervalTable, base_statuses
from .facts import FactState
from .replay import FOUNDING_KINDS, excluded_by_readings, replay
from .vector_rows import MEMBERSHIP_KINDS, Unsupported, rows_and_statuses

LINEAGE_KINDS = frozenset({"treaty_signed", "org_founded", "treaty_in_force", "org_dissolved", "org_renamed"})
NO_EFFECT_KINDS = frozenset(k for k in KINDS if k not in HANDLERS)  # acts: kept in the log, set no fact
SUPPORTED_KINDS = LINEAGE_KINDS | MEMBERSHIP_KINDS | NO_EFFECT_KINDS
ORG_STATUS = {"signed": 1, "in_force": 2, "dissolved": 3}  # 0: no organization fact


def external_of_columns(log: Log, cols: EventColumns) -> frozenset[str]:
    """As replay.external_entities, from columns: declared organizations and others never founded."""
    declared: set[str] = set()
    for group in ("organizations", "others"):
        declared |= set(log.entities.get(group, {}) or {})
    founding = np.array([k in FOUNDING_KINDS for k in cols.kinds] + [False])[cols.kind_codes]
    founded = {cols.names[c] for c in np.unique(cols.org_of[founding]).tolist()}
    return frozenset(declared - founded)


class _OrgState(FactState):
    """Working state for lineage events alone: memberships are left to the rows, so none is kept.

    No lineage handler's check reads a membership (they only end or convert them), so
    the organization facts come out as in a full replay.
    """

    __slots__ = ()

    def set(self, key: tuple, value: Any, ev: Any) -> None:
        if key[0] != "member":
            super().set(key, value, ev)


class _Lineage:
    """The organizations' own events, through the real handlers: org facts and status over time."""

    def __init__(self, log: Log, cols: EventColumns, positions: np.ndarray, external: frozenset[str]) -> None:
        self.facts: list[tuple] = []          # (Fact, start pos, end pos or -1)
        self.open: dict[tuple, int] = {}
        self.changes: list[tuple[str, int, int]] = []   # (org, pos, status code)
        self.ends: list[tuple[str, int]] = []            # every membership of org ends at pos
        self.in_force: list[tuple[str, int, tuple[str, ...]]] = []
        self.error: tuple[int, Exception] | None = None
        st = _OrgState(self._record, external)
        for pos in positions.tolist():
            ev = log.events[pos]
            self.pos = pos
            org = ev.target or ev.org
            pred = ev.payload.get("predecessor") if ev.kind in FOUNDING_KINDS else None
            if pred == org:
                raise Unsupported("an organization that succeeds itself")
            ends_pred = bool(pred) and st.get(("org", pred)) is not None
            try:
                apply_event(st, ev, [])
            except Exception as exc:  # noqa: BLE001 - Unmet, or whatever replay itself would raise here
                self.error = (pos, exc)
                break
            if ends_pred:
                self.ends.append((pred, pos))
            if ev.kind == "org_dissolved":
                self.ends.append((org, pos))
            elif ev.kind == "treaty_in_force":
                self.in_force.append((org, pos, ev.actors))

    def _record(self, key: tuple, old: Any, new: Any, ev: Any) -> None:
        if key[0] != "org":
            return  # memberships are the rows' business
        if old is not None:
            i = self.open.pop(key)
            self.facts[i] = (*self.facts[i][:2], self.pos)
        if new is not None:
            self.open[key] = len(self.facts)
            self.facts.append((new, self.pos, -1))
            self.changes.append((key[1], self.pos, ORG_STATUS.get(new.value.get("status"), 2)))


def compile_columns(log: Log, readings: Mapping[str, str] | None = None) -> tuple[IntervalTable, dict[str, str]]:
    """The index of a log of supported kinds, as a strict replay would record it (raises its LogError).

    Returns the interval table and the events left out by readings (id -> reason).
    Raises Unsupported if the log needs the exact replay.
    """
    cols = columns_of(log)
    if not set(cols.kinds) <= SUPPORTED_KINDS:
        raise Unsupported(", ".join(sorted(set(cols.kinds) - SUPPORTED_KINDS)))
    excluded = excluded_by_readings(log, readings)
    active = np.ones(len(cols), bool)
    active[list(positions_of(log, excluded).values())] = False
    kind = np.array([k in LINEAGE_KINDS for k in cols.kinds] + [False])[cols.kind_codes]
    external = external_of_columns(log, cols)
    lineage = _Lineage(log, cols, np.flatnonzero(active & kind), external)
    stop = lineage.error[0] if lineage.error else len(cols)
    res = rows_and_statuses(cols, active, stop, lineage, external)
    if res.first_bad is not None:
        _raise_exact(log, cols, readings, res.first_bad, res.bad_ent, kind)
    if lineage.error:
        pos, exc = lineage.error
        ev = log.events[pos]
        if not isinstance(exc, Unmet):
            raise exc
        raise LogError(str(exc), ev.file, ev.line, ev.id)
    statuses, _index = base_statuses()
    keys = cols.keys
    others = [f for f, _s, _e in lineage.facts]
    o_spos = np.array([s for _f, s, _e in lineage.facts], np.int64)
    o_epos = np.array([e for _f, _s, e in lineage.facts], np.int64)
    table = IntervalTable(
        cols=cols, names=cols.names, statuses=statuses, ent=res.ent, actor=res.actor, status=res.status,
        start=keys[res.spos], end=np.where(res.epos >= 0, keys[np.maximum(res.epos, 0)], OPEN_END),
        spos=res.spos, epos=res.epos, rank=res.spos * 2 + 1, others=others,
        o_start=keys[o_spos] if len(o_spos) else np.empty(0, np.int64),
        o_end=np.where(o_epos >= 0, keys[np.maximum(o_epos, 0)], OPEN_END) if len(o_epos) else np.empty(0, np.int64),
        o_ender=[None if e < 0 else cols.ids[e] for e in o_epos.tolist()], o_rank=o_spos * 2)
    return table, excluded


def _raise_exact(log: Log, cols: EventColumns, readings: Mapping[str, str] | None, pos: int, ent: int,
                 lineage: np.ndarray) -> None:
    """Replay the events that bear on the first failing one, so its error is the replay's own."""
    mine = (cols.org_of == ent) | lineage
    subset = np.flatnonzero(mine[: pos + 1])
    replay(log, readings=readings, strict=True, events=(log.events[i] for i in subset.tolist()))
    replay(log, readings=readings, strict=True)  # not reached unless the subset missed something
    raise Unsupported("a presupposition looked unmet but replay applied every event")


__all__ = ["LINEAGE_KINDS", "SIDE_STATUSES", "SUPPORTED_KINDS", "Unsupported", "compile_columns", "external_of_columns"]
