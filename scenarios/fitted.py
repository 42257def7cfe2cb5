"""Fitted hazards in a simulation: each run draws its coefficients, each state-year its chance of change.

``stochastic: model: fitted`` replaces the constant yearly rates with the logit hazards of
``hazard_fit.py``: a saved model (``hazards: FILE.json``) or one fitted on the fly from
named data (``fit: [PATHS]``). Each run draws its own coefficients from the estimate's
uncertainty (a normal with the clustered covariance, from the run's own random streams),
so an ensemble's spread carries both the parameters' uncertainty and the events' chance.

A scenario's log holds one organization, so it can give only the covariates that need no
other organization (``hazard_panel.BASIC``): a model that needs the network covariates is
refused with the reason. In the simulation the covariates follow the run: the years a
state has held its status restart when the run changes it, the organization ages, its
size and each region's share are counted from the run's members.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Mapping

import numpy as np

from orgsim.engine.history import History
from orgsim.events.errors import InputError

from .hazard_fit import HazardModel, fit
from .hazard_panel import BASIC, FULL, KINDS, region_of, year_grid
from .streams import MAX_DRAWS, Streams

_NORMAL = NormalDist()
SCENARIO_KINDS = {"withdrawal": "exit", "accession": "accession", "readmission": "readmission"}


def load_model(path: str, scenario: str, line: int = 0) -> HazardModel:
    """A saved model; a file that is missing or not a model is an InputError naming the scenario."""
    try:
        with open(path, encoding="utf-8") as fh:
            model = HazardModel.from_json(fh.read(), path)
    except OSError as exc:
        raise InputError(f"stochastic.hazards: cannot read {path}: {exc.strerror}", scenario, line) from None
    except ValueError as exc:
        raise InputError(f"stochastic.hazards: {exc}", scenario, line) from None
    return model


def fit_from(paths: tuple[str, ...], scenario: str, line: int = 0) -> HazardModel:
    """A model fitted on the fly (basic covariates) from the named logs or data."""
    from .hazard_data import describe_paths, histories_of
    from .hazard_panel import panel_of

    try:
        return fit(panel_of(histories_of(paths)), BASIC, about={"data": describe_paths(paths)})
    except ValueError as exc:
        raise InputError(f"stochastic.fit: {exc}", scenario, line) from None


def check_covariates(model: HazardModel, source: str, scenario: str, line: int = 0) -> None:
    """Refuse a model whose covariates a one-organization log cannot give."""
    extra = [c for c in model.covariates if c not in BASIC]
    if extra:
        raise InputError(f"stochastic.hazards: {source} uses {', '.join(extra)}, which need the other "
                         f"organizations of the data; fit one with `orgsim fit --covariates basic`", scenario, line)
    missing = [k for k in KINDS if k not in model.fits]
    if missing:
        raise InputError(f"stochastic.hazards: {source} has no {missing[0]} hazard", scenario, line)


def _ccode(state: str) -> int:
    from orgsim.events.importers.codes import by_id

    entry = by_id().get(state)
    return entry.ccode if entry else -1


@dataclass(frozen=True)
class FittedHazards:
    """A model and the organization's history at the fork: what every run starts from."""

    model: HazardModel
    source: str  # in words: the file, or the data fitted on
    fork_year: int
    org_age: int  # years since the organization was first coded, at the fork
    since: Mapping[str, int]  # the year each state's current status (in or out of full membership) began
    ever: frozenset[str]  # states that were full members before the fork
    regions: Mapping[str, int]
    defence_pact: bool = False  # a defence rule in force at the fork

    def describe(self) -> str:
        """One line: where the hazards come from and how a run uses them."""
        fits = ", ".join(f"{k} {f.rows:,} rows / {f.events:,} changes" for k, f in self.model.fits.items())
        return (f"fitted hazards ({self.source}; {fits}): logits of {', '.join(self.model.covariates)}; each run draws "
                f"its coefficients from their clustered covariance")

    def start(self, streams: Streams) -> "RunHazards":
        """One run's hazards: its own coefficients, drawn from the estimate's uncertainty."""
        params = {}
        for kind, f in self.model.fits.items():
            n = len(f.params)
            u: list[float] = []
            for block in range(0, n, MAX_DRAWS):
                u += streams.uniforms("hazard-coefficients", kind, str(block // MAX_DRAWS), min(MAX_DRAWS, n - block))
            z = np.array([_NORMAL.inv_cdf(min(max(x, 1e-12), 1 - 1e-12)) for x in u])
            chol = np.linalg.cholesky(f.cov + 1e-12 * np.eye(n))
            params[kind] = f.params + chol @ z
        return RunHazards(self, params, dict(self.since), set(self.ever))


@dataclass
class RunHazards:
    """One run's coefficients and the states' durations, which the run's own changes restart."""

    fitted: FittedHazards
    params: dict[str, np.ndarray]
    since: dict[str, int]
    ever: set[str] = field(default_factory=set)

    def chance(self, kind: str, state: str, year: int, members: list[str], status: str | None) -> float:
        """The yearly probability of one change for one state, given the run's members now."""
        f = self.fitted
        fit_ = f.model.fits[kind]
        others = [m for m in members if m != state]
        region = f.regions.get(state, -1)
        same = sum(1 for m in others if region >= 0 and f.regions.get(m, -1) == region)
        values = {"years_in_status": np.log1p(max(1, year - self.since.get(state, f.fork_year) + 1)),
                  "org_age": np.log1p(max(0, f.org_age + year - f.fork_year)),
                  "org_size": np.log1p(len(members)),
                  "other_status": float(status in ("associate", "observer")),
                  "region_share": same / max(len(others), 1), "defence_pact": float(f.defence_pact)}
        x = np.array([values[c] for c in fit_.names[1:]])
        return float(fit_.predict(x[None, :], self.params[kind])[0])

    def changed(self, state: str, year: int, joined: bool) -> None:
        """A state changed status in this run: its duration restarts."""
        self.since[state] = year
        if joined:
            self.ever.add(state)


def fitted_hazards(model: HazardModel, source: str, history: History, org: str, fork_year: int,
                   states: tuple[str, ...]) -> FittedHazards:
    """The organization's history at the fork, read from the branch's year grid by COW's year rule."""
    grid = year_grid([history])
    names = [o.split("/", 1)[-1] for o in grid.orgs]
    if org not in names or not len(grid.years):
        return FittedHazards(model, source, fork_year, 0, {}, frozenset(), {s: region_of(_ccode(s)) for s in states})
    o = names.index(org)
    t = int(np.clip(fork_year - grid.years[0], 0, len(grid.years) - 1))
    codes = grid.codes[o, : t + 1, :]  # [year, state]
    exists = (codes != -1).any(axis=1)
    age = int(exists.sum()) - 1 if exists.any() else 0
    since, ever = {}, set()
    by_ccode = {int(c): i for i, c in enumerate(grid.ccodes)}
    for s in states:
        i = by_ccode.get(_ccode(s))
        if i is None:
            continue
        col = codes[:, i]
        full = col == FULL
        if full.any():
            ever.add(s)
        start = t
        while start > 0 and col[start - 1] in (0, 1, 2, 3) and (col[start - 1] == FULL) == full[t]:
            start -= 1
        since[s] = int(grid.years[start])
    pact = bool(grid.pact[o, t]) if grid.pact is not None else False
    return FittedHazards(model, source, fork_year, max(age, 0), since, frozenset(ever),
                         {s: region_of(_ccode(s)) for s in states}, pact)


def kind_of(act: str, status: str | None, ever: bool) -> str:
    """The model's kind for a scenario act: a withdrawal is an exit; a join by a former member a readmission.

    >>> kind_of("withdrawal", "member", True), kind_of("accession", None, False), kind_of("accession", "withdrawn", True)
    ('exit', 'accession', 'readmission')
    """
    if act == "withdrawal":
        return "exit"
    return "readmission" if ever or status in ("withdrawn", "not_renewed") else "accession"


def describe_model(about: Mapping[str, Any]) -> str:
    """Where a model's data came from, in words."""
    data = ", ".join(about.get("data") or []) or "unnamed data"
    years = about.get("years")
    return f"{data}, changes {years[0]}-{years[1]}" if years else data
