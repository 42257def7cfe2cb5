"""A state-year panel of memberships, laid out like the Correlates of War IGO state-year data.

``state_year_panel`` names states by ISO code; ``cow_state_year_frame`` writes COW's own
layout (``ccode, year, state``) by COW's own year rule (a status held in any part of the year;
see the section below), so that a COW import exports back to its original cells and any other
log gives a row for every state COW has in the state system that year.

``state_year_panel``: one row per state and year, one column per organization, each cell a COW-style code
for the state's status on 1 July of that year (the codebook is in the README,
"The state-year panel"). Silence is not absence: a cell the log does not cover (an
organization it only names, a year outside its coverage) is ``-9``, and so is a cell
where the status only possibly holds that day (its start or end is not known that
precisely); a presumed status (carried forward past its last attestation) is coded as held.
"""

from __future__ import annotations

import pandas as pd

from orgsim.engine.history import History
from orgsim.engine.replay import external_entities
from orgsim.engine.state import State

from orgsim.engine.year_codes import (CODES, NO_MEMBERSHIP, NOT_IN_EXISTENCE, UNKNOWN,  # noqa: F401
                                     column_name, cow_state_year_frame, is_state, organization_ids,
                                     panel_organizations, panel_years)

#: COW measures status at mid-year.
MEASURED_ON = "07-01"


def panel_states(history: History, organizations: list[str]) -> list[str]:
    """The states that get rows: those that ever held a status in one of the panel's organizations."""
    orgs = organization_ids(history)
    return sorted({f.key[2] for f, *_ in history.index.intervals("member")
                   if f.key[1] in organizations and is_state(f.key[2], orgs)})


def exists(state: State, org: str, external: frozenset[str]) -> bool:
    """Whether the organization exists on the state's date (an organization the log only names always does)."""
    fact = state.facts.get(("org", org))
    return org in external if fact is None else fact.value.get("status") != "dissolved"


def code(state: State, org: str, member: str, external: frozenset[str]) -> int:
    """The COW code of one state's status in one organization on the state's date (-9 where the log does not know)."""
    if not exists(state, org, external):
        return NOT_IN_EXISTENCE
    rows = state.status_of(org, member)
    if not rows:
        return NO_MEMBERSHIP
    held = [r for r in rows if r.get("modality") in (None, "certain", "presumed")]
    return CODES.get(held[0]["status"], NO_MEMBERSHIP) if held else UNKNOWN


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


def cow_state_year_csv(history: History) -> str:
    """The COW state-year layout as CSV text."""
    return cow_state_year_frame(history).to_csv(index=False, lineterminator="\n")
