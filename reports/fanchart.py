"""The fan chart of an ensemble: how many members, year by year, with the runs' spread as bands."""

from __future__ import annotations

import datetime as _dt
from typing import Sequence

import matplotlib

matplotlib.use("Agg")  # files only: no display is needed or wanted

from matplotlib.figure import Figure  # noqa: E402

from .style import FONT, STATUS_COLORS  # noqa: E402

BAND_COLOR = STATUS_COLORS["member"]


def _day(value: "str | _dt.date") -> _dt.date:
    # An ensemble's frames are indexed by Timestamps (a datetime); the baseline record gives ISO text.
    if isinstance(value, _dt.datetime):
        return value.date()
    return value if isinstance(value, _dt.date) else _dt.date.fromisoformat(value)


def fan_chart(members, title: str, observed: Sequence[tuple[str, int]] = (), runs: int | None = None,
              note: str = "") -> Figure:
    """A Figure: the median member count, 25–75 and 5–95 percentile bands, and the record before the fork.

    ``members`` is ``Ensemble.members_frame()`` (index: dates; columns p05, p25, p50, p75, p95, mean);
    ``observed`` is (date, states party) from the baseline log, drawn as a step line up to the fork;
    ``note`` (the log's and branch's hashes, the seed) is printed small under the legend.
    The legend has a band of its own under the chart, so no line of the chart runs through it.
    """
    fig = Figure(figsize=(8, 4.6), layout="constrained")
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
                linewidth=1.5, label="record: members and signatories (baseline log)", gid="line:observed")
    ax.axvline(x[0], color="#868e96", linewidth=0.8, linestyle=":", gid="line:fork")
    ax.set_ylabel("states (runs: members)", fontsize=FONT["label"] + 1)
    ax.set_ylim(bottom=0)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(labelsize=FONT["tick"] + 1)
    suffix = f" ({runs} runs)" if runs else ""
    ax.set_title(f"{title}{suffix}", loc="left", fontsize=10)
    ax.grid(axis="y", color="#e9ecef")
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower left", ncol=3, fontsize=8, frameon=False).set_gid("legend")
    if note:
        # Under the legend, in its own line: constrained layout stacks outside legends above the supxlabel.
        fig.supxlabel(note, fontsize=FONT["caption"], color="#868e96", x=0.99, ha="right")
    return fig
