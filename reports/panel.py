"""A state-year panel of memberships, laid out like the Correlates of War IGO state-year data.

``state_year_panel`` names states by ISO code; ``cow_state_year_frame`` writes COW's own
layout (``ccode, year, state``), so that a COW import exports back to its original cells.

One row per state and year, one column per organization, each cell a COW-style code
for the state's status on 1 July of that year (the codebook is in the README,
"The state-year panel").
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np
import pandas as pd

from orgsim.engine.history import History
from orgsim.engine.replay import external_entities
from orgsim.engine.state import State

from .exports import is_state, organization_ids

#: COW codes by orgsim status. Signatories, suspended, withdrawn and not-renewed states
#: take no part in the organization that year, so they count as "no membership".
CODES = {"member": 1, "associate": 2, "observer": 3, "partner": 3, "unknown": -9,
         "signatory": 0, "suspended": 0, "withdrawn": 0, "not_renewed": 0}
NO_MEMBERSHIP = 0
NOT_IN_EXISTENCE = -1
#: COW measures status at mid-year.
MEASURED_ON = "07-01"


def column_name(org: str) -> str:
    """The organization's column: its id in lower case, as a plain identifier.

    >>> column_name("SHANGHAI-FIVE"), column_name("CSTO")
    ('shanghai_five', 'csto')
    """
    return re.sub(r"[^a-z0-9_]", "_", org.lower())


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


def exists(state: State, org: str, external: frozenset[str]) -> bool:
    """Whether the organization exists on the state's date (an organization the log only names always does)."""
    fact = state.facts.get(("org", org))
    return org in external if fact is None else fact.value.get("status") != "dissolved"


def code(state: State, org: str, member: str, external: frozenset[str]) -> int:
    """The COW code of one state's status in one organization on the state's date."""
    if not exists(state, org, external):
        return NOT_IN_EXISTENCE
    fact = state.facts.get(("member", org, member))
    return NO_MEMBERSHIP if fact is None else CODES.get(fact.value, NO_MEMBERSHIP)


def state_year_panel(history: History) -> pd.DataFrame:
    """The panel: columns ``state, year, <organization>…``, one row per state and year, sorted by both."""
    organizations = panel_organizations(history)
    states = panel_states(history, organizations)
    external = external_entities(history.log)
    rows = []
    for year in panel_years(history):
        st = history.at(f"{year}-{MEASURED_ON}")  # one index query per year
        for s in states:
            rows.append({"state": s, "year": year,
                         **{column_name(o): code(st, o, s, external) for o in organizations}})
    columns = ["state", "year", *map(column_name, organizations)]
    return pd.DataFrame(rows, columns=columns).sort_values(["state", "year"], ignore_index=True)


def state_year_csv(history: History) -> str:
    """The panel as CSV text."""
    return state_year_panel(history).to_csv(index=False, lineterminator="\n")


# --- the COW state-year layout itself (``orgsim export --format cow-state-year``) -------------------------

COW_KEYS = ["ccode", "year", "state"]


def _july_first(year: int) -> int:
    return _dt.date(year, 7, 1).toordinal()


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
    Any other log gives every state with a COW code a row for every year of the log.
    """
    from orgsim.events.importers.codes import by_id

    declared = history.log.entities.get("states") or {}
    with_years = {s: e["cow"] for s, e in declared.items() if (e or {}).get("cow", {}).get("years")}
    rows = []
    if with_years:
        for s, cow in with_years.items():
            rows += [(s, cow["ccode"], cow["column"], y) for a, b in cow["years"] for y in range(a, b + 1)]
    else:
        years = panel_years(history)
        for s in panel_states(history, organizations):
            if s in by_id() and by_id()[s].column:
                rows += [(s, by_id()[s].ccode, by_id()[s].column, y) for y in years]
    return sorted(rows, key=lambda r: (r[1], r[3]))


def cow_state_year_frame(history: History) -> pd.DataFrame:
    """The COW state-year layout: ``ccode, year, state``, then one column per organization (status on 1 July)."""
    orgs = cow_organizations(history)
    rows = cow_rows(history, [o for o, _c in orgs])
    years = np.array([r[3] for r in rows], dtype=np.int64)
    july = np.array([_july_first(y) for y in years], dtype=np.int64)
    positions: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        positions.setdefault(r[0], []).append(i)
    by_state = {s: np.array(ix) for s, ix in positions.items()}
    external = external_entities(history.log)
    exists = {o: np.zeros(len(rows), dtype=bool) for o, _c in orgs}
    for fact, start, end, _x in history.index.intervals("org"):
        if fact.key[1] in exists and fact.value.get("status") != "dissolved":
            exists[fact.key[1]] |= (july >= start) & (july < end)
    cells = {}
    for o, _c in orgs:
        if o in external:
            exists[o][:] = True
        cells[o] = np.where(exists[o], NO_MEMBERSHIP, NOT_IN_EXISTENCE).astype(np.int8)
    for fact, start, end, _x in history.index.intervals("member"):
        org, state = fact.key[1], fact.key[2]
        if org in cells and state in by_state:
            ix = by_state[state]
            hit = ix[(july[ix] >= start) & (july[ix] < end) & exists[org][ix]]
            cells[org][hit] = CODES.get(fact.value, NO_MEMBERSHIP)
    entities = history.log.entities.get("organizations") or {}
    for o, _c in orgs:  # -1 cells COW writes for one state while the organization exists
        for state, spans in ((entities.get(o) or {}).get("cow") or {}).get("not_coded", {}).items():
            ix = by_state.get(state, np.array([], dtype=int))
            for a, b in spans:
                cells[o][ix[(years[ix] >= a) & (years[ix] <= b)]] = NOT_IN_EXISTENCE
    frame = pd.DataFrame({"ccode": [r[1] for r in rows], "year": years, "state": [r[2] for r in rows]})
    return pd.concat([frame, pd.DataFrame({c: cells[o] for o, c in orgs})], axis=1)


def cow_state_year_csv(history: History) -> str:
    """The COW state-year layout as CSV text."""
    return cow_state_year_frame(history).to_csv(index=False, lineterminator="\n")
