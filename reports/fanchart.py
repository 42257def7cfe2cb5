"""The fan chart of an ensemble: how many members, year by year, with the runs' spread as bands."""

from __future__ import annotations

import datetime as _dt
from typing import Sequence

import matplotlib

matplotlib.use("Agg")  # files only: no display is needed or wanted

from matplotlib.figure import Figure  # noqa: E402

from .style import STATUS_COLORS  # noqa: E402

BAND_COLOR = STATUS_COLORS["member"]


def _day(value: "str | _dt.date") -> _dt.date:
    # An ensemble's frames are indexed by Timestamps (a datetime); the baseline record gives ISO text.
    if isinstance(value, _dt.datetime):
        return value.date()
    return value if isinstance(value, _dt.date) else _dt.date.fromisoformat(value)


def fan_chart(members, title: str, observed: Sequence[tuple[str, int]] = (), runs: int | None = None) -> Figure:
    """A Figure: the median member count, 25–75 and 5–95 percentile bands, and the record before the fork.

    ``members`` is ``Ensemble.members_frame()`` (index: dates; columns p05, p25, p50, p75, p95, mean);
    ``observed`` is (date, members) from the baseline log, drawn as a step line up to the fork.
    """
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.add_subplot()
    x = [_day(d) for d in members.index]
    ax.fill_between(x, members["p05"], members["p95"], color=BAND_COLOR, alpha=0.18, linewidth=0,
                    label="5–95% of runs", gid="band:05-95")
    ax.fill_between(x, members["p25"], members["p75"], color=BAND_COLOR, alpha=0.35, linewidth=0,
                    label="25–75% of runs", gid="band:25-75")
    ax.plot(x, members["p50"], color=BAND_COLOR, linewidth=2, label="median", gid="line:median")
    ax.plot(x, members["mean"], color="#212529", linewidth=1, linestyle="--", label="mean", gid="line:mean")
    if observed:
        ax.step([_day(d) for d, _ in observed], [n for _, n in observed], where="post", color="#495057",
                linewidth=1.5, label="record (baseline log)", gid="line:observed")
    ax.axvline(x[0], color="#868e96", linewidth=0.8, linestyle=":", gid="line:fork")
    ax.set_ylabel("member states")
    ax.set_ylim(bottom=0)
    ax.yaxis.get_major_locator().set_params(integer=True)
    suffix = f" ({runs} runs)" if runs else ""
    ax.set_title(f"{title}{suffix}", loc="left", fontsize=10)
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    ax.grid(axis="y", color="#e9ecef")
    return fig
