"""A state-year panel of memberships, laid out like the Correlates of War IGO state-year data.

One row per state and year, one column per organization, each cell a COW-style code
for the state's status on 1 July of that year (the codebook is in the README,
"The state-year panel").
"""

from __future__ import annotations

import re

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
    """The organization's column: its id in lower case, as a plain identifier ("SHANGHAI-FIVE" → "shanghai_five")."""
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
