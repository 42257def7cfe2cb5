"""A synthetic COW state-year file whose membership changes are drawn from known logit hazards.

Written apart from ``scenarios/hazard_panel.py`` on purpose: the covariates are computed here
from their definitions in docs/hazards.md with plain loops, so a test that recovers the true
coefficients checks the panel's covariates as well as the fit.
"""

from __future__ import annotations

import csv
import math

import numpy as np

from orgsim.events.importers.codes import table

#: True coefficients: const, years_in_status, org_age, org_size, region_share (log 1+x as documented).
TRUE = {
    "accession": {"const": -4.0, "years_in_status": -0.4, "org_age": 0.0, "org_size": 0.5, "region_share": 2.0},
    "readmission": {"const": -1.5, "years_in_status": -0.5, "org_age": 0.0, "org_size": 0.0, "region_share": 1.0},
    "exit": {"const": -2.5, "years_in_status": -0.5, "org_age": 0.2, "org_size": -0.4, "region_share": -1.0},
}
TERMS = ["const", "years_in_status", "org_age", "org_size", "region_share"]
REGION_BOUNDS = ((2, 165), (200, 399), (400, 626), (630, 698), (700, 999))


def _region(ccode: int) -> int:
    return next(i for i, (lo, hi) in enumerate(REGION_BOUNDS) if lo <= ccode <= hi)


def _p(kind: str, x: dict[str, float]) -> float:
    b = TRUE[kind]
    z = b["const"] + sum(b[k] * x[k] for k in TERMS[1:])
    return 1 / (1 + math.exp(-z))


def write_synthetic(path: str, orgs: int = 30, n_states: int = 60, first: int = 1950, last: int = 2010,
                    seed: int = 5) -> int:
    """Write the file; return how many changes were drawn."""
    rng = np.random.default_rng(seed)
    states = [s for s in table() if s.column and s.ccode < 1000][:: max(1, len(table()) // n_states)][:n_states]
    founded = {o: int(rng.integers(first, first + 30)) for o in range(orgs)}
    home = {o: int(rng.integers(0, 5)) for o in range(orgs)}
    status: dict[tuple[int, int], int] = {}  # (org, state index) -> 1 full member, 0 not
    since: dict[tuple[int, int], int] = {}
    ever: set[tuple[int, int]] = set()
    codes = {}
    changes = 0
    for year in range(first, last + 1):
        for o in range(orgs):
            if year < founded[o]:
                for i in range(len(states)):
                    codes[(o, i, year)] = -1
                continue
            if year == founded[o]:
                for i, s in enumerate(states):
                    full = int(_region(s.ccode) == home[o] and rng.random() < 0.5)
                    status[(o, i)], since[(o, i)] = full, year
                    if full:
                        ever.add((o, i))
            else:
                members = [i for i in range(len(states)) if status[(o, i)] == 1]
                new = {}
                for i, s in enumerate(states):
                    others = [m for m in members if m != i]
                    same = sum(1 for m in others if _region(states[m].ccode) == _region(s.ccode))
                    x = {"years_in_status": math.log1p(year - 1 - since[(o, i)] + 1),
                         "org_age": math.log1p(year - 1 - founded[o]), "org_size": math.log1p(len(members)),
                         "region_share": same / max(len(others), 1)}
                    kind = "exit" if status[(o, i)] else ("readmission" if (o, i) in ever else "accession")
                    change = rng.random() < _p(kind, x)
                    new[i] = (1 - status[(o, i)]) if change else status[(o, i)]
                    changes += change
                for i, v in new.items():
                    if v != status[(o, i)]:
                        status[(o, i)], since[(o, i)] = v, year
                        if v:
                            ever.add((o, i))
            for i in range(len(states)):
                codes[(o, i, year)] = status[(o, i)]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ccode", "year", "state", *(f"syn{o:02d}" for o in range(orgs))])
        for i, s in enumerate(states):
            for year in range(first, last + 1):
                w.writerow([s.ccode, year, s.column, *(codes[(o, i, year)] for o in range(orgs))])
    return changes
