"""Codes of each state's status in each organization, year by year, by COW's year rule.

The year grid is the engine's: the COW state-year export (``reports/panel.py``) writes it,
and the hazard models (``scenarios/hazard_panel.py``) learn from it, so both read a year
the same way. COW's year rule: a state is coded with a status it held in any part of the
year, the strongest when it held several; -9 where the log does not know (a status only
possible that year, a year outside coverage); -1 where the organization does not exist or
the state is not in the state system.
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np
import pandas as pd

from orgsim.engine.history import History
from orgsim.engine.replay import external_entities

#: COW codes by orgsim status. Signatories, suspended, withdrawn and not-renewed states
#: take no part in the organization that year, so they count as "no membership".
CODES = {"member": 1, "associate": 2, "observer": 3, "partner": 3, "unknown": -9,
         "signatory": 0, "suspended": 0, "withdrawn": 0, "not_renewed": 0}
NO_MEMBERSHIP = 0
NOT_IN_EXISTENCE = -1
UNKNOWN = -9


def column_name(org: str) -> str:
    """The organization's column: its id in lower case, as a plain identifier.

    >>> column_name("SHANGHAI-FIVE"), column_name("CSTO")
    ('shanghai_five', 'csto')
    """
    return re.sub(r"[^a-z0-9_]", "_", org.lower())


def organization_ids(history: History) -> set[str]:
    """Organizations of the log: declared as organizations, or founded by an event."""
    declared = set(history.log.entities.get("organizations") or {})
    return declared | {f.key[1] for f, *_ in history.index.intervals("org")}


def is_state(ident: str, organizations: set[str]) -> bool:
    """True for an ISO 3166-1 alpha-3 code that is not an organization's id (SCO is three letters too).

    >>> is_state("KAZ", {"SCO", "CSTO"}), is_state("SCO", {"SCO", "CSTO"}), is_state("kaz", set())
    (True, False, False)
    """
    return len(ident) == 3 and ident.isalpha() and ident.isupper() and ident not in organizations


def panel_organizations(history: History) -> list[str]:
    """The organizations that get a column: those in which some state ever held a status."""
    orgs = organization_ids(history)
    return sorted({f.key[1] for f, *_ in history.index.intervals("member")
                   if f.key[1] in orgs and is_state(f.key[2], orgs)})


def panel_states(history: History, organizations: list[str]) -> list[str]:
    """The states that get rows: those that ever held a status in one of the panel's organizations."""
    orgs = organization_ids(history)
    return sorted({f.key[2] for f, *_ in history.index.intervals("member")
                   if f.key[1] in organizations and is_state(f.key[2], orgs)})


def panel_years(history: History) -> range:
    """The years from the first event to the last (each event counted at its first day)."""
    keys = [e.date.first.year for e in history.log.events]
    return range(min(keys), max(keys) + 1)

# --- the COW state-year layout itself (``orgsim export --format cow-state-year``) -------------------------
#
# COW's year rule (``events/importers/cow_igo.coding.yaml``): a state is coded with a status it held in
# any part of the year, the strongest when it held several, and an organization (with its members) is
# coded in the year it ends. A log coded by years (a COW import: ``precision: year`` in its coding) is
# read at that precision, each event from the first day of its year; any other log by its answers: a
# status certain (or presumed) on some day of the year gives its code, one only possible that year
# gives -9. Every state COW has in the state system that year gets a row (``codes.in_system``), so a
# merge with COW's own file lines up row for row; a state out of the system has no row, as in COW.

COW_KEYS = ["ccode", "year", "state"]
#: One cell, one code: the strongest status of the year (COW's precedence; -1 only where nothing else holds).
RANK = {1: 5, 2: 4, 3: 3, UNKNOWN: 2, NOT_IN_EXISTENCE: 1, NO_MEMBERSHIP: 0}
CODES_RANKED = {**CODES, "not_in_system": NOT_IN_EXISTENCE}


def _jan_first(year: int) -> int:
    return _dt.date(year, 1, 1).toordinal()


def cow_organizations(history: History) -> list[tuple[str, str]]:
    """(id, COW column) of each organization, in the COW file's column order when the log was imported from COW."""
    entities = history.log.entities.get("organizations") or {}
    imported = [(o, e["cow"]) for o, e in entities.items() if (e or {}).get("cow")]
    if imported:
        ordered = sorted(imported, key=lambda oc: (oc[1].get("position", 1 << 30), oc[1]["column"]))
        return [(o, c["column"]) for o, c in ordered]
    return [(o, column_name(o)) for o in panel_organizations(history)]


def cow_rows(history: History, organizations: list[str]) -> list[tuple[str, int, str, int]]:
    """(state id, ccode, COW column name, year) of every row, sorted by ccode and year.

    An import from COW records each state's years in the state system, and those are the rows.
    Any other log gives a row, for every year of the log, to every state COW IGO has in the
    state system that year (``cow_iso3.csv``'s ``igo_years``).
    """
    from orgsim.events.importers.codes import in_system, table

    declared = history.log.entities.get("states") or {}
    with_years = {s: e["cow"] for s, e in declared.items() if (e or {}).get("cow", {}).get("years")}
    rows = []
    if with_years:
        for s, cow in with_years.items():
            rows += [(s, cow["ccode"], cow["column"], y) for a, b in cow["years"] for y in range(a, b + 1)]
    else:
        years = panel_years(history)
        for st in table():
            if st.column:
                rows += [(st.id, st.ccode, st.column, y) for y in years if in_system(st, y)]
    return sorted(rows, key=lambda r: (r[1], r[3]))


def _dissolutions(history: History) -> set[str]:
    return {e.id for e in history.log.events if e.kind == "org_dissolved"}


def cow_state_year_frame(history: History) -> pd.DataFrame:
    """The COW state-year layout: ``ccode, year, state``, then one column per organization (COW's year rule)."""
    from orgsim.events.importers.coding import of_log_sources

    orgs = cow_organizations(history)
    rows = cow_rows(history, [o for o, _c in orgs])
    years = np.array([r[3] for r in rows], dtype=np.int64)
    y0 = np.array([_jan_first(y) for y in years], dtype=np.int64)  # the year is [y0, y1)
    y1 = np.array([_jan_first(y + 1) for y in years], dtype=np.int64)
    by_years = of_log_sources(history.log.sources).get("precision") == "year"
    dissolving = _dissolutions(history)
    positions: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        positions.setdefault(r[0], []).append(i)
    by_state = {s: np.array(ix) for s, ix in positions.items()}
    external = external_entities(history.log)
    exists = {o: np.zeros(len(rows), dtype=bool) for o, _c in orgs}
    for fact, start, end, ender, b in history.index.spans("org"):
        if fact.key[1] in exists and fact.value.get("status") != "dissolved":
            end = b.end_latest if ender in dissolving else end  # coded in the year it ends
            exists[fact.key[1]] |= (start < y1) & (end > y0)
    cov = history.coverage
    outside = (y1 <= cov.start) | (y0 > cov.end)
    best = {o: np.zeros(len(rows), dtype=np.int8) for o, _c in orgs}  # RANK of the strongest status found
    found = {o: np.zeros(len(rows), dtype=np.int8) for o, _c in orgs}
    for o, _c in orgs:
        if o in external:
            exists[o][:] = True
    for fact, start, end, ender, b in history.index.spans("member"):
        o = fact.key[1]
        if o not in best or fact.key[2] not in by_state:
            continue
        ix = by_state[fact.key[2]]
        ix = ix[exists[o][ix]]
        value = CODES_RANKED.get(fact.value, NO_MEMBERSHIP)
        if not len(ix) or value == NO_MEMBERSHIP:
            continue
        lo, hi = y0[ix], y1[ix]
        ends_with_org = ender in dissolving
        if by_years:
            sure = (start < hi) & ((b.end_latest if ends_with_org else end) > lo)
            maybe = sure
        else:
            s_c = max(start, b.start_latest)
            e_c = b.end_latest if ends_with_org else b.end_earliest
            sure = (s_c < hi) & (e_c > lo) & (s_c < e_c)
            maybe = (b.start_earliest < hi) & (b.end_latest > lo)
        for hit, code_ in ((sure, value), (maybe & ~sure, UNKNOWN if value != NOT_IN_EXISTENCE else value)):
            sel = ix[hit]
            rank = RANK[code_]
            better = best[o][sel] < rank
            best[o][sel[better]] = rank
            found[o][sel[better]] = code_
    cells = {}
    for o, _c in orgs:
        silent = UNKNOWN if not cov.covers(o) else NO_MEMBERSHIP
        default = np.where(exists[o], np.where(outside, UNKNOWN, silent), NOT_IN_EXISTENCE)
        cells[o] = np.where(best[o] > 0, found[o], default).astype(np.int8)
    entities = history.log.entities.get("organizations") or {}
    for o, _c in orgs:  # -1 cells COW writes for one state while the organization exists
        for state, spans in ((entities.get(o) or {}).get("cow") or {}).get("not_coded", {}).items():
            ix = by_state.get(state, np.array([], dtype=int))
            for a, b in spans:
                cells[o][ix[(years[ix] >= a) & (years[ix] <= b)]] = NOT_IN_EXISTENCE
    frame = pd.DataFrame({"ccode": [r[1] for r in rows], "year": years, "state": [r[2] for r in rows]})
    return pd.concat([frame, pd.DataFrame({c: cells[o] for o, c in orgs})], axis=1)


