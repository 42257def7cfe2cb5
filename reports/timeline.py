"""The membership timeline: a Gantt chart, one row per state that was ever a party, sorted by entry.

Bars are coloured by status (the one palette of ``style.py``). A boundary known
only to the month or year is drawn as a hatched span over the whole period it
may fall in, not as a point. Key events are numbered markers along the top, in
lanes so no two collide; the key that says what each number is sits in its own
band under the chart, or, for a long history, in a figure of its own
(``timeline_key_figure``). Past a few dozen states the rows thin out and are
labelled by group (states that entered in the same period), so the chart stays
one page.
"""

from __future__ import annotations

import datetime as dt
import math

from matplotlib.dates import DateFormatter, date2num
from matplotlib.ticker import FixedLocator
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from orgsim.engine.frames import membership_frame
from orgsim.engine.history import History

from .figures import PAD, add_legend, figure_width, fit, line_height, text_width, wrap
from .style import ALL_STATUS_COLORS, DEFAULT_SIZE, FONT, GREY, SIZES, status_words
from .words import event_title, plain_date

KEY_KINDS = frozenset({"treaty_signed", "treaty_in_force", "accession", "protocol_signed", "non_renewal",
                       "charter_signed", "charter_in_force", "readmission", "suspension", "withdrawal",
                       "org_founded", "org_dissolved"})
GROUP_DAYS = 150  # events closer than this share one number
#: Past this many states, rows are thin and labelled by group; past this many key groups the key is its own figure.
LABEL_ROWS_UP_TO = 40
KEY_IN_FIGURE_UP_TO = 14
MAX_HEIGHT = 19.0  # inches: 3000 px at 150 dpi with room to spare
MARKER_W = 0.16  # inches a numbered marker takes
MIN_SPAN_MM = 1.5  # the narrowest an uncertain boundary's hatch is drawn


def _span(lo: int, hi: int, days_per_inch: float) -> tuple[float, float]:
    """Left and width (in days) of the hatch over an uncertain boundary: its whole period, and never narrower than
    ``MIN_SPAN_MM`` printed, centred on that period, so a month in a 30-year chart is seen, not a hairline."""
    width = max(_num(hi) + 1 - _num(lo), MIN_SPAN_MM / 25.4 * days_per_inch)
    return (_num(lo) + _num(hi) + 1) / 2 - width / 2, width


def _num(ordinal: int) -> float:
    return float(date2num(dt.date.fromordinal(ordinal)))


def key_event_groups(history: History) -> list[tuple[int, str]]:
    """(day, words) of each group of key events: dates in plain words, events by what happened."""
    skipped = {s.event.id for s in history.skipped}
    events = [e for e in history.log.events if e.kind in KEY_KINDS and (e.target or e.org) == history.org
              and e.id not in skipped]
    groups: list[list] = []
    for e in events:
        if groups and e.date.key - groups[-1][0].date.key < GROUP_DAYS:
            groups[-1].append(e)
        else:
            groups.append([e])
    out = []
    for g in groups:
        state = history.at(g[-1].date)
        out.append((g[0].date.key, "; ".join(f"{plain_date(e.date)}: {event_title(state, e)}" for e in g)))
    return out


def _lanes(xs_in: list[float]) -> list[int]:
    """A lane for each marker (x in inches, sorted) so no two markers in one lane touch."""
    ends: list[float] = []
    lanes = []
    for x in xs_in:
        for lane, end in enumerate(ends):
            if x - end >= MARKER_W:
                ends[lane] = x
                lanes.append(lane)
                break
        else:
            ends.append(x)
            lanes.append(len(ends) - 1)
    return lanes


def _horizon(history: History) -> int:
    last = max(e.date.upper or e.date.key for e in history.log.events)
    return min(max(last, history.coverage.end if history.coverage.end < 10**7 else last), last + 31)


def timeline_span(*histories: History) -> tuple[int, int]:
    """The day ordinals a timeline of these histories covers, so timelines drawn to be compared share an x axis."""
    return (min(e.date.key for h in histories for e in h.log.events) - 365, max(_horizon(h) for h in histories))


def timeline_figure(history: History, size: str = DEFAULT_SIZE, key: bool | None = None,
                    span: tuple[int, int] | None = None) -> Figure:
    """Each state's status intervals in the organization, with imprecise boundaries drawn as spans.

    ``span`` (day ordinals, from ``timeline_span``) fixes the x axis, so timelines drawn to be compared share it.
    """
    df = membership_frame(history)
    df = df[df.org == history.org]
    by_id = history.log.by_id
    first_start = df.groupby("member").start.min()
    states = sorted(df.member.unique(), key=lambda m: (first_start[m], m))
    horizon = _horizon(history)
    start0 = min([by_id[e].date.key for e in df.start_event] + [horizon - 365])
    if span is not None:
        start0, horizon = span
    W, _dpi = figure_width(size)
    groups = key_event_groups(history)
    key_inside = len(groups) <= KEY_IN_FIGURE_UP_TO if key is None else key
    probe = history.at(dt.date.fromordinal(horizon).isoformat())
    labelled = len(states) <= LABEL_ROWS_UP_TO
    row_labels = [fit(f"{m} {probe.name_of(m)}", FONT["tick"], W * 0.3) for m in states]
    label_w = max([text_width(t, FONT["tick"]) for t in row_labels] + [0.5]) + 0.1 if labelled else 1.0
    row_h = 0.16 if labelled else max(0.05, min(0.12, 12.0 / max(len(states), 1)))
    ax_w = W - label_w - PAD - 0.22  # room for the last year label
    # Marker lanes along the top, from the markers' x in inches.
    x0, x1 = _num(dt.date(dt.date.fromordinal(start0).year, 1, 1).toordinal()), _num(horizon)
    to_in = lambda v: (v - x0) / (x1 - x0) * ax_w  # noqa: E731
    lanes = _lanes([to_in(_num(k)) for k, _ in groups])
    days_per_inch = (x1 - x0) / ax_w
    lanes_h = (max(lanes) + 1 if lanes else 0) * 0.17 + 0.05
    title_h = line_height(FONT["title"]) + PAD
    status_handles = [Patch(color=c, label=status_words(s)) for s, c in ALL_STATUS_COLORS.items()
                      if s in set(df.status) or s in ("member", "suspended", "withdrawn")]
    status_handles.append(Patch(facecolor="#FFFFFF", edgecolor="#000000", hatch="/////",
                                label="date known only to the month or year"))
    legend_h = add_legend(Figure(figsize=(W, 1)), status_handles, W)
    key_text = ""
    if groups and key_inside:
        key_text = wrap("Key events: " + "  ".join(f"({i}) {label}." for i, (_, label) in enumerate(groups, 1)),
                        FONT["caption"], W - 2 * PAD)
    key_h = (key_text.count("\n") + 1) * line_height(FONT["caption"]) + PAD if key_text else 0
    axis_h = line_height(FONT["tick"]) + 0.08
    chart_h = len(states) * row_h + 0.1
    H = PAD + title_h + lanes_h + chart_h + axis_h + PAD + legend_h + key_h + PAD
    if size == "slide":
        H = max(H, 7.5)
    fig = Figure(figsize=(W, H))
    fig.set_dpi(SIZES[size][1])
    ax = fig.add_axes((( PAD + label_w) / W, (H - PAD - title_h - lanes_h - chart_h) / H, ax_w / W, chart_h / H))
    for row, member in enumerate(states):
        for r in df[df.member == member].itertuples():
            ev = by_id[r.start_event]
            start = ev.date.key
            end = by_id[r.end_event].date.key if isinstance(r.end_event, str) else horizon
            color = ALL_STATUS_COLORS.get(r.status, GREY)
            ax.barh(row, _num(end) - _num(start), left=_num(start), height=0.7, color=color,
                    edgecolor="none", gid=f"bar:{member}:{r.status}:{r.start_text}")
            if ev.date.precision != "day":  # the boundary lies somewhere in this span
                left, width = _span(ev.date.key, ev.date.upper or ev.date.key, days_per_inch)
                ax.barh(row, width, left=left, height=0.9, color="#FFFFFF", edgecolor="#000000", hatch="/////",
                        linewidth=0.6, zorder=3, gid=f"span:{member}:{r.start_text}")
    ax.set_ylim(len(states) - 0.5, -0.5)
    ax.set_xlim(x0, x1)
    if labelled:
        ax.set_yticks(range(len(states)), row_labels, fontsize=FONT["tick"])
    else:  # a label per group of states entering in the same decade
        decades: dict[int, list[int]] = {}
        for row, m in enumerate(states):
            decades.setdefault(first_start[m].year // 10 * 10, []).append(row)
        ticks = [(rows[0] + rows[-1]) / 2 for rows in decades.values()]
        ax.set_yticks(ticks, [f"joined {d}s ({len(r)})" for d, r in decades.items()], fontsize=FONT["tick"])
        for rows in decades.values():
            ax.axhline(rows[-1] + 0.5, color="#FFFFFF", linewidth=0.8)
    # Ticks start at the first year drawn (1992 for the CST), then every ``step`` years.
    first_year, last_year = dt.date.fromordinal(start0).year, dt.date.fromordinal(horizon).year
    step = max(1, math.ceil((last_year - first_year) / (ax_w / 0.45)))
    ticks = [_num(dt.date(y, 1, 1).toordinal()) for y in range(first_year, last_year + 1, step)]
    ax.xaxis.set_major_locator(FixedLocator([t for t in ticks if x0 <= t <= x1]))
    ax.xaxis.set_major_formatter(DateFormatter("%Y"))
    ax.tick_params(axis="x", labelsize=FONT["tick"], length=2, pad=1)
    ax.tick_params(axis="y", length=0, pad=2)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#EEEEEE")
    ax.set_axisbelow(True)
    for i, ((k, _label), lane) in enumerate(zip(groups, lanes), start=1):
        x = _num(k)
        ax.axvline(x, color=GREY, linewidth=0.5, linestyle=":", zorder=0)
        y_in = 0.1 + lane * 0.17  # inches above the chart
        ax.annotate(str(i), (x, 1.0), xycoords=("data", "axes fraction"), xytext=(0, (y_in + 0.06) * 72),
                    textcoords="offset points", ha="center", va="bottom", fontsize=FONT["label"],
                    annotation_clip=False, gid=f"key:{k}",
                    bbox={"boxstyle": "circle,pad=0.15", "facecolor": "white", "edgecolor": GREY, "linewidth": 0.5})
    add_legend(fig, status_handles, W, bottom=PAD + key_h)
    if key_text:
        fig.text(PAD / W, (PAD + key_h - PAD / 2) / H, key_text, ha="left", va="top", fontsize=FONT["caption"],
                 color="#333333", gid="key-events")
    info = probe.organization() or {}
    fig.text(PAD / W, (H - PAD) / H, fit(f"{info.get('name', history.org)}: membership through time", FONT["title"],
                                         W - 2 * PAD), ha="left", va="top", fontsize=FONT["title"], fontweight="bold",
             gid="title")
    return fig


def timeline_key_figure(history: History, size: str = DEFAULT_SIZE) -> Figure:
    """The timeline's numbered key events as a figure of its own (a table of number, date and event)."""
    W, dpi = figure_width(size)
    groups = key_event_groups(history)
    lines = [wrap(f"({i}) {label}.", FONT["caption"], W - 2 * PAD) for i, (_, label) in enumerate(groups, 1)]
    H = 2 * PAD + line_height(FONT["title"]) + sum((t.count("\n") + 1) * line_height(FONT["caption"]) for t in lines)
    fig = Figure(figsize=(W, max(H, 1.0)))
    fig.set_dpi(dpi)
    y = fig.get_figheight() - PAD
    fig.text(PAD / W, y / fig.get_figheight(), "Key events of the timeline", fontsize=FONT["title"],
             fontweight="bold", va="top", gid="title")
    y -= line_height(FONT["title"])
    for t in lines:
        fig.text(PAD / W, y / fig.get_figheight(), t, fontsize=FONT["caption"], va="top", gid="key-events")
        y -= (t.count("\n") + 1) * line_height(FONT["caption"])
    return fig
