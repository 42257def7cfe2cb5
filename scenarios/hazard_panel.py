"""The rows a hazard model learns from: every state–organization–year at risk of a membership change.

A history becomes a year grid by COW's year rule (``engine/year_codes.py``: the code a state
held in any part of the year, -9 where the log does not know, -1 where the organization or
the state does not exist). Each pair of consecutive years ``t -> t+1`` of a known cell is one
row at risk of one change, with covariates measured in year ``t``:

- ``accession``: a state that was never a full member (code 1) becomes one;
- ``readmission``: a former full member becomes one again;
- ``exit``: a full member is no longer one (withdrawn, or observer or associate only).

Cells the data does not know are left out and counted (``Panel.excluded``): a -9 at ``t`` or
``t+1``, and a -1 at ``t+1`` (the organization ended or the state left the state system:
not a decision about membership). Founders are not at risk: an organization's first year
has no year before it.

Covariates, each with its reason (the model cannot use what the grid cannot say):

- ``years_in_status`` (log 1+years): how long the state has been in (or out of) full
  membership; hazards of leaving fall with duration in most membership data.
- ``org_age`` (log 1+years since the organization was first coded): young organizations
  gain members fastest.
- ``org_size`` (log 1+full members): large organizations attract (and hold) members.
- ``other_status``: 1 when the state is an associate or observer at ``t`` (a step
  towards full membership).
- ``region_share``: the share of the other full members in the state's region (COW code
  ranges: Americas 2–165, Europe 200–399, Africa 400–626, Middle East 630–698, Asia and
  Oceania 700–999); organizations are mostly regional.
- ``defence_pact``: 1 when the organization has a defence rule in force that year (a rule
  of type ``mutual_defence`` or ``defence``: ATOP's defence provision, the CSTO's article 4);
  the organization's type, where the data codes it. COW IGO v3 codes no type, so on COW
  alone it never varies and the fit leaves it out.
- network covariates (they need the other organizations of the data):
  ``comembership`` (log 1+the mean number of other organizations the state shares with
  each current member), ``memberships`` (log 1+the other organizations the state is a full
  member of), ``prior_exits`` (log 1+the state's exits from any organization before ``t``).

Everything is computed in arrays over the whole grid, year by year, never per event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from orgsim.engine.history import History
from orgsim.engine.year_codes import NOT_IN_EXISTENCE, UNKNOWN, cow_organizations, cow_state_year_frame

KINDS = ("accession", "readmission", "exit")
BASIC = ("years_in_status", "org_age", "org_size", "other_status", "region_share", "defence_pact")
DEFENCE_TYPES = frozenset({"mutual_defence", "defence"})
NETWORK = ("comembership", "memberships", "prior_exits")
COVARIATES = BASIC + NETWORK
#: COW code ranges of the regions (the COW state system's own numbering).
REGIONS = ((2, 165, "Americas"), (200, 399, "Europe"), (400, 626, "Africa"), (630, 698, "Middle East"),
           (700, 999, "Asia and Oceania"))
FULL = 1
KNOWN = (0, 1, 2, 3)


def region_of(ccode: int) -> int:
    """The index of a COW code's region in ``REGIONS`` (-1 outside every range).

    >>> [REGIONS[region_of(c)][2] for c in (2, 365, 645, 710)]
    ['Americas', 'Europe', 'Middle East', 'Asia and Oceania']
    """
    return next((i for i, (lo, hi, _n) in enumerate(REGIONS) if lo <= ccode <= hi), -1)


@dataclass
class YearGrid:
    """Codes of every state in every organization and year: ``codes[org, year, state]`` (int8)."""

    orgs: list[str]
    ccodes: np.ndarray
    years: np.ndarray
    codes: np.ndarray
    pact: np.ndarray | None = None  # bool [org, year]: a defence rule in force in some part of the year


def defence_years(history: History, orgs: list[str], years: np.ndarray) -> np.ndarray:
    """[org, year]: whether the organization has a defence rule in force in some part of each year."""
    import datetime as dt

    out = np.zeros((len(orgs), len(years)), dtype=bool)
    where = {o: i for i, o in enumerate(orgs)}
    jan = np.array([dt.date(int(y), 1, 1).toordinal() for y in years] + [dt.date(int(years[-1]) + 1, 1, 1).toordinal()])
    for fact, start, end, _ender in history.index.intervals("rule"):
        value = fact.value if isinstance(fact.value, Mapping) else {}
        i = where.get(value.get("org"))
        if i is not None and (value.get("params") or {}).get("type") in DEFENCE_TYPES:
            out[i] |= (start < jan[1:]) & (end > jan[:-1])
    return out


def year_grid(histories: Iterable[History]) -> YearGrid:
    """One grid over the histories' organizations (an organization in two logs is two columns, ``log/org``)."""
    frames, names = [], []
    for h in histories:
        f = cow_state_year_frame(h)
        ids = [o for o, _c in cow_organizations(h)]
        prefix = f"{h.log.id}/" if h.log.id else ""
        names += [prefix + o for o in ids]
        frames.append((f, ids, h))
    if not frames:
        raise ValueError("no history to learn from")
    ccodes = np.unique(np.concatenate([f["ccode"].to_numpy() for f, _, _ in frames]))
    years = np.arange(min(int(f["year"].min()) for f, _, _ in frames),
                      max(int(f["year"].max()) for f, _, _ in frames) + 1)
    codes = np.full((len(names), len(years), len(ccodes)), NOT_IN_EXISTENCE, dtype=np.int8)
    pact = np.zeros((len(names), len(years)), dtype=bool)
    k = 0
    for f, ids, h in frames:
        pact[k:k + len(ids)] = defence_years(h, ids, years)
        yi = f["year"].to_numpy() - years[0]
        si = np.searchsorted(ccodes, f["ccode"].to_numpy())
        values = f.iloc[:, 3:].to_numpy(dtype=np.int8)
        codes[k:k + len(ids), yi, si] = values.T
        k += len(ids)
    return YearGrid(names, ccodes, years, codes, pact)


def _runs(flag: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Years each cell has held its flag without a break: [org, year, state] from [org, year, state] flags."""
    out = np.zeros(flag.shape, dtype=np.int16)
    for t in range(flag.shape[1]):
        if t == 0:
            out[:, t] = valid[:, t]
            continue
        same = valid[:, t] & valid[:, t - 1] & (flag[:, t] == flag[:, t - 1])
        out[:, t] = np.where(same, out[:, t - 1] + 1, valid[:, t].astype(np.int16))
    return out


@dataclass
class Panel:
    """The rows at risk (a DataFrame) and what was left out, with the reason and the count."""

    rows: pd.DataFrame
    orgs: list[str]
    excluded: dict[str, int] = field(default_factory=dict)

    def kind(self, kind: str) -> pd.DataFrame:
        """The rows at risk of one kind of change."""
        return self.rows[self.rows["kind"] == KINDS.index(kind)]


def covariates_at(codes: np.ndarray, t: int, runs: np.ndarray, age: np.ndarray, exits_before: np.ndarray,
                  region: np.ndarray, pact: np.ndarray) -> dict[str, np.ndarray]:
    """Every covariate of every (organization, state) cell in year index ``t``, as [org, state] arrays."""
    a = codes[:, t, :]
    m = (a == FULL).astype(np.float64)
    size = m.sum(axis=1, keepdims=True)
    others = np.maximum(size - m, 1.0)
    shared = m.T @ m  # [state, state]: organizations two states share this year
    total = m @ shared  # [org, state]: summed over the organization's members
    comemb = (total - m * np.diag(shared)[None, :] - m * (size - m)) / others
    onehot = (region[:, None] == np.arange(len(REGIONS))[None, :]).astype(np.float64)
    by_region = m @ onehot  # [org, region]
    same_region = np.where(region[None, :] >= 0, by_region[:, np.clip(region, 0, None)], 0.0) - m
    return {
        "years_in_status": np.log1p(runs[:, t, :].astype(np.float64)),
        "org_age": np.log1p(np.broadcast_to(age[:, t, None], a.shape).astype(np.float64)),
        "org_size": np.log1p(np.broadcast_to(size, a.shape)),
        "other_status": np.isin(a, (2, 3)).astype(np.float64),
        "region_share": np.clip(same_region, 0, None) / others,
        "defence_pact": np.broadcast_to(pact[:, t, None], a.shape).astype(np.float64),
        "comembership": np.log1p(np.clip(comemb, 0, None)),
        "memberships": np.log1p(np.broadcast_to(m.sum(axis=0)[None, :], a.shape) - m),
        "prior_exits": np.log1p(np.broadcast_to(exits_before[t][None, :], a.shape).astype(np.float64)),
    }


def build_panel(grid: YearGrid) -> Panel:
    """Every known ``t -> t+1`` cell as a row: org, ccode, year (of the outcome), kind, outcome, covariates."""
    codes = grid.codes
    known = np.isin(codes, KNOWN)
    full = codes == FULL
    runs = _runs(full, known)
    exists = codes != NOT_IN_EXISTENCE
    age = np.clip(np.cumsum(exists.any(axis=2), axis=1) - 1, 0, None)  # [org, year]: years since first coded
    ever = np.maximum.accumulate(full, axis=1)
    left = full[:, :-1] & known[:, 1:] & ~full[:, 1:]  # an exit between t and t+1
    exits_by_year = left.sum(axis=0)  # [year-1, state]
    exits_before = np.vstack([np.zeros((1, codes.shape[2]), np.int64), np.cumsum(exits_by_year, axis=0)])
    region = np.array([region_of(int(c)) for c in grid.ccodes])
    pact = grid.pact if grid.pact is not None else np.zeros(codes.shape[:2], dtype=bool)
    parts, excluded = [], {"unknown at t or t+1 (-9)": 0, "organization ended or state left the system at t+1 (-1)": 0}
    for t in range(len(grid.years) - 1):
        a, b = codes[:, t, :], codes[:, t + 1, :]
        ok = known[:, t] & known[:, t + 1]
        excluded["unknown at t or t+1 (-9)"] += int(((a == UNKNOWN) & (b != NOT_IN_EXISTENCE)
                                                       | (b == UNKNOWN) & (a != NOT_IN_EXISTENCE)).sum())
        excluded["organization ended or state left the system at t+1 (-1)"] += int(
            (np.isin(a, KNOWN) & (b == NOT_IN_EXISTENCE)).sum())
        o_ix, s_ix = np.nonzero(ok)
        if not len(o_ix):
            continue
        was_full = full[o_ix, t, s_ix]
        kind = np.where(was_full, 2, np.where(ever[o_ix, t, s_ix], 1, 0)).astype(np.int8)
        outcome = np.where(was_full, ~full[o_ix, t + 1, s_ix], full[o_ix, t + 1, s_ix])
        cov = covariates_at(codes, t, runs, age, exits_before, region, pact)
        part = {"org": o_ix.astype(np.int32), "ccode": grid.ccodes[s_ix].astype(np.int32),
                "year": np.full(len(o_ix), grid.years[t + 1], np.int32), "kind": kind,
                "outcome": outcome.astype(np.int8)}
        part |= {name: values[o_ix, s_ix].astype(np.float32) for name, values in cov.items()}
        parts.append(pd.DataFrame(part))
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["org", "ccode", "year", "kind", "outcome", *COVARIATES])
    return Panel(rows, grid.orgs, excluded)


def panel_of(histories: Iterable[History]) -> Panel:
    """The panel of some histories (the grid, then the rows)."""
    return build_panel(year_grid(histories))
