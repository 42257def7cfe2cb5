"""Backtests: fit hazards on the years up to a cut, predict every year after it, score against what happened.

Every forecast is scored the same way, beside the baselines measured in the same run:

- ``fitted``: the logit hazards with every covariate (``hazard_fit.py``);
- ``no network``: the same logits without the network covariates;
- ``constant rate``: what ``future-2030`` uses today, one rate per organization: its
  accessions (and readmissions) per non-member-year and its exits per member-year in the
  training years (an organization with no training rows gets the rate of all of them);
- ``persistence``: nothing changes (probability 0 of any change).

Scores (lower is better except AUC): log-loss, the Brier score with Murphy's decomposition
(reliability - resolution + uncertainty, over ten bins of the forecast), and the AUC (the
chance a row that changed was given a higher probability than one that did not; 0.5 is
no skill). Every probability is clipped to ``[EPS, 1 - EPS]`` before the log-loss, for
every forecaster alike, so a forecast of 0 for a change that happened costs
``-log(EPS)`` (13.8) instead of infinity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .hazard_fit import HazardModel, fit
from .hazard_panel import BASIC, COVARIATES, KINDS, Panel

EPS = 1e-6
BINS = 10
MODELS = ("fitted", "no network", "constant rate", "persistence")


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    """Mean negative log-likelihood of the outcomes under the forecasts (clipped to [EPS, 1-EPS]).

    >>> round(log_loss(np.array([1, 0]), np.array([0.5, 0.5])), 4)
    0.6931
    """
    q = np.clip(p, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


def brier(y: np.ndarray, p: np.ndarray, bins: int = BINS) -> dict[str, float]:
    """The Brier score and Murphy's decomposition over quantile bins of the forecast.

    >>> d = brier(np.array([0, 0, 1, 1]), np.array([0.0, 0.0, 1.0, 1.0]))
    >>> d["brier"], d["reliability"], d["resolution"], d["uncertainty"]
    (0.0, 0.0, 0.25, 0.25)
    """
    base = float(y.mean()) if len(y) else 0.0
    edges = np.unique(np.quantile(p, np.linspace(0, 1, bins + 1))) if len(p) else np.array([0.0])
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, max(len(edges) - 2, 0))
    rel = res = 0.0
    for b in np.unique(which):
        sel = which == b
        w = sel.mean()
        rel += w * (p[sel].mean() - y[sel].mean()) ** 2
        res += w * (y[sel].mean() - base) ** 2
    return {"brier": float(np.mean((p - y) ** 2)), "reliability": float(rel), "resolution": float(res),
            "uncertainty": base * (1 - base)}


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """The area under the ROC curve (Mann–Whitney, ties counted half); NaN with one class only.

    >>> auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    from scipy.stats import rankdata

    pos = int(y.sum())
    neg = len(y) - pos
    if not pos or not neg:
        return float("nan")
    ranks = rankdata(p)
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def scores(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Every score of one set of forecasts."""
    return {"rows": int(len(y)), "changes": int(y.sum()), "log_loss": log_loss(y, p), **brier(y, p),
            "auc": auc(y, p)}


def constant_rates(train: pd.DataFrame) -> dict[tuple[int, str], float]:
    """Each organization's rate of joining (accession or readmission) and of exit in the training rows."""
    side = np.where(train["kind"].to_numpy() == KINDS.index("exit"), "exit", "join")
    frame = pd.DataFrame({"org": train["org"].to_numpy(), "side": side, "y": train["outcome"].to_numpy()})
    means = frame.groupby(["org", "side"])["y"].mean()
    overall = frame.groupby("side")["y"].mean()
    out = {(int(o), s): float(v) for (o, s), v in means.items()}
    out |= {(-1, s): float(v) for s, v in overall.items()}
    return out


def constant_forecast(rates: dict[tuple[int, str], float], rows: pd.DataFrame) -> np.ndarray:
    """The constant-rate forecast of each row (the organization's rate, else the overall one)."""
    side = np.where(rows["kind"].to_numpy() == KINDS.index("exit"), "exit", "join")
    return np.array([rates.get((int(o), s), rates.get((-1, s), 0.0)) for o, s in zip(rows["org"].to_numpy(), side)])


@dataclass
class Backtest:
    """One cut: the models fitted, each row's forecasts, and the scores."""

    fit_until: int
    predict: tuple[int, int]
    test: pd.DataFrame  # the predicted rows with one column of forecasts per model
    models: dict[str, HazardModel]
    excluded: dict[str, int] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """Scores of every model, for all rows and for each kind of change."""
        y = self.test["outcome"].to_numpy()
        out = []
        for group, sel in [("all", np.ones(len(y), bool)),
                           *((k, self.test["kind"].to_numpy() == i) for i, k in enumerate(KINDS))]:
            for m in MODELS:
                out.append({"cut": self.fit_until, "rows_of": group, "model": m,
                            **scores(y[sel], self.test[m].to_numpy()[sel])})
        return pd.DataFrame(out)


def run_backtest(panel: Panel, fit_until: int, predict: tuple[int, int]) -> Backtest:
    """Fit on outcome years up to the cut, forecast the outcome years in ``predict``, for every model."""
    rows = panel.rows
    train = rows[rows["year"] <= fit_until]
    test = rows[(rows["year"] >= predict[0]) & (rows["year"] <= predict[1])].copy()
    if not len(train) or not len(test):
        raise ValueError(f"no rows to {'fit' if not len(train) else 'predict'}: the data's outcome years are "
                         f"{int(rows['year'].min())}-{int(rows['year'].max())}" if len(rows) else "no rows at risk")
    fitted = fit(panel, COVARIATES, until=fit_until)
    basic = fit(panel, BASIC, until=fit_until)
    test["fitted"] = fitted.predict(test)
    test["no network"] = basic.predict(test)
    test["constant rate"] = constant_forecast(constant_rates(train), test)
    test["persistence"] = 0.0
    return Backtest(fit_until, predict, test, {"fitted": fitted, "no network": basic}, dict(panel.excluded))


def decade_cuts(panel: Panel, fit_until: int, min_changes: int = 30) -> list[int]:
    """Cuts every ten years before ``fit_until``, back to the first with ``min_changes`` of each kind to learn from."""
    rows = panel.rows
    cuts = []
    c = fit_until - 10
    while True:
        counts = rows[rows["year"] <= c].groupby("kind")["outcome"].sum()
        if len(counts) < len(KINDS) or counts.min() < min_changes:
            break
        cuts.append(c)
        c -= 10
    return sorted(cuts)


def rolling(panel: Panel, cuts: list[int], horizon: int = 10) -> pd.DataFrame:
    """Rolling origin: one backtest per cut, each predicting the ``horizon`` years after it; the tables stacked."""
    last = int(panel.rows["year"].max())
    tables = [run_backtest(panel, c, (c + 1, min(c + horizon, last))).table() for c in cuts if c < last]
    return pd.concat(tables, ignore_index=True)


def about_scores(table: pd.DataFrame) -> dict[str, Any]:
    """Whether the fitted model beats each baseline out of sample on log-loss (all rows), in words and numbers."""
    rows = table[table["rows_of"] == "all"].set_index("model")["log_loss"]
    return {m: {"log_loss": float(rows[m]), "fitted_better": bool(rows["fitted"] < rows[m])}
            for m in MODELS if m != "fitted" and m in rows}
