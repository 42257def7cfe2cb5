"""Reading COW IGO v3 in either published layout into one grid: organization × year × state codes.

The state-year layout (``state_year_format3.csv``: ``ccode, year, state``, then
one column per organization) has a row only for a state's years in the state
system, and -1 there means "organization not in existence". The IGO-year
layout (``igo_year_format3.csv``: ``ioname, orgname, year``, one column per
state, then ``sdate, deaddate, dead…``) has a row only for an organization's
years, and -1 there means "state not a system member". Both become a
:class:`Grid`, so the events made from either (``cow_events.py``) are the same.
-1 may be written as -1 or left empty.

Cite: Pevehouse, Nordstrom, McManus & Jamison (2020), JPR 57(3): 492-503.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
from orgsim.events.errors import InputError

from . import clean_text, read_rows, short_name, whole, year_cell
from .codes import CowState, by_ccode, by_column, by_id, by_name

DATASET, VERSION = "COW IGO", "3"
CITATION = ("Pevehouse, Nordstrom, McManus & Jamison (2020), 'Tracking Organizations in the World: The "
            "Correlates of War IGO Version 3.0 Datasets', Journal of Peace Research 57(3): 492-503, "
            "doi:10.1177/0022343319881175")
#: Cell text -> code. -1 also comes as an empty cell (the igoR conversion writes it so).
CELL = {"": -1, "-1": -1, "0": 0, "1": 1, "2": 2, "3": 3, "-9": -9}
CELL |= {f"{k}.0": v for k, v in CELL.items() if k}
STATE_YEAR, IGO_YEAR = "state-year", "igo-year"


@dataclass
class Org:
    """One organization's identity and the facts COW gives about it (IGO-year layout only: names, dates)."""

    id: str  # the ioname in upper case (an id that clashes with a state's gets "-IGO")
    ioname: str
    column: str  # its column in the state-year layout: the ioname in lower case
    name: str
    sdate: int | None = None
    deaddate: int | None = None
    dead: bool = False
    ionum: int | None = None


@dataclass
class Grid:
    """Every code of a COW file: ``codes[org, year, state]``, with where organizations and states exist."""

    path: str
    layout: str
    years: np.ndarray  # first..last year of the file
    states: list[CowState]
    orgs: list[Org]
    codes: np.ndarray  # int8 [org, year, state]; meaningful where exists & insystem
    exists: np.ndarray  # bool [org, year]: the organization is coded that year
    insystem: np.ndarray  # bool [year, state]: the state is a member of the state system
    rows: np.ndarray  # row numbers: [year, state] (state-year) or [org, year] (IGO-year)
    order: list[str] = field(default_factory=list)  # every organization column of the file, in file order

    @property
    def file(self) -> str:
        """The file's name, as provenance cites it."""
        return os.path.basename(self.path)

    def row(self, o: int, y: int, s: int) -> int:
        """The file row behind one cell (0 if the file has no such row)."""
        return int(self.rows[y, s] if self.layout == STATE_YEAR else self.rows[o, y])


def org_id(ioname: str) -> str:
    """The organization's id: its ioname in upper case; "-IGO" is added where that is a state's id (GEO, NAM)."""
    upper = ioname.upper()
    return f"{upper}-IGO" if upper in by_id() else upper


def detect_layout(header: list[str], path: str) -> str:
    """Which published layout a header belongs to."""
    low = [h.lower() for h in header]
    if low[:3] == ["ccode", "year", "state"]:
        return STATE_YEAR
    if low[:3] == ["ioname", "orgname", "year"]:
        return IGO_YEAR
    raise InputError(f"not a COW IGO file: the header starts {', '.join(header[:3])!r}; expected 'ccode, year, "
                     f"state' (state-year) or 'ioname, orgname, year' (IGO-year)", path, 1)


def _cells(texts: list[str], names: list[str], path: str, row: int) -> list[int]:
    out = []
    for text, name in zip(texts, names):
        code = CELL.get(text.strip())
        if code is None:
            raise InputError(f"column {name}: {text!r} is not a COW code (0, 1, 2, 3, -9, -1 or empty)", path, row)
        out.append(code)
    return out


def _select(names: list[str], wanted: set[str] | None, path: str) -> list[int]:
    if wanted is None:
        return list(range(len(names)))
    low = {n.lower(): i for i, n in enumerate(names)}
    missing = sorted(w for w in wanted if w.lower() not in low)
    if missing:
        raise InputError(f"no organization {', '.join(missing)} in this file", path)
    return sorted(low[w.lower()] for w in wanted)


def _state(ccode: int, path: str, row: int) -> CowState:
    state = by_ccode().get(ccode)
    if state is None or not state.column:
        raise InputError(f"unknown COW state code {ccode}", path, row)
    return state


def _read_state_year(path: str, header: list[str], rows, wanted: set[str] | None) -> Grid:
    names = [short_name(h, "organization column", path, 1).lower() for h in header[3:]]
    keep = _select(names, wanted, path)
    seen: set[tuple[int, int]] = set()
    cells, where = [], []
    for n, row in rows:
        state = _state(whole(row[0], "COW state code", path, n), path, n)
        year = year_cell(row[1], "year", path, n)
        named = by_name(row[2])
        if named is not None and named.ccode != state.ccode:
            raise InputError(f"state {row[2]!r} does not match COW state code {state.ccode} ({state.column})", path, n)
        if (state.ccode, year) in seen:
            raise InputError(f"a second row for {state.column} in {year}", path, n)
        seen.add((state.ccode, year))
        values = row[3:]
        cells.append(np.array(_cells([values[i] for i in keep], [names[i] for i in keep], path, n), dtype=np.int8))
        where.append((state, year, n))
    if not where:
        raise InputError("no data rows", path, 2)
    states = sorted({s for s, _y, _n in where}, key=lambda s: s.ccode)
    s_index = {s.ccode: i for i, s in enumerate(states)}
    y0, y1 = min(y for _s, y, _n in where), max(y for _s, y, _n in where)
    yi = np.array([y - y0 for _s, y, _n in where])
    si = np.array([s_index[s.ccode] for s, _y, _n in where])
    codes = np.full((len(keep), y1 - y0 + 1, len(states)), -1, dtype=np.int8)
    codes[:, yi, si] = np.stack(cells).T
    insystem = np.zeros((y1 - y0 + 1, len(states)), dtype=bool)
    insystem[yi, si] = True
    row_no = np.zeros((y1 - y0 + 1, len(states)), dtype=np.int32)
    row_no[yi, si] = [n for _s, _y, n in where]
    orgs = [Org(org_id(names[i]), names[i].upper(), names[i], names[i].upper()) for i in keep]
    return Grid(path, STATE_YEAR, np.arange(y0, y1 + 1), states, orgs, codes, (codes != -1).any(axis=2),
                insystem, row_no, names)


def _optional(row: list[str], col: dict[str, int], name: str, path: str, n: int) -> int | None:
    i = col.get(name)
    if i is None or not row[i].strip() or row[i].strip().upper() == "NA":
        return None
    return whole(row[i], name, path, n)


def _read_igo_year(path: str, header: list[str], rows, wanted: set[str] | None) -> Grid:
    low = [h.lower() for h in header]
    end = low.index("sdate") if "sdate" in low else len(low)
    names = low[3:end]
    unknown = [c for c in names if c not in by_column()]
    if unknown:
        raise InputError(f"unknown state column {unknown[0]!r} (not in the COW state table)", path, 1)
    states = [by_column()[c] for c in names]
    col = {h: i for i, h in enumerate(low)}
    orgs: dict[str, Org] = {}
    data: dict[tuple[str, int], tuple[np.ndarray, int]] = {}
    for n, row in rows:
        ioname = row[0].strip()
        if not ioname:
            raise InputError("empty ioname", path, n)
        short_name(ioname, "ioname", path, n)
        year = year_cell(row[2], "year", path, n)
        if (ioname, year) in data:
            raise InputError(f"a second row for {ioname} in {year}", path, n)
        data[(ioname, year)] = (np.array(_cells(row[3:end], names, path, n), dtype=np.int8), n)
        long = clean_text(row[col["longorgname"]]) if "longorgname" in col else ""
        org = orgs.setdefault(ioname, Org(org_id(ioname), ioname, ioname.lower(), long or clean_text(row[1]) or ioname))
        org.sdate = _optional(row, col, "sdate", path, n) or org.sdate
        org.deaddate = _optional(row, col, "deaddate", path, n) or org.deaddate
        org.dead = org.dead or bool(_optional(row, col, "dead", path, n))
        org.ionum = _optional(row, col, "ionum", path, n) or org.ionum
    if not data:
        raise InputError("no data rows", path, 2)
    order = sorted(orgs)  # the state-year layout orders its columns so (ASCII order of ioname)
    keep = [order[i] for i in _select(order, wanted, path)]
    y0, y1 = min(y for _o, y in data), max(y for _o, y in data)
    o_index = {o: i for i, o in enumerate(keep)}
    codes = np.full((len(keep), y1 - y0 + 1, len(states)), -1, dtype=np.int8)
    exists = np.zeros((len(keep), y1 - y0 + 1), dtype=bool)
    insystem = np.zeros((y1 - y0 + 1, len(states)), dtype=bool)
    row_no = np.zeros((len(keep), y1 - y0 + 1), dtype=np.int32)
    for (ioname, year), (values, n) in data.items():
        insystem[year - y0] |= values != -1  # a state is in the system if any organization codes it
        o = o_index.get(ioname)
        if o is not None:
            codes[o, year - y0], exists[o, year - y0], row_no[o, year - y0] = values, True, n
    return Grid(path, IGO_YEAR, np.arange(y0, y1 + 1), states, [orgs[o] for o in keep], codes, exists, insystem,
                row_no, [o.lower() for o in order])


#: The IGO-year file's name, looked for beside a state-year file for the organizations' names.
IGO_YEAR_FILE = "igo_year_format3.csv"


def igo_names(path: str) -> dict[str, str]:
    """Organization names by lower-case ioname from an IGO-year file: ``longorgname``, else ``orgname``."""
    header, rows = read_rows(path)
    if detect_layout(header, path) != IGO_YEAR:
        raise InputError("the names file must be COW's IGO-year layout (ioname, orgname, year, ...)", path, 1)
    low = [h.lower() for h in header]
    long = low.index("longorgname") if "longorgname" in low else None
    out: dict[str, str] = {}
    for _n, row in rows:
        key = row[0].strip().lower()
        if key and key not in out:
            out[key] = (clean_text(row[long]) if long is not None else "") or clean_text(row[1]) or row[0].strip()
    return out


def read_cow(path: str, organizations: list[str] | None = None, names: str | None = None) -> Grid:
    """Read a COW IGO v3 file in either layout (detected from the header), optionally only some organizations.

    The state-year layout has no names: they come from ``names`` (an IGO-year file), by default the
    IGO-year file beside it when there is one; without it an organization is named by its ioname.
    """
    header, rows = read_rows(path)
    wanted = {o.strip() for o in organizations} if organizations else None
    if detect_layout(header, path) == STATE_YEAR:
        grid = _read_state_year(path, header, rows, wanted)
        beside = os.path.join(os.path.dirname(path), IGO_YEAR_FILE)
        source = names or (beside if os.path.isfile(beside) else None)
        if source:
            found = igo_names(source)
            for org in grid.orgs:
                org.name = found.get(org.column, org.name)
        return grid
    return _read_igo_year(path, header, rows, wanted)
