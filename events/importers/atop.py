"""Reading ATOP 5.1's member-level file (``atop5_1m.csv``) into one orgsim organization per alliance.

Each alliance becomes the organization ``ATOP-<atopid>``. A member's entry and
exit dates keep the precision ATOP gives: a day, or a month or a year where
the day (or month) is 0, -9 or empty; a day is never invented. Entry dates are
signature dates, never ratification or entry into force (ATOP codebook
§2.32), and every entry event's note says so. Phases are successive regimes
of the one organization: each later phase opens with a ``protocol_signed``
event, and the provisions coded for the phase (defense, offense, neutral,
nonagg, consul) are its rules in force (``rule_adopted`` / ``rule_repealed``,
``params.type``). A defense provision every member of the phase undertakes is
``mutual_defence``; one only some undertake is ``defence`` with ``bound``.

Cite: Leeds, Ritter, Mitchell & Long (2002), International Interactions 28: 237-260; data version 5.1.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from typing import Any

from orgsim.events.dates import parse_date
from orgsim.events.errors import InputError

from . import read_rows, whole, year_cell
from .codes import CowState, by_ccode, state_name
from .coding import rules

DATASET, VERSION, FILE = "ATOP", "5.1", "atop5_1m.csv"
CITATION = ("Leeds, Ritter, Mitchell & Long (2002), 'Alliance Treaty Obligations and Provisions, 1815-1944', "
            "International Interactions 28: 237-260; ATOP data version 5.1 (codebook of 9 August 2022)")
SIGNED = "ATOP entry dates are signature dates, not ratification or entry into force (ATOP codebook §2.32)"
#: ATOP codes alliances through this year ("in effect as of December 31, 2018").
LAST_YEAR = 2018
#: provision column -> (params.type, title, its "conditional" column)
PROVISIONS = {"defense": ("mutual_defence", "Defence pact", "defcon"),
              "offense": ("offensive_support", "Offence pact", "offcon"),
              "neutral": ("neutrality", "Neutrality pact", "neucon"),
              "nonagg": ("non_aggression", "Non-aggression pact", None),
              "consul": ("consultation", "Consultation pact", "concon")}
REQUIRED = ("atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit", "phase",
            *PROVISIONS, "defcon", "offcon", "neucon", "concon")
SEQ = {"org_founded": 0, "accession": 1, "protocol_signed": 2, "rule_adopted": 2, "withdrawal": 3,
       "non_renewal": 3, "system_exit": 3, "rule_repealed": 4, "org_dissolved": 5}
EXIT_NOTES = {"non_renewal": "ATOP exit date, TERMMODE 1: not renewed at its scheduled termination date",
              "system_exit": "ATOP exit date, TERMMODE 4: the member lost its independence (left the state system)",
              "withdrawal": "ATOP exit date: the alliance ends for this member"}


def exit_kind(termmode: int) -> str:
    """The event that ends a membership, by ATOP's member-level TERMMODE (the rule is in ``atop.coding.yaml``)."""
    kinds = rules("atop")["exit_kinds"]
    return kinds.get(str(termmode), kinds["other"])


@dataclass(frozen=True)
class Spell:
    """One row: a state's membership in one phase of one alliance, from signature to exit."""

    atopid: int
    state: CowState
    phase: int
    entry: str  # EDTF, at ATOP's precision
    exit: str | None  # None: in effect on 31 December 2018
    row: int
    provisions: tuple[tuple[str, bool, bool], ...]  # (provision, undertaken, conditional)
    termmode: int = 0  # why the member left (0: in effect on 31 December 2018, or not given)


def edtf(year: int, month: int, day: int, path: str, row: int) -> str:
    """An EDTF date at the precision given: 0, -9 (or empty) for a month or a day means unknown."""
    if month < 1:
        return f"{year:04d}"
    if day < 1:
        return f"{year:04d}-{month:02d}"
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError as exc:
        raise InputError(f"{year}-{month}-{day} is not a date: {exc}", path, row) from None


def _int(row: list[str], col: dict[str, int], name: str, path: str, n: int) -> int:
    text = row[col[name]].strip()
    return 0 if text in ("", "NA", ".") else whole(text, name, path, n)


def read_atop(path: str, atopids: list[int] | None = None) -> list[Spell]:
    """Every member-phase row of ``atop5_1m.csv`` (``path`` is the file or its folder), validated."""
    if os.path.isdir(path):
        path = os.path.join(path, FILE)
    header, rows = read_rows(path)
    col = {h.lower(): i for i, h in enumerate(header)}
    missing = [c for c in REQUIRED if c not in col]
    if missing:
        raise InputError(f"not ATOP's member-level file: no column {missing[0]!r}", path, 1)
    out = []
    for n, row in rows:
        atopid = _int(row, col, "atopid", path, n)
        code = _int(row, col, "member", path, n)
        state = by_ccode().get(code)
        if state is None:
            raise InputError(f"unknown COW state code {code}", path, n)
        yrent = _int(row, col, "yrent", path, n)
        if yrent < 1:
            raise InputError(f"yrent {row[col['yrent']]!r} is not a year", path, n)
        year_cell(str(yrent), "yrent", path, n)
        entry = edtf(yrent, _int(row, col, "moent", path, n), _int(row, col, "dayent", path, n), path, n)
        yrexit = _int(row, col, "yrexit", path, n)
        if yrexit > 0:
            year_cell(str(yrexit), "yrexit", path, n)
        exit_ = edtf(yrexit, _int(row, col, "moexit", path, n), _int(row, col, "dayexit", path, n), path, n) \
            if yrexit > 0 else None
        if exit_ and parse_date(exit_).upper < parse_date(entry).key:  # type: ignore[operator]
            raise InputError(f"exit {exit_} is before entry {entry}", path, n)
        provisions = tuple((p, _int(row, col, p, path, n) == 1, bool(c and _int(row, col, c, path, n) == 1))
                           for p, (_t, _title, c) in PROVISIONS.items())
        if atopids is None or atopid in atopids:
            termmode = _int(row, col, "termmode", path, n) if "termmode" in col else 0
            out.append(Spell(atopid, state, _int(row, col, "phase", path, n), entry, exit_, n, provisions,
                             termmode))
    found = {s.atopid for s in out}
    if atopids and set(atopids) - found:
        raise InputError(f"no alliance {', '.join(map(str, sorted(set(atopids) - found)))} in this file", path)
    return out


def _key(text: str) -> int:
    return parse_date(text).key


class _Alliance:
    """The events of one alliance."""

    def __init__(self, atopid: int, spells: list[Spell], file: str) -> None:
        self.atopid, self.file = atopid, file
        self.org = f"ATOP-{atopid}"
        self.spells = sorted(spells, key=lambda s: (_key(s.entry), s.state.ccode, s.row))
        self.events: list[dict[str, Any]] = []

    def add(self, kind: str, date: str, row: int, suffix: str, **fields: Any) -> None:
        prov = {"dataset": DATASET, "version": VERSION, "file": self.file, "row": row}
        target = fields.pop("target", self.org)
        note = fields.pop("note", None)
        self.events.append({"id": f"atop-{self.atopid}-{suffix}", "date": date, "kind": kind, "org": self.org,
                            **fields, "target": target, "seq": SEQ[kind], "provenance": prov,
                            **({"note": note} if note else {})})

    def build(self) -> list[dict[str, Any]]:
        first = self.spells[0]
        self.add("org_founded", first.entry, first.row, "founded",
                 payload={"name": f"ATOP alliance {self.atopid}", "short": self.org}, note=SIGNED)
        ends = self._memberships()
        self._phases(ends)
        return self.events

    def _memberships(self) -> str | None:
        """Entries and exits; returns the alliance's end date if every membership has ended."""
        runs: dict[str, list[list[Any]]] = {}  # state id -> [[entry spell, exit date, exit row, termmode]]
        for s in self.spells:
            mine = runs.setdefault(s.state.id, [])
            if mine and (mine[-1][1] is None or _key(s.entry) <= _key(mine[-1][1])):
                last = mine[-1]  # a new phase (or a re-coded row) of a membership that goes on
                if last[1] is None or s.exit is None:
                    last[1] = None
                elif _key(s.exit) >= _key(last[1]):
                    last[1], last[3] = s.exit, s.termmode
                last[2] = s.row
            else:
                mine.append([s, s.exit, s.row, s.termmode])
        exits = [r[-1][1] for r in runs.values()]
        end = None if any(e is None for e in exits) else max(exits, key=_key)
        for sid, spells in runs.items():
            for spell, exit_, row, termmode in spells:
                self.add("accession", spell.entry, spell.row, f"{sid.lower()}-{spell.entry}-accession",
                         actors=[sid], note=SIGNED)
                if exit_ is not None and exit_ != end:
                    kind = exit_kind(termmode)
                    self.add(kind, exit_, row, f"{sid.lower()}-{exit_}-{kind}", actors=[sid], note=EXIT_NOTES[kind])
        return end

    def _phases(self, end: str | None) -> None:
        phases = sorted({s.phase for s in self.spells})
        in_force: dict[str, dict[str, Any]] = {}
        for p in phases:
            rows = [s for s in self.spells if s.phase == p]
            begin = min(rows, key=lambda s: _key(s.entry))
            if p != phases[0]:
                self.add("protocol_signed", begin.entry, begin.row, f"phase-{p}",
                         payload={"protocol": f"{self.org}.P.PHASE-{p}", "title": f"ATOP {self.atopid}, phase {p}"},
                         note=f"ATOP opens a new phase when the alliance is renegotiated; {SIGNED}")
            members = {s.state.id for s in rows}
            now = {}
            for i, (prov, (ptype, title, _c)) in enumerate(PROVISIONS.items()):
                bound = sorted({s.state.id for s in rows if s.provisions[i][1]})
                if not bound:
                    continue
                params: dict[str, Any] = {"type": ptype, "atop": prov,
                                          "conditional": any(s.provisions[i][2] for s in rows if s.provisions[i][1])}
                if set(bound) != members:
                    params["bound"] = bound  # an asymmetric obligation: only these members undertake it
                    if prov == "defense":
                        params["type"] = "defence"
                now[prov] = {"title": title, "params": params}
            for prov, value in now.items():
                if in_force.get(prov) != value:
                    self.add("rule_adopted", begin.entry, begin.row, f"phase-{p}-{prov}",
                             target=f"{self.org}.R.{prov.upper()}", payload=value)
            for prov in [p for p in in_force if p not in now]:  # in order: the log must not depend on hashing
                self.add("rule_repealed", begin.entry, begin.row, f"phase-{p}-{prov}-repealed",
                         target=f"{self.org}.R.{prov.upper()}")
            in_force = now
        if end is not None:
            last = max(self.spells, key=lambda s: (_key(s.exit or s.entry), s.row))
            for prov in in_force:
                self.add("rule_repealed", end, last.row, f"{prov}-ended", target=f"{self.org}.R.{prov.upper()}")
            self.add("org_dissolved", end, last.row, "ended",
                     note="ATOP exit date of the last members: the alliance ends")


def atop_logs(spells: list[Spell], split: bool = False) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """One log for all the alliances read, or one per alliance: (name, header, events)."""
    by_alliance: dict[int, list[Spell]] = {}
    for s in spells:
        by_alliance.setdefault(s.atopid, []).append(s)
    ids = sorted(by_alliance)
    groups = [[a] for a in ids] if split else [ids]
    file = FILE
    first_year = min(int(s.entry[:4]) for s in spells)
    out = []
    for group in groups:
        events = [e for a in group for e in _Alliance(a, by_alliance[a], file).build()]
        states = {s.state.id: {**state_name(s.state), "cow": {"ccode": s.state.ccode}}
                  for a in group for s in by_alliance[a]}
        header = {
            "id": f"atop-{group[0] if len(group) == 1 else 'all'}",
            "title": f"ATOP 5.1: {'alliance ' + str(group[0]) if len(group) == 1 else f'{len(group)} alliances'}",
            "organization": f"ATOP-{group[0]}",
            "coverage": {"from": str(first_year), "to": f"{LAST_YEAR}-12-31"},
            "entities": {"organizations": {f"ATOP-{a}": {"name": f"ATOP alliance {a}", "atop": {"atopid": a}}
                                           for a in group},
                         "states": dict(sorted(states.items(), key=lambda kv: kv[1]["cow"]["ccode"]))},
            "sources": {"atop": {"dataset": DATASET, "version": VERSION, "file": file,
                                 "coverage": [first_year, LAST_YEAR], "citation": CITATION, "dates": SIGNED,
                                 "coding": rules("atop"),
                                 "rows": "provenance rows are the file's line numbers (the header is row 1)"}},
        }
        out.append((f"atop-{group[0]}" if split else "atop", header, events))
    return out
