"""The network through time as an animated GIF: one frame per change, or one per period.

Every frame is drawn at one size, with the caption and the legend in their own
bands, and quantized to one fixed palette built from the figures' colours
(``style.py``), so a status has the same colour in every frame and in the PNG.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from orgsim.engine.graph import state_graph
from orgsim.engine.history import History
from orgsim.events.dates import HistDate, parse_date

from .figures import Panel, _title, panels_figure
from .layout import stable_layout
from .style import ALL_STATUS_COLORS, ANSWER_STYLE, NODE_STYLE, OKABE_ITO

#: Frames are drawn at a full page's width, at this resolution.
GIF_DPI = 130


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


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def fixed_palette() -> Image.Image:
    """One palette for every frame: the style's colours, their faded forms on white, and 64 greys."""
    colours = {_rgb(c) for c in [*ALL_STATUS_COLORS.values(), *OKABE_ITO.values(),
                                 *(c for _m, _s, c in NODE_STYLE.values())]}
    faded = ANSWER_STYLE["presumed"][2]
    colours |= {tuple(round(255 - (255 - v) * a) for v in c) for c in list(colours) for a in (faded, 0.5, 0.25)}
    colours |= {(g, g, g) for g in range(0, 256, 4)}
    flat = [v for c in sorted(colours)[:256] for v in c]
    pal = Image.new("P", (1, 1))
    pal.putpalette(flat + [0] * (768 - len(flat)))
    return pal


def frame_figure(history: History, dates: list[HistDate], i: int, layout) -> Figure:
    """Frame ``i`` as a figure: one panel at page width, with title and caption blocks of fixed height."""
    panel = Panel(history, dates[i], dates[i - 1] if i else None, _title(history, dates[i]))
    return panels_figure([panel], layout, "page", title_lines=2, caption_lines=3, dates=dates)


def render_frames(history: History, dates: list[HistDate], dpi: int = GIF_DPI,
                  progress: Callable[[int, int], None] | None = None) -> list[Image.Image]:
    """Each date as an image in the fixed palette (all the same size)."""
    layout = stable_layout(history, dates)
    pal = fixed_palette()
    frames = []
    for i, d in enumerate(dates):
        fig = frame_figure(history, dates, i, layout)
        canvas = FigureCanvasAgg(fig)
        fig.set_dpi(dpi)
        canvas.draw()
        rgb = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3])
        frames.append(rgb.quantize(palette=pal, dither=Image.Dither.NONE))
        if progress:
            progress(i, len(dates))
    return frames


def animate(history: History, path: str, per: str = "change", fps: float = 1.0,
            progress: Callable[[int, int], None] | None = None) -> int:
    """Write the network's evolution as a GIF (one global palette); returns the number of frames."""
    dates = frame_dates(history, per)
    frames = render_frames(history, dates, progress=progress)
    frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:], duration=int(1000 / fps), loop=0,
                   optimize=False, disposal=1)
    return len(dates)
