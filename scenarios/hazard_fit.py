"""Discrete-time logit hazards of accession, readmission and exit, fitted with statsmodels.

One logit per kind of change on the rows at risk (``hazard_panel.py``): ``P(change in year
t+1 | covariates in t)``. Standard errors are clustered by organization (cluster-robust
sandwich, statsmodels ``cov_type="cluster"``): rows of one organization share its
unmeasured traits, so they are not independent draws. A model is plain data (names,
coefficients, covariance), saved as JSON, so a scenario can draw each run's coefficients
from the estimate's uncertainty without refitting.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .hazard_panel import COVARIATES, KINDS, Panel

FORMAT = "orgsim-hazards/1"


@dataclass
class KindFit:
    """One kind's logit: coefficient names (``const`` first), estimates, covariance, and what it was fitted on."""

    kind: str
    names: list[str]
    params: np.ndarray
    cov: np.ndarray
    rows: int
    events: int
    clusters: int

    def linear(self, x: np.ndarray, params: np.ndarray | None = None) -> np.ndarray:
        """The linear predictor for rows of covariates (in ``names[1:]`` order)."""
        b = self.params if params is None else params
        return b[0] + x @ b[1:]

    def predict(self, x: np.ndarray, params: np.ndarray | None = None) -> np.ndarray:
        """The yearly probability of the change for rows of covariates."""
        return 1.0 / (1.0 + np.exp(-self.linear(x, params)))

    def table(self) -> list[dict[str, Any]]:
        """Coefficient, clustered standard error, z, p and the 95 % interval of each term."""
        from scipy.stats import norm

        se = np.sqrt(np.clip(np.diag(self.cov), 0, None))
        out = []
        for name, b, s in zip(self.names, self.params, se):
            z = b / s if s > 0 else math.nan
            out.append({"kind": self.kind, "term": name, "coef": float(b), "se": float(s), "z": float(z),
                        "p": float(2 * norm.sf(abs(z))) if s > 0 else math.nan,
                        "low": float(b - 1.959964 * s), "high": float(b + 1.959964 * s)})
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"kind": self.kind, "names": self.names, "params": self.params.tolist(), "cov": self.cov.tolist(),
                "rows": self.rows, "events": self.events, "clusters": self.clusters}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "KindFit":
        """Back from JSON."""
        return cls(d["kind"], list(d["names"]), np.asarray(d["params"], float), np.asarray(d["cov"], float),
                   int(d["rows"]), int(d["events"]), int(d["clusters"]))


@dataclass
class HazardModel:
    """The three kinds' logits on one set of covariates, and where the data came from."""

    covariates: tuple[str, ...]
    fits: dict[str, KindFit]
    about: dict[str, Any] = field(default_factory=dict)

    def predict(self, rows: pd.DataFrame) -> np.ndarray:
        """Each row's probability of its own kind of change."""
        out = np.zeros(len(rows))
        kinds = rows["kind"].to_numpy()
        for k, name in enumerate(KINDS):
            sel = kinds == k
            if sel.any() and name in self.fits:
                out[sel] = self.fits[name].predict(design(rows[sel], self.fits[name].names[1:]))
        return out

    def summary(self) -> pd.DataFrame:
        """Every kind's coefficient table."""
        return pd.DataFrame([r for f in self.fits.values() for r in f.table()])

    def to_json(self) -> str:
        """The model as JSON text."""
        return json.dumps({"format": FORMAT, "covariates": list(self.covariates), "about": self.about,
                           "fits": [f.to_dict() for f in self.fits.values()]}, indent=1)

    @classmethod
    def from_json(cls, text: str, path: str = "<model>") -> "HazardModel":
        """A model from its JSON text; a wrong format is a ValueError naming the file."""
        try:
            d = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not a hazard model (JSON: {exc.msg}, line {exc.lineno})") from None
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise ValueError(f"{path}: not a hazard model (expected format {FORMAT!r})")
        try:
            fits = {f["kind"]: KindFit.from_dict(f) for f in d["fits"]}
            covariates = tuple(d["covariates"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: a hazard model with a missing or malformed field ({exc})") from None
        unknown = set(covariates) - set(COVARIATES)
        if unknown or set(fits) - set(KINDS):
            raise ValueError(f"{path}: unknown covariate or kind {sorted(unknown | (set(fits) - set(KINDS)))[0]!r}")
        for f in fits.values():
            n = len(f.names)
            if f.names[0] != "const" or set(f.names[1:]) - set(covariates) or f.cov.shape != (n, n) \
                    or f.params.shape != (n,):
                raise ValueError(f"{path}: the {f.kind} fit's terms do not match its covariates")
            if not (np.all(np.isfinite(f.params)) and np.all(np.isfinite(f.cov)) and _positive_definite(f.cov)):
                raise ValueError(f"{path}: the {f.kind} fit's coefficients or covariance are not finite and "
                                 f"positive definite, so no run could draw from them")
        return cls(covariates, fits, d.get("about") or {})


def _positive_definite(cov: np.ndarray) -> bool:
    """Whether a covariance can be drawn from (symmetric, Cholesky succeeds with the draw's own jitter)."""
    if not np.allclose(cov, cov.T):
        return False
    try:
        np.linalg.cholesky(cov + 1e-12 * np.eye(len(cov)))
    except np.linalg.LinAlgError:
        return False
    return True


def design(rows: pd.DataFrame, covariates: Iterable[str]) -> np.ndarray:
    """The covariate columns of some rows as a float matrix."""
    return rows[list(covariates)].to_numpy(dtype=np.float64)


def fit_kind(rows: pd.DataFrame, kind: str, covariates: tuple[str, ...]) -> KindFit:
    """One kind's logit with standard errors clustered by organization.

    A covariate that does not vary among the rows (``other_status`` of full members) says
    nothing about this kind and is left out of its terms.
    """
    import statsmodels.api as sm

    y = rows["outcome"].to_numpy(dtype=np.float64)
    covariates = tuple(c for c in covariates if rows[c].nunique() > 1)
    x = sm.add_constant(design(rows, covariates), has_constant="add")
    groups = rows["org"].to_numpy()
    if y.sum() == 0 or y.sum() == len(y):
        raise ValueError(f"no variation to learn the {kind} hazard from ({int(y.sum())} changes in {len(y)} rows)")
    result = sm.GLM(y, x, family=sm.families.Binomial()).fit(cov_type="cluster", cov_kwds={"groups": groups})
    return KindFit(kind, ["const", *covariates], np.asarray(result.params), np.asarray(result.cov_params()),
                   len(y), int(y.sum()), int(len(np.unique(groups))))


def fit(panel: Panel, covariates: tuple[str, ...] = COVARIATES, until: int | None = None,
        about: dict[str, Any] | None = None) -> HazardModel:
    """Fit every kind on the panel's rows whose outcome year is ``until`` or earlier (all rows if None)."""
    rows = panel.rows if until is None else panel.rows[panel.rows["year"] <= until]
    fits = {}
    for k, name in enumerate(KINDS):
        part = rows[rows["kind"] == k]
        if len(part):
            fits[name] = fit_kind(part, name, covariates)
    info = {"rows": int(len(rows)), "until": until, "excluded": panel.excluded,
            "years": [int(rows["year"].min()), int(rows["year"].max())] if len(rows) else None}
    return HazardModel(tuple(covariates), fits, {**info, **(about or {})})
