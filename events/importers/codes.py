"""COW state codes and the orgsim state ids they map to (the table is ``cow_iso3.csv``).

Each COW state (``ccode``, abbreviation, name, and the lower-case column name
of the IGO-year layout) gets one orgsim id, and each id one COW state, so an
import can be exported back cell for cell. The rule, in order:

1. the state's ISO 3166-1 alpha-3 code (``basis: iso3166-1``);
2. a COW state that spans several ISO codes is named by its present-day
   continuer (``continuer``): 365 Russia/Soviet Union is RUS, 345
   Serbia/Yugoslavia is SRB, 816 Vietnam is VNM, as the bundled CSTO log names them;
3. a former state with an ISO 3166-3 code keeps it (``iso3166-3``): CSK, DDR, YMD;
4. any other state gets ``X`` and two letters (``user-assigned``): ISO 3166-1
   reserves XAA-XZZ for user assignment, so these never clash with a real code
   (Bavaria XBA, Baden XBD, German Federal Republic XGF, Kosovo XKX).

``igo_years`` gives the years COW IGO v3's state-year file has a row for the
state, its state-system years as the IGO data codes them ("1816-1945;1990-":
an open end runs on past the data's last year, 2014): the rows of the COW
export of a log that was not imported from COW.

Ids that are not ISO 3166 codes are declared under ``entities.states`` of every
imported log, which is what lets the log parser accept them.

>>> by_ccode()[365].id, by_ccode()[345].id, by_column()["bavariaelect"].id
('RUS', 'SRB', 'XBA')
>>> by_id()["XGF"].name
'German Federal Republic'
>>> in_system(by_id()["FRA"], 1943), in_system(by_id()["FRA"], 2019), in_system(by_id()["XGF"], 1990)
(False, True, False)
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

TABLE = "cow_iso3.csv"


@dataclass(frozen=True, slots=True)
class CowState:
    """One COW state: its codes, its IGO-year column name, and the orgsim id it maps to."""

    ccode: int
    abbrev: str
    name: str
    column: str  # the IGO-year layout's column ("" for a code COW does not have)
    id: str
    basis: str  # iso3166-1 | continuer | iso3166-3 | user-assigned
    note: str
    igo_years: tuple[tuple[int, int | None], ...] = ()  # (first, last or None: open) years with a COW row


@lru_cache(maxsize=1)
def table() -> tuple[CowState, ...]:
    """Every row of the shipped table."""
    text = resources.files(__package__).joinpath(TABLE).read_text(encoding="utf-8")
    return tuple(CowState(int(r["ccode"]), r["stateabb"], r["statenme"], r["igo_column"], r["orgsim_id"],
                          r["basis"], r["note"], _years(r.get("igo_years") or ""))
                 for r in csv.DictReader(io.StringIO(text)))


def _years(text: str) -> tuple[tuple[int, int | None], ...]:
    out = []
    for part in filter(None, text.split(";")):
        a, _, b = part.partition("-")
        out.append((int(a), int(b) if b else None))
    return tuple(out)


def in_system(state: CowState, year: int) -> bool:
    """Whether COW IGO's state-year file has (or, past its last year, would have) a row for the state in a year."""
    return any(a <= year and (b is None or year <= b) for a, b in state.igo_years)


@lru_cache(maxsize=1)
def by_ccode() -> dict[int, CowState]:
    """States by COW code."""
    return {s.ccode: s for s in table()}


@lru_cache(maxsize=1)
def by_column() -> dict[str, CowState]:
    """States by the IGO-year layout's column name (``afghanistan`` … ``zimbabwe``)."""
    return {s.column: s for s in table() if s.column}


@lru_cache(maxsize=1)
def by_id() -> dict[str, CowState]:
    """States by orgsim id."""
    return {s.id: s for s in table()}


def by_name(text: str) -> CowState | None:
    """The state a state-year row names: its IGO-year column name or its COW abbreviation (any case)."""
    key = text.strip().lower()
    found = by_column().get(key)
    if found is None:
        found = next((s for s in table() if s.abbrev.lower() == key and s.abbrev), None)
    return found


def state_name(state: CowState) -> dict[str, str]:
    """An ``entities.states`` name: ISO's for an ISO 3166-1 id (Serbia, not COW's "Yugoslavia"), else COW's."""
    if state.basis in ("iso3166-1", "continuer"):
        import pycountry

        country = pycountry.countries.get(alpha_3=state.id)
        if country is not None:
            return {"name": getattr(country, "common_name", None) or country.name}
    return {"name": state.name}
