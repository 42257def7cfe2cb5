"""The map of an organization at a date, and membership counted through time.

Country shapes are Natural Earth 1:110m (public domain), shipped with the
package as ``data/countries.json`` (outer rings keyed by ISO 3166 alpha-3; see
``data/README.md``), drawn as matplotlib polygons in a plain longitude–latitude
projection: no GIS library is needed. States are coloured by their status on
the day, in the palette of every other figure; a possible status is hatched, a
presumed one faded.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from functools import lru_cache
from importlib import resources
from typing import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon

from orgsim.engine.history import History, as_date
from orgsim.events.dates import HistDate

from .figures import PAD, add_legend, figure_width, line_height, wrap
from .style import (ALL_STATUS_COLORS, ANSWER_STYLE, ANSWER_WORDS, DEFAULT_SIZE, FONT, SIZES, STATUS_COLORS)
from .words import plain_date

LAND, COAST = "#EEEEEE", "#FFFFFF"


@lru_cache(maxsize=1)
def countries() -> dict[str, list[list[list[float]]]]:
    """ISO alpha-3 → outer rings of (longitude, latitude)."""
    text = resources.files("orgsim.reports").joinpath("data", "countries.json").read_text(encoding="utf-8")
    return json.loads(text)["countries"]


def statuses_on(history: History, date: HistDate) -> dict[str, tuple[str, str]]:
    """State id → (strongest status, answer) in the organization on the day."""
    state = history.at(date)
    order = list(ALL_STATUS_COLORS)
    rank = lambda st: order.index(st) if st in order else len(order)  # noqa: E731
    answers = _modalities(history, date)
    out: dict[str, tuple[str, str]] = {}
    for key, fact in state.facts.items():
        if key[0] == "member" and key[1] == history.org:
            status = str(fact.value)
            if key[2] not in out or rank(status) < rank(out[key[2]][0]):
                out[key[2]] = (status, answers.get(key[2], "certain"))
    return out


def _modalities(history: History, date: HistDate) -> dict[str, str]:
    from orgsim.engine.graph import state_graph

    g = state_graph(history.at(date))
    return {n: d.get("modality", "certain") for n, d in g.nodes(data=True)}


def ever_states(history: History) -> list[str]:
    """Every state that ever held a status in the organization."""
    return sorted({f.key[2] for f, *_ in history.index.intervals("member") if f.key[1] == history.org})


def extent(history: History) -> tuple[float, float, float, float]:
    """(lon0, lon1, lat0, lat1) around every state that ever held a status, with a margin; the world if none."""
    shapes = countries()
    pts = np.array([p for s in ever_states(history) for ring in shapes.get(s, []) for p in ring])
    if not len(pts):
        return -180, 180, -60, 85
    lon0, lat0 = pts.min(axis=0)
    lon1, lat1 = pts.max(axis=0)
    if lon1 - lon0 > 200:  # a state across the date line (Russia): keep the usual world frame
        lon0, lon1 = max(lon0, -20.0), 180.0
    mx, my = (lon1 - lon0) * 0.08 + 3, (lat1 - lat0) * 0.08 + 3
    return max(-180, lon0 - mx), min(180, lon1 + mx), max(-60, lat0 - my), min(85, lat1 + my)


def draw_map(ax, history: History, date: HistDate, frame: tuple[float, float, float, float]) -> dict[str, str]:
    """Draw the countries on ``ax``, coloured by status; returns the states drawn with their status."""
    shapes = countries()
    held = statuses_on(history, date)
    answers = _modalities(history, date)
    lon0, lon1, lat0, lat1 = frame
    for iso, rings in shapes.items():
        status = held.get(iso, (None, None))[0]
        colour = ALL_STATUS_COLORS.get(status, LAND) if status else LAND
        _line, _ea, alpha, hatch = ANSWER_STYLE.get(answers.get(iso, "certain"), ANSWER_STYLE["certain"])
        for i, ring in enumerate(rings):
            arr = np.asarray(ring)
            if arr[:, 0].max() < lon0 - 5 or arr[:, 0].min() > lon1 + 5:
                continue
            ax.add_patch(Polygon(arr, closed=True, facecolor=colour, edgecolor=COAST if not status else "#FFFFFF",
                                 linewidth=0.3, alpha=alpha if status else 1.0, hatch=hatch if status else None,
                                 gid=f"country:{iso}:{status or 'none'}" if i == 0 else None))
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1 / math.cos(math.radians((lat0 + lat1) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_color("#CCCCCC")
        s.set_linewidth(0.5)
    missing = [s for s in held if s not in shapes]
    return {s: v[0] for s, v in held.items() if s not in missing}


def map_figure(history: History, dates: Sequence[str | HistDate], size: str = DEFAULT_SIZE) -> Figure:
    """The organization's members by status on a date (or small multiples, one per date), on one map frame."""
    from .figures import grid_shape

    ds = [as_date(d) for d in dates]
    W, dpi = figure_width(size)
    frame = extent(history)
    lon0, lon1, lat0, lat1 = frame
    aspect = (lat1 - lat0) / ((lon1 - lon0) * math.cos(math.radians((lat0 + lat1) / 2)))
    nrows, ncols = grid_shape(len(ds), size)
    panel_w = (W - PAD * (ncols + 1)) / ncols
    map_h = min(panel_w * aspect, 6.5)
    name = (history.at(ds[-1]).organization() or {}).get("name") or history.org
    titles = [wrap(f"{name}, {plain_date(d)}", FONT["title"], panel_w, "bold") for d in ds]
    title_h = max(t.count("\n") + 1 for t in titles) * line_height(FONT["title"]) + PAD / 2
    present = sorted({st for d in ds for st, _m in statuses_on(history, d).values()},
                     key=lambda s: list(ALL_STATUS_COLORS).index(s) if s in ALL_STATUS_COLORS else 99)
    handles = [Patch(facecolor=ALL_STATUS_COLORS.get(s, LAND), label=s.replace("_", " ")) for s in present]
    handles.append(Patch(facecolor=LAND, label="no status"))
    handles.append(Patch(facecolor=STATUS_COLORS["member"], hatch="////", edgecolor="#FFFFFF",
                         label=ANSWER_WORDS["possible"]))
    handles.append(Patch(facecolor=STATUS_COLORS["member"], alpha=ANSWER_STYLE["presumed"][2],
                         label=ANSWER_WORDS["presumed"]))
    legend_h = add_legend(Figure(figsize=(W, 1)), handles, W)
    note = "Country shapes: Natural Earth 1:110m (public domain)."
    note_h = line_height(FONT["caption"])
    panel_h = title_h + map_h + PAD
    H = PAD + nrows * panel_h + legend_h + note_h + PAD
    if size == "slide":
        H = max(H, 7.5)
    fig = Figure(figsize=(W, H))
    fig.set_dpi(dpi)
    for i, (d, t) in enumerate(zip(ds, titles)):
        r, c = divmod(i, ncols)
        x0 = PAD + c * (panel_w + PAD)
        y_top = H - PAD - r * panel_h
        fig.text(x0 / W, y_top / H, t, ha="left", va="top", fontsize=FONT["title"], fontweight="bold", gid="title")
        ax = fig.add_axes((x0 / W, (y_top - title_h - map_h) / H, panel_w / W, map_h / H))
        ax.set_gid(f"map:{d.text}")
        draw_map(ax, history, d, frame)
    add_legend(fig, handles, W, bottom=PAD + note_h)
    fig.text(PAD / W, PAD / H, note, fontsize=FONT["caption"], color="#555555", va="bottom", gid="note")
    return fig


def counts_frame(history: History, step_days: int = 30):
    """Members counted by status on every ``step_days``-th day, from the first event to the last (a DataFrame)."""
    import pandas as pd

    spans = [(f.value, s, e) for f, s, e, *_ in history.index.intervals("member") if f.key[1] == history.org]
    first = min(e.date.key for e in history.log.events)
    last = max(e.date.upper or e.date.key for e in history.log.events)
    days = np.arange(first, last + 1, step_days)
    data = {}
    for status in ALL_STATUS_COLORS:
        if status == "not_in_system":  # a state that ceased to exist is no longer counted in any status
            continue
        rows = [(s, e) for v, s, e in spans if v == status]
        if rows:
            s, e = np.array(rows, dtype=np.int64).T
            data[status] = ((days[:, None] >= s[None, :]) & (days[:, None] < e[None, :])).sum(axis=1)
    index = [dt.date.fromordinal(int(d)) for d in days]
    return pd.DataFrame(data, index=index)


def counts_figure(history: History, size: str = DEFAULT_SIZE) -> Figure:
    """Membership by status through time as a stacked area, in the palette of every other figure."""
    W, dpi = figure_width(size)
    frame = counts_frame(history)
    H = 4.2 if size != "column" else 3.0
    if size == "slide":
        H = 7.5
    fig = Figure(figsize=(W, H))
    fig.set_dpi(dpi)
    handles = [Patch(facecolor=ALL_STATUS_COLORS[s], label=s.replace("_", " ")) for s in frame.columns]
    legend_h = add_legend(Figure(figsize=(W, 1)), handles, W)
    title_h = line_height(FONT["title"]) + PAD
    left, bottom = 0.45, PAD + legend_h + 0.25
    ax = fig.add_axes((left / W, bottom / H, (W - left - PAD - 0.05) / W, (H - bottom - title_h - PAD) / H))
    if len(frame.columns):
        ax.stackplot(frame.index, *[frame[c] for c in frame.columns],
                     colors=[ALL_STATUS_COLORS[c] for c in frame.columns], linewidth=0)
        for i, art in enumerate(ax.collections):
            art.set_gid(f"area:{frame.columns[i]}")
    ax.set_ylabel("states", fontsize=FONT["tick"])
    ax.tick_params(labelsize=FONT["tick"], length=2, pad=1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(frame.index[0], frame.index[-1])
    ax.set_ylim(bottom=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    name = (history.at(frame.index[-1].isoformat()).organization() or {}).get("name") or history.org
    fig.text(PAD / W, (H - PAD) / H, f"{name}: states by status through time", fontsize=FONT["title"],
             fontweight="bold", va="top", gid="title")
    add_legend(fig, handles, W)
    return fig
