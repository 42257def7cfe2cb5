"""The network through time as an animated GIF: one frame per change, or one per period."""

from __future__ import annotations

import datetime as dt
from typing import Callable

from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.figure import Figure

from orgsim.engine.graph import state_graph
from orgsim.engine.history import History
from orgsim.events.dates import HistDate, parse_date

from .figures import _legend, draw_network
from .layout import stable_layout


def _signature(history: History, d: HistDate) -> tuple:
    g = state_graph(history.at(d))
    return tuple(sorted(g.nodes)), tuple(sorted((a, b, t.get("status", "")) for a, b, t in g.edges(data=True)))


def frame_dates(history: History, per: str = "change") -> list[HistDate]:
    """Dates to draw: each date the network changes ('change'), or 1 January of each year ('year')."""
    if per == "year":
        keys = [e.date.key for e in history.log.events]
        years = range(dt.date.fromordinal(min(keys)).year, dt.date.fromordinal(max(keys)).year + 1)
        return [parse_date(f"{y}") for y in years]
    frames, last = [], None
    for d in history.key_dates():
        sig = _signature(history, d)
        if sig != last and sig[0]:
            frames.append(d)
            last = sig
    return frames


def animate(history: History, path: str, per: str = "change", fps: float = 1.0,
            progress: Callable[[int, int], None] | None = None) -> int:
    """Write the network's evolution as a GIF; returns the number of frames."""
    dates = frame_dates(history, per)
    layout = stable_layout(history, dates)
    fig = Figure(figsize=(11, max(3.5, layout.rows * 0.2 + 1.8)), layout="constrained")
    ax = fig.add_subplot()
    _legend(fig)
    fig.get_layout_engine().set(rect=(0, 0.04, 1, 0.96))

    def draw(i: int) -> list:
        ax.clear()
        draw_network(ax, history, dates[i], layout)
        return []

    anim = FuncAnimation(fig, draw, frames=len(dates), blit=False)
    anim.save(path, writer=PillowWriter(fps=fps), dpi=80, progress_callback=progress)
    return len(dates)
