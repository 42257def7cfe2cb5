"""Two stochastic scenarios side by side: where their distributions differ, date by date and state by state.

Both ensembles run with the same seed and number of runs, so a difference comes from the
scenarios (their rates or hazards, their interventions), not from different luck: draws are
named by what they decide (``streams.py``), and a state-year draw is the same number in both.
"""

from __future__ import annotations

from typing import Any

from .ensemble import Ensemble
from .plan import iso


def compare_ensembles(a: Ensemble, b: Ensemble) -> dict[str, Any]:
    """Member counts per date and each state's probability of membership at the horizon, in both."""
    ma, mb = a.members_frame(), b.members_frame()
    dates = [d for d in ma.index if d in mb.index]
    members = [{"date": f"{d:%Y-%m-%d}", "mean_a": float(ma.loc[d, "mean"]), "mean_b": float(mb.loc[d, "mean"]),
                "p05_a": float(ma.loc[d, "p05"]), "p95_a": float(ma.loc[d, "p95"]),
                "p05_b": float(mb.loc[d, "p05"]), "p95_b": float(mb.loc[d, "p95"]),
                "difference": float(mb.loc[d, "mean"] - ma.loc[d, "mean"])} for d in dates]
    pa, pb = a.membership_frame(), b.membership_frame()
    last_a, last_b = pa.iloc[-1], pb.iloc[-1]
    states = sorted(set(pa.columns) | set(pb.columns))
    horizon = [{"state": s, "a": _get(last_a, s), "b": _get(last_b, s)} for s in states]
    for row in horizon:
        row["difference"] = None if row["a"] is None or row["b"] is None else row["b"] - row["a"]
    return {"a": {"scenario": a.plan.name, "file": a.plan.path, "horizon": iso(a.plan.until)},
            "b": {"scenario": b.plan.name, "file": b.plan.path, "horizon": iso(b.plan.until)},
            "runs": a.runs, "seed": a.seed, "members": members,
            "membership_at_horizon": sorted(horizon, key=lambda r: -abs(r["difference"] or 0))}


def _get(row: Any, state: str) -> float | None:
    return float(row[state]) if state in row.index else None
