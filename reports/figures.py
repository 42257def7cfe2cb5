"""Figures: the network at one or several dates, and the text and legend helpers every figure shares (timeline.py and geo.py draw with them).

Every drawn node and label carries a ``gid`` (``node:ID``, ``label:ID``), so tests
(and SVG consumers) can check from the figure itself what was drawn.

Figures are laid out in inches, not left to chance: each panel has its own
space for its title, its network and its caption, and the legend has a band
of its own under the panels, so no text can sit on another. Text is measured
with the renderer before it is placed, and sizes are in points at the printed
width of the chosen preset (``--size column|page|slide``), never below 7 pt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

import matplotlib

matplotlib.use("Agg")  # files only: no display is needed or wanted

from matplotlib.backends.backend_agg import RendererAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Patch  # noqa: E402

from orgsim.engine.graph import state_graph  # noqa: E402
from orgsim.engine.history import History, as_date  # noqa: E402
from orgsim.events.dates import HistDate, ordinal_to_iso  # noqa: E402

from .layout import Layout, stable_layout  # noqa: E402
from .regions import REGION_ORDER, region_of  # noqa: E402
from .style import (ANSWER_STYLE, ANSWER_WORDS, DEFAULT_SIZE, EDGE_STYLE, FONT, GREY,  # noqa: E402,F401
                    NODE_STYLE, SIZES, SLIDE_HEIGHT, STATUS_COLORS, caption_events, short_label)
from .words import plain_date  # noqa: E402

LABEL_SIZE = FONT["label"]
#: Past this many states the network draws them as tiles grouped by status, not one row each.
GROUP_AT = 40
ROW_H = 0.15  # inches per row of the network at 7 pt
ROW_H_COMPACT = 0.118  # at a column's width: ids only, rows as tight as 7 pt allows
PAD = 0.08  # inches of air around each block
REGION_GAP = 0.3  # rows of air between two regions' tiles

_RENDERER = RendererAgg(10, 10, 72)  # measures text in points


def text_width(text: str, size: float, weight: str = "normal") -> float:
    """The width of one line of text in inches, as the renderer draws it."""
    w, _h, _d = _RENDERER.get_text_width_height_descent(text, FontProperties(size=size, weight=weight), ismath=False)
    return w / 72


def line_height(size: float) -> float:
    """The height of one line of text in inches (with matplotlib's line spacing)."""
    return size * 1.25 / 72


def wrap(text: str, size: float, width: float, weight: str = "normal") -> str:
    """Text broken into lines that each fit ``width`` inches (with a margin for the renderer's hinting)."""
    width *= 0.94
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and text_width(trial, size, weight) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    return "\n".join(lines)


def fit(text: str, size: float, width: float) -> str:
    """Text cut with an ellipsis to fit ``width`` inches (left whole if it fits)."""
    width *= 0.94
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap_within(text: str, size: float, width: float, most: int = 1) -> str | None:
    """Text in at most ``most`` lines of ``width`` inches, broken at spaces, else after '.', '-' or '/'; None if not.

    Never cuts a word: a label that does not fit is the caller's to replace (by its id, its short name).
    """
    width *= 0.94
    pieces = [p for p in re.split(r"(?<= )|(?<=[./-])(?=[^ ])", text) if p]
    lines, line = [], ""
    for piece in pieces:
        trial = line + piece
        if line and text_width(trial.rstrip(), size) > width:
            lines.append(line.rstrip())
            line = piece
        else:
            line = trial
    lines.append(line.rstrip())
    if len(lines) > most or any(text_width(x, size) > width for x in lines):
        return None
    return "\n".join(lines)


def folded(layout: Layout, org: str) -> dict[str, str]:
    """Each sub-body (part of a body, not of the organization) and the top body it folds into at a column's width."""
    out = {}
    for n, kind in layout.types.items():
        if kind not in ("body", "force", "other"):
            continue
        top, p, seen = None, layout.parents.get(n), {n}
        while p and p != org and p in layout.types and p not in seen:
            top, seen = p, seen | {p}
            p = layout.parents.get(p)
        if top is not None:
            out[n] = top
    return out


def stack_y(units: list[int], rows: float, top: float, row_h: float) -> list[float]:
    """Centres of items taking ``units`` rows each, spread evenly from ``top`` over ``rows`` rows."""
    if not units:
        return []
    gap = (rows - sum(units)) / (len(units) - 1) if len(units) > 1 else 0.0
    ys, cum = [], 0.0
    for u in units:
        ys.append(top - (cum + (u - 1) / 2) * row_h)
        cum += u + gap
    return ys


def figure_width(size: str) -> tuple[float, int]:
    """Width in inches and resolution of a preset."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    return SIZES[size]


@dataclass
class Panel:
    """One network panel: what to draw and its title."""

    history: History
    date: HistDate
    since: HistDate | None
    title: str
    first: bool = False
    highlight: frozenset[str] = frozenset()


def _title(history: History, date: HistDate, prefix: str = "") -> str:
    state = history.at(date)
    info = state.organization()
    name = f"{info['name']} ({info['short']})" if info else state.name_of(history.org)
    cov = history.coverage
    outside = "" if cov.inside(date.key) else f": outside the log's coverage ({coverage_words(cov)}), not known"
    return f"{prefix}{name}, {plain_date(date)}{outside}"


def coverage_words(cov) -> str:
    """The log's coverage in plain words ('12 May 1990 to 31 December 2012')."""
    from orgsim.events.dates import ordinal_to_iso

    try:
        return f"{plain_date(ordinal_to_iso(cov.start))} to {plain_date(ordinal_to_iso(cov.end))}"
    except Exception:  # an open or unusual coverage: its own words
        return cov.text


def _states_and_right(layout: Layout) -> tuple[list[str], list[str]]:
    left = sorted((n for n, t in layout.types.items() if t in ("state", "other")), key=lambda n: -layout.pos[n][1])
    right = sorted((n for n, t in layout.types.items() if t in ("body", "force")), key=lambda n: -layout.pos[n][1])
    return left, right


class NetworkGeometry:
    """Where things go in one panel, in inches from the panel's bottom left corner."""

    def __init__(self, layout: Layout, width: float, compact: bool, history: History,
                 dates: Sequence[HistDate] = ()):
        self.layout, self.width, self.compact = layout, width, compact
        self.left, self.right = _states_and_right(layout)
        self.grouped = len(self.left) > GROUP_AT
        # At a column's width a sub-body folds into its top body ("CC-DRUGS +3"): the panel keeps a row per
        # state and per top body, short enough for three panels on one printed page.
        self.fold = folded(layout, history.org) if compact and not self.grouped else {}
        self.left = [n for n in self.left if n not in self.fold]
        self.right = [n for n in self.right if n not in self.fold]
        self.row_h = ROW_H_COMPACT if compact else ROW_H
        probe = history.at(history.key_dates()[-1]) if history.key_dates() else history.at("2000")
        self.state_label_w = min(max([text_width(short_label(probe, n, True), LABEL_SIZE) for n in self.left] + [0.2]),
                                 1.2)
        #: Rows each node's label may take: a long name wraps onto up to three where the panel is wide.
        self.lines = {n: 1 for n in self.left + self.right}
        self.org_x = width * 0.46
        self.left_w = self.state_label_w
        self.right_cols, self.col_starts = 1, [0.0]
        if self.grouped:
            self.tile_w = self.state_label_w + 0.16
            self.region_w = max(text_width(f"{r} (000)", LABEL_SIZE) for r in REGION_ORDER) + 0.12
            # With no bodies or forces to the right, the tiles take the room the organization does not need.
            self.tile_share = 0.62 if self.right else 0.86
            self.tile_cols = max(1, int((width * self.tile_share - self.region_w) // self.tile_w))
            # Every panel (and every frame of an animation) has one height: the most rows any day needs, found
            # on the key dates, the day each key date's uncertainty ends, and the dates drawn.
            days = {d.key: d for d in history.key_dates()}
            days |= {d.upper: as_date(ordinal_to_iso(d.upper)) for d in list(days.values()) if d.upper}
            days |= {d.key: d for d in dates}
            tile_rows = max([self.tile_rows(tile_groups(state_graph(history.at(d)), self.left))
                             for d in days.values()] + [1])
            rows = max(math.ceil(tile_rows), len(self.right) + 3)
            self.org_x = width * (self.tile_share + 0.04)
        elif not compact:
            self.left_w = min(max([text_width(short_label(probe, n), LABEL_SIZE) for n in self.left] + [0.2]),
                              max(0.4, self.org_x - 0.5) * 0.75)
            for n in self.left:
                self.lines[n] = self._lines(short_label(probe, n), self.left_w)
            for n in self.right:
                self.lines[n] = self._lines(short_label(probe, n), self.right_room(n))
            rows = max(sum(self.lines[n] for n in self.left), sum(self.lines[n] for n in self.right), 3)
        else:
            rows = self._compact_columns(probe)
        self.right_x = self.org_x + 0.35
        if compact and not self.grouped:
            self.right_x = self.org_x + 0.3
        self.rows = rows
        self.height = rows * self.row_h + 0.12

    def _compact_columns(self, probe) -> int:
        """Ids only, at a column's width: bodies in two columns where they fit (the panel stays short), a long
        state id on two lines; the slack goes either side of the organization. Returns the rows needed."""
        folds = {t: sum(1 for v in self.fold.values() if v == t) for t in set(self.fold.values())}
        rw = {n: text_width(short_label(probe, n, True) + (f" +{folds[n]}" if n in folds else ""), LABEL_SIZE) / 0.94
              for n in self.right}
        half = math.ceil(len(self.right) / 2)

        def block(cols: int) -> list[float]:  # label widths of the right columns
            parts = [self.right[:half], self.right[half:]] if cols == 2 else [self.right]
            return [max([rw[n] for n in part] + [0.2]) for part in parts]

        widest_left = max([text_width(short_label(probe, n, True), LABEL_SIZE) / 0.94 for n in self.left] + [0.2])

        def need(cols: int, left_w: float) -> float:
            return left_w + 0.4 + 0.3 + sum(w + 0.2 for w in block(cols)) - 0.2 + 0.07 + 0.1

        self.right_cols = 2 if len(self.right) > len(self.left) and need(2, min(widest_left, 0.5)) <= self.width \
            else 1
        self.state_label_w = max(min(widest_left, self.width - need(self.right_cols, 0.0)), 0.3)
        for n in self.left:
            self.lines[n] = self._lines(short_label(probe, n, True), self.state_label_w)
        slack = max(0.0, self.width - need(self.right_cols, self.state_label_w))
        self.org_x = self.state_label_w + 0.4 + slack / 2
        self.col_starts = [0.0] + ([block(2)[0] + 0.2] if self.right_cols == 2 else [])
        right_rows = half if self.right_cols == 2 else len(self.right)
        return max(sum(self.lines[n] for n in self.left), right_rows, 3)


    def indent(self, n: str) -> float:
        """How far a body stands right of its column, by its depth in the tree (none at a column's width)."""
        if self.compact or not self.right:
            return 0.0
        return (self.layout.pos[n][0] - min(self.layout.pos[m][0] for m in self.right)) / 0.45 * 0.12

    def right_room(self, n: str) -> float:
        """Inches a right-column label has, from its node to the panel's edge."""
        return self.width - (self.org_x + 0.35 + self.indent(n)) - 0.07 - 0.1

    @staticmethod
    def _lines(text: str, width: float) -> int:
        for most in (1, 2, 3):
            if wrap_within(text, LABEL_SIZE, width, most) is not None:
                return most
        return 1  # drawn as its id alone

    def tile_rows(self, groups: list[tuple[str, list[tuple[str, list[str]]]]]) -> float:
        """Rows the tiles take: a heading per status, a row per full line of tiles per region, half a row between."""
        return sum(1 + sum(math.ceil(len(nodes) / self.tile_cols) + REGION_GAP for _r, nodes in regions) + 0.5
                   for _s, regions in groups)


def tile_groups(g, nodes: list[str]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """The drawn states grouped by their strongest status, then by M49 region, each sorted by id."""
    out = []
    by_status: dict[str, dict[str, list[str]]] = {}
    for n in nodes:
        if n in g:
            statuses = [d.get("status") for _, _, d in g.out_edges(n, data=True)]
            best = next((s for s in STATUS_COLORS if s in statuses), "unknown")
            by_status.setdefault(best, {}).setdefault(region_of(n), []).append(n)
    for status in STATUS_COLORS:
        if status in by_status:
            regions = by_status[status]
            out.append((status, [(r, sorted(regions[r])) for r in REGION_ORDER if r in regions]))
    return out


def _node_color(g, n: str, data: dict) -> str:
    marker, _size, color = NODE_STYLE.get(data["type"], NODE_STYLE["other"])
    if data["type"] in ("state", "other"):
        statuses = [d.get("status") for _, _, d in g.out_edges(n, data=True)]
        best = next((s for s in STATUS_COLORS if s in statuses), None)
        color = STATUS_COLORS.get(best, color)
    return color


def _scatter(ax, x, y, n, data, color, highlight):
    marker, size, _c = NODE_STYLE.get(data["type"], NODE_STYLE["other"])
    modality = data.get("modality", "certain")
    _line, _ea, alpha, hatch = ANSWER_STYLE.get(modality, ANSWER_STYLE["certain"])
    art = ax.scatter([x], [y], s=size, marker=marker, c=color, edgecolors="#000000", linewidths=0.5, zorder=3,
                     alpha=alpha, gid=f"node:{n}")
    if hatch:
        art.set_hatch("//////")
        art.set_linestyle("--")
    if n in highlight:
        ax.scatter([x], [y], s=size * 3.2, marker="o", facecolors="none", edgecolors="#D55E00", linewidths=1.4,
                   zorder=2, gid=f"changed:{n}")


def _edge(ax, a, b, etype: str, status: str, modality: str) -> None:
    color, rad, dashes = EDGE_STYLE.get(etype, (GREY, 0.0, "-"))
    if etype in ("member_of", "observer_of", "partner_of"):
        color = STATUS_COLORS.get(status, color)
    line, alpha, _fa, _h = ANSWER_STYLE.get(modality, ANSWER_STYLE["certain"])
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-", connectionstyle=f"arc3,rad={rad}", color=color,
                                 linestyle=line if modality != "certain" else dashes, linewidth=0.8, alpha=alpha,
                                 zorder=1, gid=f"edge:{modality}"))


def node_label(state, n: str, geo: NetworkGeometry, width: float, hidden: int = 0) -> str:
    """A node's label in its rows: the name wrapped (never cut); if it cannot fit, the id, the log's short name."""
    more = f" +{hidden}" if hidden else ""
    if not geo.compact:
        text = wrap_within(short_label(state, n) + more, LABEL_SIZE, width, geo.lines.get(n, 1))
        if text is not None:
            return text
    ident = short_label(state, n, True) + more
    return wrap_within(ident, LABEL_SIZE, width, geo.lines.get(n, 1) if geo.compact else 1) or ident


def draw_network(ax, history: History, date: HistDate, geo: NetworkGeometry,
                 highlight: frozenset[str] = frozenset()) -> set[str]:
    """Draw the network at one date on ``ax`` (whose data units are inches); returns the nodes drawn."""
    state = history.at(date)
    g = state_graph(state)
    org = history.org
    W, H = geo.width, geo.height
    top = H - geo.row_h / 2
    org_x, right_x = geo.org_x, geo.right_x
    pos: dict[str, tuple[float, float]] = {}
    # The right column: bodies and forces, indented by depth, in the stable layout's order; a long name takes
    # the rows its wrapped lines need.
    per_col = math.ceil(len(geo.right) / geo.right_cols)
    col_x = [right_x + c for c in geo.col_starts] + [W]
    for c in range(geo.right_cols):
        col = geo.right[c * per_col:(c + 1) * per_col]
        ys = stack_y([geo.lines[n] for n in col], geo.rows, top, geo.row_h) if len(geo.right) > 1 else [H / 2]
        for n, y in zip(col, ys):
            pos[n] = (col_x[c] + geo.indent(n), y)
    room_right = {n: col_x[i // per_col + 1] - pos[n][0] - 0.12 for i, n in enumerate(geo.right)}
    pos[org] = (org_x, H / 2 + 0.1)
    hidden: dict[str, int] = {}
    for n in g:
        if n in geo.fold and geo.fold[n] in g:
            hidden[geo.fold[n]] = hidden.get(geo.fold[n], 0) + 1
    texts = []
    if geo.grouped:  # a heading per status; under it a row of tiles per region, the region named on the left
        y = top
        for status, regions in tile_groups(g, geo.left):
            count = sum(len(nodes) for _r, nodes in regions)
            ax.text(0.02, y, f"{status.replace('_', ' ')} ({count})", fontsize=LABEL_SIZE, fontweight="bold",
                    va="center", ha="left", gid=f"group:{status}")
            y -= geo.row_h
            for region, nodes in regions:
                ax.text(0.08, y, f"{region} ({len(nodes)})", fontsize=LABEL_SIZE, va="center", ha="left",
                        color="#333333", gid=f"region:{status}:{region}")
                for i, n in enumerate(nodes):
                    col, row = i % geo.tile_cols, i // geo.tile_cols
                    pos[n] = (0.08 + geo.region_w + col * geo.tile_w, y - row * geo.row_h)
                y -= (math.ceil(len(nodes) / geo.tile_cols) + REGION_GAP) * geo.row_h
            y -= geo.row_h * 0.5
    else:
        ys = stack_y([geo.lines[n] for n in geo.left], geo.rows, top, geo.row_h) if len(geo.left) > 1 else [H / 2]
        x = geo.state_label_w + 0.12 if geo.compact else geo.left_w + 0.1
        for n, y in zip(geo.left, ys):
            pos[n] = (x, y)
    drawn_edges = set()
    for a, b, data in g.edges(data=True):
        if geo.grouped and geo.layout.types.get(a) in ("state", "other"):
            continue  # tiles carry their status in their colour
        a, b = geo.fold.get(a, a), geo.fold.get(b, b)  # a folded sub-body's ties are its top body's
        if a == b or (a, b, data["type"]) in drawn_edges:
            continue
        drawn_edges.add((a, b, data["type"]))
        if a in pos and b in pos:
            _edge(ax, pos[a], pos[b], data["type"], data.get("status", ""), data.get("modality", "certain"))
    for n, data in g.nodes(data=True):
        if n not in pos:
            continue
        x, y = pos[n]
        _scatter(ax, x, y, n, data, _node_color(g, n, data), highlight)
        if n == org:
            # The short name at this date (CST, then CSTO): the title gives the full name.
            label = short_label(state, n, compact=True)
            texts.append(ax.text(x, y - 0.12, label, ha="center", va="top", fontsize=LABEL_SIZE,
                                 fontweight="bold", gid=f"label:{n}", zorder=4,
                                 bbox={"facecolor": "white", "alpha": 0.9, "edgecolor": "none", "pad": 0.5}))
        elif geo.layout.types.get(n, data["type"]) in ("state", "other") and n in geo.left:
            if geo.grouped:
                texts.append(ax.text(x + 0.06, y, short_label(state, n, True), ha="left", va="center",
                                     fontsize=LABEL_SIZE, gid=f"label:{n}", zorder=4))
            else:
                width = geo.state_label_w if geo.compact else geo.left_w
                texts.append(ax.text(x - 0.07, y, node_label(state, n, geo, width, hidden.get(n, 0)),
                                     ha="right", va="center", fontsize=LABEL_SIZE, gid=f"label:{n}", zorder=4))
        else:
            room = room_right.get(n, W - x - 0.1)
            # Ties to the second column pass behind the first column's labels, not through them.
            box = {"facecolor": "white", "alpha": 0.9, "edgecolor": "none", "pad": 0.3} if geo.right_cols == 2 else None
            texts.append(ax.text(x + 0.07, y, node_label(state, n, geo, room, hidden.get(n, 0)),
                                 ha="left", va="center", fontsize=LABEL_SIZE, gid=f"label:{n}", zorder=4, bbox=box))
    ax.set_xlim(0, W)
    ax.set_ylim(0, H)
    ax.axis("off")
    return set(g.nodes)


def legend_handles(answers: bool = True, grouped: bool = False, folds: bool = False) -> list:
    """The legend's entries: statuses, node types, edge types and the answers, drawn as in the figure."""
    handles = [Line2D([], [], marker="o", linestyle="", color=c, markeredgecolor="#000000", label=s.replace("_", " "))
               for s, c in STATUS_COLORS.items()]
    handles += [Line2D([], [], marker=m, linestyle="", color=c, markeredgecolor="#000000", label=t)
                for t, (m, _, c) in NODE_STYLE.items() if t not in ("state", "other")]
    if not grouped:
        handles += [Line2D([], [], color=c, linestyle=ls, label=t.replace("_", " "))
                    for t, (c, _, ls) in EDGE_STYLE.items() if t in ("part_of", "contributes_to")]
    if folds:
        handles.append(Line2D([], [], marker="$+n$", markersize=9, linestyle="", color="#000000",
                              label="n bodies under it"))
    if answers:
        for m in ("possible", "presumed"):
            line, alpha, falpha, hatch = ANSWER_STYLE[m]
            handles.append(Patch(facecolor=STATUS_COLORS["member"], alpha=falpha, hatch="/////" if hatch else None,
                                 edgecolor="#000000", linestyle="--" if hatch else "-", label=ANSWER_WORDS[m]))
    return handles


def legend_columns(labels: list[str], width: float) -> int:
    """The most legend columns that fit ``width`` inches, each as wide as its own widest entry (filled down first)."""
    em = FONT["legend"] / 72
    for ncol in range(len(labels), 1, -1):
        nrows, large = divmod(len(labels), ncol)
        sizes = [nrows + 1] * large + [nrows] * (ncol - large)
        if min(sizes) == 0:
            continue
        starts = [sum(sizes[:i]) for i in range(ncol)]
        total = sum(1.8 * em + 1.06 * max(text_width(x, FONT["legend"]) for x in labels[a:a + k])
                    for a, k in zip(starts, sizes)) + 0.8 * em * (ncol - 1)
        if total <= width:
            return ncol
    return 1


def add_legend(fig: Figure, handles: list, width: float, bottom: float = PAD) -> float:
    """A legend in its own band at the bottom of the figure; returns the band's height in inches."""
    ncol = legend_columns([h.get_label() for h in handles], width - 0.1 - 0.02 * width)
    nrows = math.ceil(len(handles) / ncol)
    height = nrows * line_height(FONT["legend"]) * 1.25 + 0.1
    H = fig.get_figheight()
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.02, bottom / H), ncol=ncol,
               fontsize=FONT["legend"], frameon=False, borderaxespad=0, handlelength=1.4, columnspacing=0.8,
               handletextpad=0.4, borderpad=0)
    return height


def grid_shape(n: int, size: str) -> tuple[int, int]:
    """Rows and columns for n panels with no empty cell where possible (one column at column width)."""
    if size == "column" or n == 1:
        return n, 1
    if n <= 3:
        return 1, n
    for cols in (3, 2, 4):
        if n % cols == 0:
            return n // cols, cols
    return math.ceil(n / 2), 2


def _clip_lines(text: str, n: int | None) -> str:
    lines = text.split("\n")
    if n is None or len(lines) <= n:
        return text
    return "\n".join(lines[: n - 1] + [lines[n - 1].rstrip(" .;") + " …"])


def panel_width(n: int, size: str) -> float:
    """The width of each of n network panels at a preset, in inches."""
    _rows, ncols = grid_shape(n, size)
    return (figure_width(size)[0] - PAD * (ncols + 1)) / ncols


def shows_ids(n: int, size: str) -> bool:
    """Whether n network panels at a preset are too narrow for names: they label nodes by id (and need a key)."""
    return panel_width(n, size) < 4.0


def network_key_figure(history: History, dates: Sequence[str | HistDate], size: str = DEFAULT_SIZE) -> Figure:
    """The full names behind a network's ids (everything but states, whose ids are ISO codes), as a figure of its
    own: the organization's parts in tree order, each sub-body under the body it is folded into."""
    ds = [as_date(d) for d in dates]
    layout = stable_layout(history, ds)
    W, dpi = figure_width(size)
    names: dict[str, str] = {}
    for d in ds:  # the name at the latest date drawn that gives one
        state = history.at(d)
        for n in state_graph(state):
            ident = short_label(state, n, True)
            name = state.name_of(n)
            if layout.types.get(n) != "state" and n != history.org and name not in (n, ident):
                names[n] = name
    fold = folded(layout, history.org)
    left, right = _states_and_right(layout)
    tops = [n for n in left + right if n not in fold]
    order = [m for t in tops for m in [t] + [f for f in left + right if fold.get(f) == t]]
    probe = history.at(ds[-1])
    lines = []
    for n in order:
        if n in names:
            lines.append(wrap(f"{short_label(probe, n, True)}: {names[n]}", FONT["caption"], W - 2 * PAD))
    title = f"Names in the network of {_title(history, ds[-1]).split(',')[0]}"
    title = wrap(title, FONT["title"], W - 2 * PAD, "bold")
    H = 2 * PAD + (title.count("\n") + 1) * line_height(FONT["title"]) + \
        sum((t.count("\n") + 1) * line_height(FONT["caption"]) for t in lines)
    fig = Figure(figsize=(W, max(H, 1.0)))
    fig.set_dpi(dpi)
    y = fig.get_figheight() - PAD
    fig.text(PAD / W, y / fig.get_figheight(), title, fontsize=FONT["title"], fontweight="bold", va="top",
             gid="title")
    y -= (title.count("\n") + 1) * line_height(FONT["title"])
    for t in lines:
        fig.text(PAD / W, y / fig.get_figheight(), t, fontsize=FONT["caption"], va="top", gid="key-names")
        y -= (t.count("\n") + 1) * line_height(FONT["caption"])
    return fig


def panels_figure(panels: list[Panel], layout: Layout, size: str = DEFAULT_SIZE, title_lines: int | None = None,
                  caption_lines: int | None = None, dates: Sequence[HistDate] = ()) -> Figure:
    """Network panels in a filled grid, each with its own title and caption blocks, and one legend band.

    ``title_lines`` and ``caption_lines`` fix those blocks' heights, and ``dates`` (every frame's) the
    network's: an animation's frames must all be one size.
    """
    fig_w, _dpi = figure_width(size)
    nrows, ncols = grid_shape(len(panels), size)
    panel_w = panel_width(len(panels), size)
    compact = shows_ids(len(panels), size)
    geo = NetworkGeometry(layout, panel_w, compact, panels[0].history, [p.date for p in panels] + list(dates))
    titles = [wrap(p.title, FONT["title"], panel_w, "bold") for p in panels]
    captions = [wrap(caption_events(p.history, p.date, p.since, limit=2 if compact else 4, first=p.first,
                                    most_chars=None),
                     FONT["caption"], panel_w) for p in panels]
    titles = [_clip_lines(t, title_lines) for t in titles]
    captions = [_clip_lines(c, caption_lines) for c in captions]
    # Each row of the grid is as tall as its own titles and captions need (an animation fixes both).
    title_h, cap_h = [], []
    for r in range(nrows):
        row = slice(r * ncols, (r + 1) * ncols)
        title_h.append((title_lines or max(t.count("\n") + 1 for t in titles[row])) * line_height(FONT["title"])
                       + PAD)
        cap_h.append((caption_lines or max(c.count("\n") + 1 for c in captions[row]))
                     * line_height(FONT["caption"]) + PAD)
    row_h = [t + geo.height + c + PAD for t, c in zip(title_h, cap_h)]
    handles = legend_handles(grouped=geo.grouped, folds=bool(geo.fold))
    probe = Figure(figsize=(fig_w, 1))
    legend_h = add_legend(probe, handles, fig_w)
    fig_h = sum(row_h) + legend_h + 2 * PAD
    if size == "slide":
        fig_h = max(fig_h, SLIDE_HEIGHT)
    fig = Figure(figsize=(fig_w, fig_h))
    for i, (p, t, c) in enumerate(zip(panels, titles, captions)):
        r, col = divmod(i, ncols)
        x0 = PAD + col * (panel_w + PAD)
        y_top = fig_h - PAD - sum(row_h[:r])
        fig.text(x0 / fig_w, y_top / fig_h, t, ha="left", va="top", fontsize=FONT["title"], fontweight="bold",
                 gid="title")
        net_bottom = y_top - title_h[r] - geo.height
        ax = fig.add_axes((x0 / fig_w, net_bottom / fig_h, panel_w / fig_w, geo.height / fig_h))
        ax.set_gid(f"panel:{i}")
        draw_network(ax, p.history, p.date, geo, p.highlight)
        ax.set_title(p.title, loc="left", fontsize=1, visible=False)  # kept for tests and SVG readers
        fig.text(x0 / fig_w, (net_bottom - PAD / 2) / fig_h, c, ha="left", va="top", fontsize=FONT["caption"],
                 color="#333333", gid="caption")
    add_legend(fig, handles, fig_w)
    fig.set_dpi(SIZES[size][1])
    return fig


def network_figure(history: History, dates: Sequence[str | HistDate], size: str = DEFAULT_SIZE) -> Figure:
    """The network at one date, or small multiples at several, in one stable layout.

    Each panel's caption counts the events since the previous panel (the first panel: since the previous key date).
    """
    ds = [as_date(d) for d in dates]
    layout = stable_layout(history, ds)
    panels = [Panel(history, d, ds[i - 1] if i else None, _title(history, d)) for i, d in enumerate(ds)]
    return panels_figure(panels, layout, size)


def _node_statuses(history: History, date: HistDate) -> dict[str, tuple]:
    g = state_graph(history.at(date))
    return {n: tuple(sorted(d.get("status", "") for _, _, d in g.out_edges(n, data=True))) for n in g}


def comparison_figure(baseline: History, branch: History, date: str | HistDate,
                      titles: tuple[str, str] = ("baseline", "branch"), size: str = DEFAULT_SIZE) -> Figure:
    """Baseline and branch side by side at one date, in one layout, with every difference ringed."""
    d = as_date(date)
    layout = stable_layout(branch, [d])
    base_layout = stable_layout(baseline, [d])
    pos = {**base_layout.pos, **layout.pos}
    layout = Layout(pos, {**base_layout.types, **layout.types}, max(layout.rows, base_layout.rows),
                    {**base_layout.parents, **layout.parents})
    a, b = _node_statuses(baseline, d), _node_statuses(branch, d)
    changed = frozenset(n for n in set(a) | set(b) if a.get(n) != b.get(n))
    panels = [Panel(h, d, None, _title(h, d, f"{label}: "), highlight=changed)
              for h, label in zip((baseline, branch), titles)]
    return panels_figure(panels, layout, size)


def save(fig: Figure, path: str, size: str | None = None) -> None:
    """Save a figure at its preset's resolution; the format follows the file's extension (png, svg, pdf)."""
    fig.savefig(path, dpi=SIZES[size][1] if size else fig.get_dpi())
