"""COW codes to orgsim events: each change of a state's status becomes events dated to its year ("YYYY").

COW codes whole years, and its coding rules are data (``cow_igo.coding.yaml``,
copied into each log's header as ``sources.cow-igo.coding``): a state is coded
with a status it held in any part of the year. Every event has year precision;
replayed on the first day of a year, a log gives that year's COW codes. Within a
year, ``seq`` orders the events: the founding, then endings, then new statuses
(1 -> 3 is a withdrawal, then observer status).

- founding: ``org_founded`` in the first year COW codes the organization (COW's
  ``sdate``, when it differs, is kept in the payload);
- dissolution: ``org_dissolved`` in the last year COW codes it (its ``deaddate``),
  since COW codes an organization, with its members, in the year it ends;
  an organization still coded in the file's last year is not dissolved unless
  the IGO-year file marks it ``dead``;
- -9 (missing) becomes ``status_unknown``: unknown, never "not a member";
- a state that leaves the state system (no row, or -1) is not withdrawn: a
  state holding a status gets ``system_exit`` (status ``not_in_system``) and,
  when it has a row again, ``system_return`` with the status COW then gives it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import check_unique, slug
from .codes import state_name
from .coding import rules
from .cow import CITATION, DATASET, IGO_YEAR, STATE_YEAR, VERSION, Grid

START = {1: "accession", 2: "associate_status", 3: "observer_status", -9: "status_unknown"}
RETURN = {1: "member", 2: "associate", 3: "observer", -9: "unknown", 0: "none"}
SEQ_FOUNDED, SEQ_END, SEQ_START, SEQ_LAST = 0, 1, 2, 3


def transition(before: int, after: int) -> list[str]:
    """The kinds, in order, that take a state from one code to another (0 and -1 both mean no status).

    >>> transition(1, 3), transition(3, 0), transition(0, -9), transition(2, 1)
    (['withdrawal', 'observer_status'], ['status_ended'], ['status_unknown'], ['accession'])
    """
    if before == after:
        return []
    kinds = []
    if before == 1 and after in (0, 2, 3):
        kinds.append("withdrawal")  # a member must leave before it can be an associate or an observer
    elif before in (2, 3, -9) and after == 0:
        kinds.append("status_ended")
    if after != 0:
        kinds.append(START[after])
    return kinds


def spans(flags: np.ndarray, years: np.ndarray) -> list[list[int]]:
    """Runs of true flags as ``[first year, last year]`` pairs."""
    out: list[list[int]] = []
    for i in np.nonzero(flags)[0]:
        if out and out[-1][1] == years[i] - 1:
            out[-1][1] = int(years[i])
        else:
            out.append([int(years[i]), int(years[i])])
    return out


class _OrgEvents:
    """The events of one organization of a grid."""

    def __init__(self, grid: Grid, o: int) -> None:
        self.grid, self.o, self.org = grid, o, grid.orgs[o]
        self.prefix = f"cow-{slug(self.org.id)}"
        self.effective = np.where(grid.exists[o][:, None] & grid.insystem, grid.codes[o], -1)

    def _prov(self, row: int, column: str, code: int | None = None) -> dict[str, Any]:
        prov = {"dataset": DATASET, "version": VERSION, "file": self.grid.file, "row": row, "column": column}
        return prov if code is None else {**prov, "code": code}

    def _org_row(self, y: int) -> int:
        g = self.grid
        if g.layout == IGO_YEAR:
            return int(g.rows[self.o, y])
        present = g.rows[y][g.insystem[y]]
        return int(present.min()) if present.size else 0

    def founded(self, y: int) -> dict[str, Any]:
        org, year = self.org, int(self.grid.years[y])
        payload: dict[str, Any] = {"name": org.name, "short": org.ioname}
        notes = []
        again = bool(self.grid.exists[self.o, :y].any())
        if org.sdate and org.sdate != year and not again:
            payload["sdate"] = org.sdate
            notes.append(f"COW gives sdate {org.sdate} but codes {org.ioname} from {year}")
        if again:
            notes.append(f"COW codes {org.ioname} again from {year} after years it codes -1 (not in existence)")
        ev = {"id": f"{self.prefix}-{year}-founded", "date": str(year), "kind": "org_founded", "org": org.id,
              "target": org.id, "payload": payload, "seq": SEQ_FOUNDED,
              "provenance": self._prov(self._org_row(y), org.column)}
        return {**ev, "note": "; ".join(notes)} if notes else ev

    def dissolved(self, y: int) -> dict[str, Any]:
        """The dissolution, dated in ``y``: the last year COW codes the organization (its deaddate)."""
        org, year = self.org, int(self.grid.years[y])
        row = self._org_row(y)
        note = (f"COW codes {org.ioname} last in {year}; dated to that year, since COW codes an organization, "
                f"with its members, in the year it ends")
        payload = {}
        if org.deaddate:
            payload["deaddate"] = org.deaddate
            if org.deaddate != year:
                note += f" (COW deaddate {org.deaddate})"
        return {"id": f"{self.prefix}-{year}-dissolved", "date": str(year), "kind": "org_dissolved", "org": org.id,
                "target": org.id, **({"payload": payload} if payload else {}), "seq": SEQ_LAST,
                "provenance": self._prov(row, org.column), "note": note}

    def system(self, y: int, s: int, kind: str, status: str | None = None) -> dict[str, Any]:
        """A state leaving the state system (``system_exit``) or coming back to it (``system_return``)."""
        g, org, state = self.grid, self.org, self.grid.states[s]
        year = int(g.years[y])
        column = org.column if g.layout == STATE_YEAR else state.column
        if kind == "system_exit":
            row = g.row(self.o, y - 1, s) if g.layout == STATE_YEAR else g.row(self.o, y, s)
            note = (f"{state.name} is not a member of the state system in {year} (COW: no row, or -1): "
                    f"not a withdrawal")
            ev = {"id": f"{self.prefix}-{year}-{state.id.lower()}-system_exit", "date": str(year), "kind": kind,
                  "org": org.id, "actors": [state.id], "target": org.id, "seq": SEQ_END,
                  "provenance": self._prov(row, column), "note": note}
            return ev
        row = g.row(self.o, y, s)
        return {"id": f"{self.prefix}-{year}-{state.id.lower()}-system_return", "date": str(year), "kind": kind,
                "org": org.id, "actors": [state.id], "target": org.id, "payload": {"status": status},
                "seq": SEQ_START, "provenance": self._prov(row, column, int(self.effective[y, s])),
                "note": f"{state.name} is in the state system again in {year}"}

    def changed(self, y: int, s: int, before: int, after: int) -> list[dict[str, Any]]:
        g, org, state = self.grid, self.org, self.grid.states[s]
        year = int(g.years[y])
        column = org.column if g.layout == STATE_YEAR else state.column
        note = None
        if after == 0 and not g.insystem[y, s]:
            note = f"{state.name} is not a member of the state system in {year} (COW: no row, or -1)"
        elif after == 0 and self.effective[y, s] == -1:
            note = f"COW codes {state.name} -1 (not a system member) for {org.ioname} in {year}"
        row = g.row(self.o, y, s)
        if g.layout == STATE_YEAR and not g.insystem[y, s]:
            row = g.row(self.o, y - 1, s)  # the state has no row that year: cite its last one
            prov = self._prov(row, column)
        else:
            prov = self._prov(row, column, int(self.effective[y, s]))
        out = []
        for kind in transition(before, after):
            seq = SEQ_END if kind in ("withdrawal", "status_ended") else SEQ_START
            ev = {"id": f"{self.prefix}-{year}-{state.id.lower()}-{kind}", "date": str(year), "kind": kind,
                  "org": org.id, "actors": [state.id], "target": org.id, "seq": seq, "provenance": prov}
            out.append({**ev, "note": note} if note and seq == SEQ_END else ev)
        return out

    def events(self) -> list[dict[str, Any]]:
        """Every event of the organization, year by year."""
        g, exists = self.grid, self.grid.exists[self.o]
        codes = np.where(self.effective == -1, 0, self.effective)
        before = np.zeros(len(g.states), dtype=np.int8)
        out_of_system = np.zeros(len(g.states), dtype=bool)  # holds the status not_in_system
        out: list[dict[str, Any]] = []
        for y in range(len(g.years)):
            if not exists[y]:
                if y > 0 and exists[y - 1]:
                    out.append(self.dissolved(y - 1))  # dissolution ends every status
                before[:] = 0
                out_of_system[:] = False
                continue
            if y == 0 or not exists[y - 1]:
                out.append(self.founded(y))
            insystem = g.insystem[y]
            for s in np.nonzero(~insystem & (before != 0) & ~out_of_system)[0]:
                out.append(self.system(y, int(s), "system_exit"))
                out_of_system[s] = True
            returned = insystem & out_of_system
            for s in np.nonzero(returned)[0]:
                out.append(self.system(y, int(s), "system_return", RETURN[int(codes[y, s])]))
            out_of_system &= ~returned
            for s in np.nonzero(insystem & ~returned & (codes[y] != before))[0]:
                out += self.changed(y, int(s), int(before[s]), int(codes[y, s]))
            before = np.where(insystem, codes[y], before)
        if exists[-1] and self.org.dead:  # the IGO-year file says it ended in its last coded year
            out.append(self.dissolved(len(g.years) - 1))
        return out

    def entity(self) -> dict[str, Any]:
        """The organization's header entry: its name and what an export back to COW needs."""
        g, org = self.grid, self.org
        cow: dict[str, Any] = {"ioname": org.ioname, "column": org.column,
                               "position": g.order.index(org.column) if org.column in g.order else len(g.order)}
        if org.ionum:
            cow["ionum"] = org.ionum
        odd = g.exists[self.o][:, None] & g.insystem & (g.codes[self.o] == -1)
        if odd.any():  # -1 for one state while the organization exists: kept so the export can write it back
            cow["not_coded"] = {g.states[s].id: spans(odd[:, s], g.years) for s in np.nonzero(odd.any(axis=0))[0]}
        return {"name": org.name, "cow": cow}


def header(grid: Grid, orgs: list[int]) -> dict[str, Any]:
    """The log header: organizations, every state of the file with its state-system years, and the source."""
    ids = [grid.orgs[o].id for o in orgs]
    what = ids[0] if len(ids) == 1 else f"{len(ids)} organizations"
    states = {s.id: {**state_name(s), "cow": {"ccode": s.ccode, "column": s.column,
                                              "years": spans(grid.insystem[:, i], grid.years)}}
              for i, s in enumerate(grid.states)}
    return {
        "id": f"cow-igo-{slug(ids[0]) if len(ids) == 1 else 'all'}",
        "title": f"COW IGO v3 ({grid.layout} layout): {what}",
        "organization": ids[0],
        "coverage": {"from": str(int(grid.years[0])), "to": str(int(grid.years[-1]))},
        "entities": {"organizations": {grid.orgs[o].id: _OrgEvents(grid, o).entity() for o in orgs},
                     "states": states},
        "sources": {"cow-igo": {"dataset": DATASET, "version": VERSION, "file": grid.file, "layout": grid.layout,
                                "coverage": [int(grid.years[0]), int(grid.years[-1])], "citation": CITATION,
                                "coding": rules("cow_igo"),
                                "rows": "provenance rows are the file's line numbers (the header is row 1)"}},
    }


def cow_logs(grid: Grid, split: bool = False) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """One log for all the grid's organizations, or one per organization: (name, header, events)."""
    groups = [[o] for o in range(len(grid.orgs))] if split else [list(range(len(grid.orgs)))]
    out = []
    for orgs in groups:
        events = [e for o in orgs for e in _OrgEvents(grid, o).events()]
        check_unique(events)
        name = slug(grid.orgs[orgs[0]].id) if split else "cow-igo"
        out.append((name, header(grid, orgs), events))
    return out
