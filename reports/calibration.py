"""The calibration figure of a backtest: forecast probability against the share of rows that changed.

Rows are grouped into bins of equal count by each model's forecast; a point is a bin's mean
forecast (x) and the share of its rows that changed (y), with a 95 % Wilson interval. A
calibrated model lies on the diagonal. Both axes are logarithmic, because changes of
membership are rare (a few in a thousand state-organization-years). Persistence forecasts 0
everywhere and has no point on a log axis; its row of the table says how it scored.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from .style import FONT, OKABE_ITO, SIZES

COLORS = {"fitted": OKABE_ITO["vermillion"],
          "no network": OKABE_ITO["sky_blue"], "constant rate": OKABE_ITO["orange"]}
MARKERS = {"fitted": "o", "no network": "s", "constant rate": "^"}


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The 95 % Wilson score interval of k changes in n rows.

    >>> [round(v, 4) for v in wilson(5, 100)]
    [0.0215, 0.1118]
    """
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def bins(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> list[tuple[float, float, float, float, int]]:
    """(mean forecast, observed share, low, high, rows) of each bin of equal count, by forecast."""
    order = np.argsort(p, kind="stable")
    out = []
    for part in np.array_split(order, n_bins):
        if len(part):
            k, n = int(y[part].sum()), len(part)
            lo, hi = wilson(k, n)
            out.append((float(p[part].mean()), k / n, lo, hi, n))
    return out


def calibration_figure(y: np.ndarray, forecasts: dict[str, np.ndarray], title: str, size: str = "column") -> Figure:
    """One panel: each model's bins against the diagonal, the legend below the axes."""
    width = SIZES[size][0]
    fig = Figure(figsize=(width, width * 0.95), layout="constrained")
    ax = fig.add_subplot()
    floor = 1e-5
    lo_all, hi_all = 1.0, floor
    for name, p in forecasts.items():
        if name not in COLORS or not np.any(p > 0):
            continue
        pts = [b for b in bins(y, p) if b[0] > 0]
        xs = np.array([b[0] for b in pts])
        ys = np.array([max(b[1], floor) for b in pts])
        err = np.array([[max(b[1] - b[2], 0) for b in pts], [b[3] - b[1] for b in pts]])
        ax.errorbar(xs, ys, yerr=err, fmt=MARKERS[name] + "-", color=COLORS[name], ms=3.5, lw=0.9,
                    elinewidth=0.6, capsize=1.5, label=name)
        lo_all, hi_all = min(lo_all, xs.min(), ys.min()), max(hi_all, xs.max(), (ys + err[1]).max())
    lim = (max(floor, lo_all / 2), min(1.0, hi_all * 2))
    ax.plot(lim, lim, color="#777777", lw=0.7, ls=(0, (3, 2)), label="perfect calibration")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lim)
    ax.set_ylim(lim)
    ax.set_xlabel("forecast probability of a change (bin mean)", fontsize=FONT["label"])
    ax.set_ylabel("share of rows that changed", fontsize=FONT["label"])
    ax.tick_params(labelsize=FONT["tick"])
    ax.set_title(title, fontsize=FONT["title"])
    fig.legend(loc="outside lower center", ncols=2, fontsize=FONT["legend"], frameon=False)
    return fig
