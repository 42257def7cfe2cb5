"""Figures: the network at one or several dates, and the membership timeline (a Gantt chart).

Every drawn node and label carries a ``gid`` (``node:ID``, ``label:ID``), so tests
(and SVG consumers) can check from the figure itself what was drawn.
"""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib

matplotlib.use("Agg")  # files only: no display is needed or wanted

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402

from orgsim.engine.graph import state_graph  # noqa: E402
from orgsim.engine.history import History, as_date  # noqa: E402
from orgsim.events.dates import HistDate  # noqa: E402

from .layout import LEFT_X, ORG_X, Layout, stable_layout  # noqa: E402
from .style import (EDGE_STYLE, NODE_STYLE, STATUS_COLORS, caption_events,  # noqa: E402
                    short_label)

LABEL_SIZE = 7


#: How each answer is drawn, the same in every figure: certain solid, possible dashed, presumed faded.
ANSWER_STYLE = {"certain": ("-", 0.7, 1.0), "possible": ((0, (3, 2)), 0.7, 0.55), "presumed": ("-", 0.3, 0.45)}


def _draw_edge(ax, a: tuple, b: tuple, etype: str, status: str, modality: str = "certain") -> None:
    color, rad, dashes = EDGE_STYLE.get(etype, ("#adb5bd", 0.0, "-"))
    if etype in ("member_of",):
        color = STATUS_COLORS.get(status, color)
    line, alpha, _node_alpha = ANSWER_STYLE.get(modality, ANSWER_STYLE["certain"])
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-", connectionstyle=f"arc3,rad={rad}", color=color,
                                 linestyle=line if modality != "certain" else dashes, linewidth=0.9, alpha=alpha,
                                 zorder=1, gid=f"edge:{modality}"))


def draw_network(ax, history: History, date: HistDate, layout: Layout, title: bool = True,
                 highlight: frozenset[str] = frozenset()) -> set[str]:
    """Draw the network at one date on ``ax`` in the stable layout; returns the nodes drawn.

    Nodes in ``highlight`` (say, what a counterfactual changed) get a red ring.
    """
    state = history.at(date)
    g = state_graph(state)
    org = history.org
    for a, b, data in g.edges(data=True):
        _draw_edge(ax, layout.pos[a], layout.pos[b], data["type"], data.get("status", ""),
                   data.get("modality", "certain"))
    for n, data in g.nodes(data=True):
        x, y = layout.pos[n]
        marker, size, color = NODE_STYLE[data["type"]]
        if data["type"] in ("state", "other"):
            statuses = [d.get("status") for _, _, d in g.out_edges(n, data=True)]
            best = next((s for s in STATUS_COLORS if s in statuses), None)
            color = STATUS_COLORS.get(best, color)
        modality = data.get("modality", "certain")
        ax.scatter([x], [y], s=size, marker=marker, c=color, edgecolors="#212529", linewidths=0.5, zorder=3,
                   alpha=ANSWER_STYLE[modality][2], linestyle="--" if modality == "possible" else "-",
                   gid=f"node:{n}")
        if n in highlight:
            ax.scatter([x], [y], s=size * 3.2, marker="o", facecolors="none", edgecolors="#e03131", linewidths=1.6,
                       zorder=2, gid=f"changed:{n}")
        if n == org:
            ax.text(x, y - 0.9, short_label(state, n), ha="center", va="top", fontsize=LABEL_SIZE + 2,
                    fontweight="bold", gid=f"label:{n}", zorder=4,
                    bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.5})
        elif x <= LEFT_X:
            ax.text(x - 0.15, y, short_label(state, n), ha="right", va="center", fontsize=LABEL_SIZE,
                    gid=f"label:{n}", zorder=4)
        else:
            ax.text(x + 0.15, y, short_label(state, n), ha="left", va="center", fontsize=LABEL_SIZE,
                    gid=f"label:{n}", zorder=4)
    ax.set_xlim(LEFT_X - 2.6, ORG_X + 6.8)
    ax.set_ylim(-1.6, layout.rows + 0.2)
    ax.axis("off")
    if title:
        info = state.organization()
        name = f"{info['name']} ({info['short']})" if info else org
        cov = history.coverage
        outside = "" if cov.inside(date.key) else f": outside the log's coverage ({cov.text}), not known"
        ax.set_title(f"{name} on {date.text} ({date.precision} precision){outside}", fontsize=10, loc="left")
        caption = caption_events(history, date)
        ax.text(LEFT_X - 2.5, -1.5, caption, fontsize=6.5, va="bottom", ha="left", wrap=True, color="#495057",
                gid="caption")
    return set(g.nodes)


def _legend(fig: Figure) -> None:
    handles = [Line2D([], [], marker="o", linestyle="", color=c, markeredgecolor="#212529", label=s)
               for s, c in STATUS_COLORS.items()]
    handles += [Line2D([], [], marker=m, linestyle="", color=c, markeredgecolor="#212529", label=t)
                for t, (m, _, c) in NODE_STYLE.items() if t != "state"]
    handles += [Line2D([], [], color=c, linestyle=ls, label=t.replace("_", " "))
                for t, (c, _, ls) in EDGE_STYLE.items()]
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 8), fontsize=7, frameon=False)


def network_figure(history: History, dates: Sequence[str | HistDate]) -> Figure:
    """The network at one date, or small multiples at several, in one stable layout."""
    ds = [as_date(d) for d in dates]
    layout = stable_layout(history, ds)
    ncols = 1 if len(ds) == 1 else 2
    nrows = math.ceil(len(ds) / ncols)
    panel_h = max(3.5, layout.rows * 0.2 + 1.8)
    fig = Figure(figsize=(11 * ncols, panel_h * nrows + 0.8), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, d in zip(axes, ds):
        draw_network(ax, history, d, layout)
    for ax in axes[len(ds):]:
        ax.axis("off")
    _legend(fig)
    fig.get_layout_engine().set(rect=(0, 0.04, 1, 0.96))
    return fig


def _node_statuses(history: History, date: HistDate) -> dict[str, tuple]:
    g = state_graph(history.at(date))
    return {n: tuple(sorted(d.get("status", "") for _, _, d in g.out_edges(n, data=True))) for n in g}


def comparison_figure(baseline: History, branch: History, date: str | HistDate,
                      titles: tuple[str, str] = ("baseline", "branch")) -> Figure:
    """Baseline and branch side by side at one date, in one layout, with every difference ringed in red."""
    d = as_date(date)
    layout = stable_layout(branch, [d])
    base_layout = stable_layout(baseline, [d])
    pos = {**base_layout.pos, **layout.pos}
    layout = Layout(pos, {**base_layout.types, **layout.types}, max(layout.rows, base_layout.rows))
    a, b = _node_statuses(baseline, d), _node_statuses(branch, d)
    changed = frozenset(n for n in set(a) | set(b) if a.get(n) != b.get(n))
    fig = Figure(figsize=(22, max(3.5, layout.rows * 0.2 + 1.8) + 0.8), layout="constrained")
    for ax, history, label in zip(fig.subplots(1, 2), (baseline, branch), titles):
        draw_network(ax, history, d, layout, highlight=changed)
        ax.set_title(f"{label}: {ax.get_title(loc='left')}", fontsize=10, loc="left")
    _legend(fig)
    fig.get_layout_engine().set(rect=(0, 0.04, 1, 0.96))
    return fig


def save(fig: Figure, path: str) -> None:
    """Save a figure; the format follows the file's extension (png, svg, pdf)."""
    fig.savefig(path, dpi=150)


from .timeline import timeline_figure  # noqa: E402,F401  (re-exported: figures are looked up here)
