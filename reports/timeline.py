"""The membership timeline: a Gantt chart, one row per state that was ever a party.

Bars are coloured by status. A boundary known only to the month or year is
drawn as a hatched span over the whole period it may fall in, not as a point;
key events are marked and labelled along the top, close ones grouped so their
labels do not collide.
"""

from __future__ import annotations

import datetime as dt

from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from orgsim.engine.frames import membership_frame
from orgsim.engine.history import History

from .style import FORMER_COLORS, STATUS_COLORS

KEY_KINDS = frozenset({"treaty_signed", "treaty_in_force", "accession", "protocol_signed", "non_renewal",
                       "charter_signed", "charter_in_force", "readmission", "suspension", "withdrawal",
                       "org_founded", "org_dissolved"})
GROUP_DAYS = 150  # events closer than this share one label


def _num(ordinal: int) -> float:
    return float(date2num(dt.date.fromordinal(ordinal)))


def _key_event_groups(history: History) -> list[tuple[int, str]]:
    skipped = {s.event.id for s in history.skipped}
    events = [e for e in history.log.events if e.kind in KEY_KINDS and (e.target or e.org) == history.org
              and e.id not in skipped]
    groups: list[list] = []
    for e in events:
        if groups and e.date.key - groups[-1][0].date.key < GROUP_DAYS:
            groups[-1].append(e)
        else:
            groups.append([e])
    return [(g[0].date.key, " / ".join(f"{e.date.text} {e.id}" for e in g)) for g in groups]


def timeline_span(*histories: History) -> tuple[int, int]:
    """The day ordinals a timeline of these histories covers: the first event to a year after the last."""
    events = [e for h in histories for e in h.log.events]
    return min(e.date.key for e in events), max(e.date.upper or e.date.key for e in events) + 365


def timeline_figure(history: History, span: tuple[int, int] | None = None) -> Figure:
    """Each state's status intervals in the organization, with imprecise boundaries drawn as spans.

    ``span`` (day ordinals, from ``timeline_span``) fixes the x axis, so timelines drawn to be compared share it.
    """
    df = membership_frame(history)
    df = df[df.org == history.org]
    by_id = history.log.by_id
    states = sorted(df.member.unique(), key=lambda m: (df[df.member == m].start.min(), m))
    horizon = timeline_span(history)[1] if span is None else span[1]
    fig = Figure(figsize=(13, 2.4 + 0.34 * len(states)), layout="constrained")
    ax = fig.add_subplot()
    for row, member in enumerate(states):
        for r in df[df.member == member].itertuples():
            ev = by_id[r.start_event]
            start = ev.date.key
            end = by_id[r.end_event].date.key if isinstance(r.end_event, str) else horizon
            color = STATUS_COLORS.get(r.status) or FORMER_COLORS.get(r.status, "#e9ecef")
            ax.barh(row, _num(end) - _num(start), left=_num(start), height=0.6, color=color,
                    edgecolor="none", gid=f"bar:{member}:{r.status}:{r.start_text}")
            if ev.date.precision != "day":  # the boundary lies somewhere in this span
                lo, hi = ev.date.key, ev.date.upper or ev.date.key
                ax.barh(row, max(_num(hi) - _num(lo), 1.0), left=_num(lo), height=0.6, color="none",
                        edgecolor="#343a40", hatch="////", linewidth=0.3, gid=f"span:{member}:{r.start_text}")
    ax.set_yticks(range(len(states)), [f"{m}  {history.at('2000').name_of(m)}" for m in states], fontsize=8)
    ax.invert_yaxis()
    ax.xaxis_date()
    if span is not None:
        ax.set_xlim(_num(span[0]), _num(span[1]))
    ax.grid(axis="x", color="#f1f3f5")
    groups = _key_event_groups(history)
    for i, (key, label) in enumerate(groups, start=1):
        # Numbered markers keep the chart compact; the key below says what each number is.
        x = _num(key)
        ax.axvline(x, color="#868e96", linewidth=0.6, linestyle=":", zorder=0)
        ax.annotate(str(i), (x, -0.6), ha="center", va="bottom", fontsize=7, annotation_clip=False,
                    bbox={"boxstyle": "circle,pad=0.2", "facecolor": "white", "edgecolor": "#868e96"},
                    gid=f"key:{key}")
    handles = [Patch(color=c, label=s) for s, c in {**STATUS_COLORS, **FORMER_COLORS}.items()]
    handles.append(Patch(facecolor="none", edgecolor="#343a40", hatch="////", label="date known to month/year"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=6, fontsize=7, frameon=False)
    if groups:
        entries = [f"({i}) {label}" for i, (_, label) in enumerate(groups, start=1)]
        lines = ["   ".join(entries[j:j + 3]) for j in range(0, len(entries), 3)]
        fig.supxlabel("Key events:  " + "\n".join(lines), x=0.01, ha="left", fontsize=6.5, color="#343a40",
                      gid="key-events")
    info = history.at(dt.date.fromordinal(horizon - 365).isoformat()).organization() or {}
    fig.suptitle(f"{info.get('name', history.org)}: membership through time", x=0.01, ha="left", fontsize=11)
    return fig
