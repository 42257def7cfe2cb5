"""The live parts of the report: the interactive network, the map that follows the slider, the Thai font.

Everything is inlined, so the page stays one self-contained file that works offline:

- the network is drawn by cytoscape.js (MIT; ``vendor/cytoscape.min.js``, from the npm package ``cytoscape``),
  with node positions from orgsim's stable layout; the page's script rebuilds it from the facts of the
  slider's day;
- the map is an inline SVG of Natural Earth country outlines (``data/countries.json``), one ``<path
  data-iso="…">`` per country, recoloured by the script;
- Thai quotes are set in Noto Sans Thai (SIL OFL 1.1; ``vendor/``, from the npm package
  ``@fontsource/noto-sans-thai``), subset with fontTools to the characters the page uses and embedded as
  a data URL.
"""

from __future__ import annotations

import base64
import io
import math
import re
from importlib import resources
from typing import Any

from orgsim.engine.history import History

from .geo import countries, ever_states, extent
from .layout import stable_layout
from .regions import REGION_ORDER, region_of
from .style import ALL_STATUS_COLORS, ANSWER_STYLE, NODE_STYLE
from .words import event_title, plain_date


def _vendor(name: str, binary: bool = False) -> Any:
    f = resources.files("orgsim.reports").joinpath("vendor", name)
    return f.read_bytes() if binary else f.read_text(encoding="utf-8")


def _no_addresses(text: str) -> str:
    # The library's licence comments name web pages; "://" is written ":\/\/" (the same string in JS),
    # so the page holds no address a reader or a checker could take for a resource it loads.
    return text.replace("://", ":\\/\\/")


def cytoscape_js() -> str:
    """The inlined library, with its licence kept at its head."""
    return _no_addresses(_vendor("cytoscape.min.js")).replace("</script", "<\\/script")


def thai_font_css(page_text: str) -> str:
    """An @font-face with Noto Sans Thai subset to the Thai characters of the page (empty if it has none)."""
    chars = sorted({c for c in page_text if "\u0e00" <= c <= "\u0e7f"})
    if not chars:
        return ""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(_vendor("NotoSansThai-Regular.woff", binary=True)))
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]  # Thai needs its mark positioning
    sub = subset.Subsetter(options)
    sub.populate(text="".join(chars) + " ")
    sub.subset(font)
    buf = io.BytesIO()
    font.flavor = "woff"
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return ("/* Noto Sans Thai, SIL Open Font License 1.1 (Copyright 2022 The Noto Project Authors), "
            f"subset to the {len(chars)} Thai characters this page uses. */\n"
            "@font-face { font-family: 'Noto Sans Thai Subset'; font-style: normal; font-weight: 400; "
            f"src: url(data:font/woff;base64,{data}) format('woff'); }}\n"
            "[lang=th], .quote { font-family: 'Noto Sans Thai Subset', system-ui, sans-serif; }\n")


def map_svg(history: History) -> str:
    """The map as an inline SVG: the organization's region, one path per country with its ISO code."""
    lon0, lon1, lat0, lat1 = extent(history)
    k = math.cos(math.radians((lat0 + lat1) / 2))
    scale = 900 / ((lon1 - lon0) * k)
    width, height = 900, round((lat1 - lat0) * scale)
    paths = []
    for iso, rings in countries().items():
        parts = []
        for ring in rings:
            if max(p[0] for p in ring) < lon0 - 5 or min(p[0] for p in ring) > lon1 + 5:
                continue
            pts = " ".join(f"{(x - lon0) * k * scale:.1f},{(lat1 - y) * scale:.1f}" for x, y in ring)
            parts.append(f"M{pts}Z")
        if parts:
            paths.append(f'<path data-iso="{iso}" d="{"".join(parts)}"><title>{iso}</title></path>')
    return (f'<svg id="org-map" viewBox="0 0 {width} {height}" role="img" aria-label="Map of the members by status">'
            f'<defs><pattern id="map-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#FFFFFF"/>'
            f'<rect width="3" height="6" fill="#000000" fill-opacity="0.35"/></pattern></defs>'
            f'<g class="countries">{"".join(paths)}</g></svg>')


#: Past this many states the network is a grid of tiles, one block per M49 region (as in the figures).
TILES_PAST = 40
TILE_W, ROW_H = 60, 28  # pixels


def network_positions(history: History) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Preset positions for the interactive network, in pixels, and where each region's heading goes.

    States stand left, bodies right, as in the stable layout; past ``TILES_PAST`` states they are tiles in one
    block per UN M49 region, sorted by id, each block under its region's name (the colour tells the status).
    """
    layout = stable_layout(history)
    states = sorted((n for n, t in layout.types.items() if t in ("state", "other")), key=lambda n: -layout.pos[n][1])
    pos = {n: [layout.pos[n][0] * 120, (layout.rows - layout.pos[n][1]) * ROW_H] for n in layout.pos}
    headings: dict[str, list[float]] = {}
    if len(states) > TILES_PAST:
        cols = math.ceil(math.sqrt(len(states)))
        by_region: dict[str, list[str]] = {}
        for n in states:
            by_region.setdefault(region_of(n), []).append(n)
        y = 0.0
        for region in (r for r in REGION_ORDER if r in by_region):
            headings[region] = [-TILE_W * cols - 10, y]
            y += ROW_H
            for i, n in enumerate(sorted(by_region[region])):
                pos[n] = [-TILE_W * (cols - i % cols), y + ROW_H * (i // cols)]
            y += ROW_H * (math.ceil(len(by_region[region]) / cols) + 0.5)
        # The organization beside the blocks' middle, its bodies and forces in a column to its right.
        mid = (y - ROW_H) / 2
        pos[history.org] = [TILE_W, mid]
        right = sorted((n for n, t in layout.types.items() if t in ("body", "force")), key=lambda n: -layout.pos[n][1])
        for i, n in enumerate(right):
            pos[n] = [3 * TILE_W + (layout.pos[n][0] - min(layout.pos[m][0] for m in right)) * 120,
                      mid + ROW_H * (i - (len(right) - 1) / 2)]
    return pos, headings


def live_data(history: History) -> dict[str, Any]:
    """What the page's script needs for the network and the map: colours, positions and events in words."""
    state = history.at(history.key_dates()[-1]) if history.key_dates() else None
    positions, headings = network_positions(history)
    events = {}
    for e in history.log.events:
        srcs = [f"l.{s.line}: {s.gloss}" if s.line is not None else s.gloss for s in e.sources][:3]
        title = event_title(state, e) if state is not None else e.kind
        events[e.id] = {"when": plain_date(e.date), "what": title, "sources": srcs}
    return {
        "colors": ALL_STATUS_COLORS,
        "node_style": {t: {"shape": {"H": "hexagon", "o": "ellipse", "s": "rectangle", "^": "triangle",
                                     "D": "diamond"}[m], "color": c} for t, (m, _s, c) in NODE_STYLE.items()},
        "answer_alpha": {m: v[2] for m, v in ANSWER_STYLE.items()},
        "positions": positions,
        "region_headings": headings,
        "events_words": events,
        "ever": ever_states(history),
    }


def strip_addresses(svg: str) -> str:
    """Defensive: an inline SVG never names a web address."""
    return re.sub(r"https?://", "", svg)
