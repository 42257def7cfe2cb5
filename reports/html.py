"""The interactive report: one self-contained HTML page (inline CSS, SVG, data, font and JS; nothing fetched).

>>> from orgsim.engine.history import History
>>> page = render_report(History.load_bundled(), figures=False)
>>> "uzb-suspended-2012" in page and "https://" not in page
True
"""

from __future__ import annotations

import io
import json
import os
import re
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any

from orgsim.engine.history import History
from orgsim.events.dates import HistDate

from .files import atomic_output
from .html_parts import conflicts_html, events_html, foot_html, head_html
from .report_data import conflict_rows, event_rows, report_data

#: At most this many network diagrams: one per date the membership changed, thinned evenly beyond that.
MAX_NETWORKS = 8


def _template(name: str) -> str:
    return resources.files("orgsim.reports").joinpath("templates", name).read_text(encoding="utf-8")


def figure_svg(fig: Any, prefix: str = "") -> str:
    """A matplotlib Figure as an inline ``<svg>`` element; ``prefix`` keeps ids unique among several."""
    import matplotlib

    buf = io.StringIO()
    # A fixed salt makes clip-path ids, and so the page, the same on every run.
    with matplotlib.rc_context({"svg.hashsalt": "orgsim", "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]  # drops the XML prolog and the DOCTYPE, which names a DTD on w3.org
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)  # RDF metadata cites web vocabularies
    # Inline SVG in HTML gets its namespaces from the parser, so the namespace URLs can go:
    # the page then holds no http(s) address at all.
    svg = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", svg[:svg.index(">") + 1]) + svg[svg.index(">") + 1:]
    if prefix:
        svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
        svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
        svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    return svg


def network_dates(history: History, limit: int = MAX_NETWORKS) -> list[HistDate]:
    """The dates, as written, on which the organization's own membership changed (at most ``limit``)."""
    seen: dict[int, HistDate] = {}
    for fact, start, _end, _x in history.index.intervals("member"):
        if fact.key[1] == history.org:
            seen.setdefault(start, fact.since)
    dates = [seen[k] for k in sorted(seen)]
    if len(dates) <= limit:
        return dates
    picks = sorted({round(i * (len(dates) - 1) / (limit - 1)) for i in range(limit)})
    return [dates[i] for i in picks]


def _missing(what: str, exc: Exception) -> str:
    return f'<p class="missing">The {escape(what)} is not available in this build: {escape(str(exc))}</p>'


def figures_html(history: History) -> tuple[str, str]:
    """The timeline figure and the network diagrams (one tab per date), as inline SVG."""
    import matplotlib

    matplotlib.use("Agg")  # no display: figures are only ever written out
    try:  # imported lazily: matplotlib is slow to load, and the figures module is optional here
        from .figures import network_figure
        from .timeline import timeline_figure
    except ImportError as exc:
        return _missing("timeline figure", exc), _missing("network diagram", exc)
    fig = timeline_figure(history)
    timeline = (f'<figure class="timeline">{figure_svg(fig, "tl-")}<figcaption>Each state\'s status '
                "through time. A boundary known only to the month or year is hatched over that period."
                "</figcaption></figure>")
    tabs, panels = [], []
    for i, d in enumerate(network_dates(history)):
        fig = network_figure(history, [d])
        pid = f"net-{i}"
        tabs.append(f'<button type="button" role="tab" aria-controls="{pid}" aria-selected="false">'
                    f"{escape(d.text)}</button>")
        panels.append(f'<figure class="network-fig" id="{pid}" role="tabpanel">{figure_svg(fig, pid + "-")}'
                      f"<figcaption>The network on {escape(d.text)} ({escape(d.precision)} precision)."
                      "</figcaption></figure>")
    if not panels:
        return timeline, '<p class="muted">The organization has no membership to draw.</p>'
    networks = f'<div class="tabs" role="tablist">{"".join(tabs)}</div>{"".join(panels)}'
    return timeline, networks


def _json_for_script(data: Any) -> str:
    # Escaped so no string in the data can close the <script> element or start a comment.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def palette_css() -> str:
    """The statuses' colours of every figure, as CSS: one palette for PNG, SVG, GIF and this page."""
    from .style import ALL_STATUS_COLORS

    root = "".join(f" --{s.replace('_', '-')}: {c};" for s, c in ALL_STATUS_COLORS.items())
    dark = {"signatory", "observer", "unknown"}
    rules = "".join(f".status.{s} {{ background: {c}; color: {'#000' if s in dark else '#fff'}; }}\n"
                    for s, c in ALL_STATUS_COLORS.items())
    return f":root {{{root} }}\n{rules}"


def map_legend_html() -> str:
    """The map's legend: a swatch per status."""
    from .style import ALL_STATUS_COLORS

    items = "".join(f'<span><span class="sw" style="background:{c}"></span>{escape(s.replace("_", " "))}</span>'
                    for s, c in ALL_STATUS_COLORS.items())
    return f'<div class="legend-row">{items}<span><span class="sw" style="background:#EEEEEE"></span>no status</span></div>'


def render_report(history: History, figures: bool = True) -> str:
    """The whole page as one string."""
    from .html_live import cytoscape_js, live_data, map_svg, thai_font_css

    data = report_data(history)
    data["live"] = live_data(history)
    head = data["head"]
    timeline, networks = figures_html(history) if figures else ("", "")
    events = events_html(event_rows(history))
    parts = {
        "title": escape(head["title"]), "generator": escape(head["generator"]),
        "script": _template("report.js"), "live": _template("live.js"), "cytoscape": cytoscape_js(),
        "head": head_html(head), "foot": foot_html(head),
        "timeline": timeline, "networks": networks, "map": map_svg(history) if figures else "", "map_legend": map_legend_html(),
        "events": events, "conflicts": conflicts_html(conflict_rows(history)),
        "data": _json_for_script(data),
    }
    parts["style"] = _template("report.css") + palette_css() + thai_font_css(events)
    # One pass over the template, so text inside a part is never taken for a placeholder.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], _template("report.html"))


def write_report(history: History, out_dir: str | os.PathLike) -> Path:
    """Write ``out_dir/index.html`` through a temporary file and a rename, so it is never half-written."""
    page = render_report(history)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "index.html"
    with atomic_output(str(target)) as tmp:
        Path(tmp).write_text(page, encoding="utf-8")
    return target
