"""The network through time as an animated GIF, an HTML page or an MP4: one frame per change, or one per period.

Every frame is drawn at one size, with the caption and the legend in their own
bands, and quantized to one fixed palette built from the figures' colours
(``style.py``), so a status has the same colour in every frame and in the PNG.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import os
import subprocess
from typing import Callable

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from orgsim.engine.graph import state_graph
from orgsim.engine.history import History
from orgsim.events.dates import HistDate, parse_date
from orgsim.events.errors import InputError

from .figures import Panel, _title, panels_figure
from .layout import stable_layout
from .style import ALL_STATUS_COLORS, ANSWER_STYLE, NODE_STYLE, OKABE_ITO
from .words import plain_date

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


#: The file kinds an animation is written as, by extension.
ANIMATION_FORMATS = (".gif", ".html", ".mp4")


def _png_data(frame: Image.Image) -> str:
    buf = io.BytesIO()
    frame.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def html_animation(frames: list[Image.Image], dates: list[HistDate], title: str, fps: float) -> str:
    """A self-contained HTML page that plays the frames: play/pause, a slider, the date; nothing fetched.

    The frames are the GIF's, as PNG in the same fixed palette, so a status has the same colour here. (matplotlib's
    ``to_jshtml`` was not used: its buttons load an icon font from the web, so the page would not work offline.)
    """
    data = [{"src": _png_data(f), "date": plain_date(d)} for f, d in zip(frames, dates)]
    w, h = frames[0].size
    payload = json.dumps(data).replace("</", "<\\/")
    return _PLAYER.format(title=html.escape(title), n=len(frames) - 1, w=w, h=h, first=data[0]["src"],
                          date=html.escape(data[0]["date"]), delay=int(1000 / fps), frames=payload)


_PLAYER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:1rem;color:#222}}
img{{max-width:100%;height:auto;display:block;border:1px solid #ddd}}
.controls{{display:flex;gap:.75rem;align-items:center;margin:.5rem 0}} input[type=range]{{flex:1}}</style></head>
<body><h1 style="font-size:1.1rem">{title}</h1>
<div class="controls"><button id="play" type="button">Pause</button>
<input id="pos" type="range" min="0" max="{n}" value="0" aria-label="Frame">
<span id="when" aria-live="polite">{date}</span></div>
<img id="frame" src="{first}" width="{w}" height="{h}" alt="The network on {date}">
<script id="frames" type="application/json">{frames}</script>
<script>
(function () {{
  "use strict";
  var frames = JSON.parse(document.getElementById("frames").textContent);
  var img = document.getElementById("frame"), pos = document.getElementById("pos");
  var when = document.getElementById("when"), play = document.getElementById("play"), timer = null;
  function show(i) {{
    pos.value = String(i); img.src = frames[i].src; img.alt = "The network on " + frames[i].date;
    when.textContent = frames[i].date;
  }}
  function start() {{
    timer = setInterval(function () {{ show((Number(pos.value) + 1) % frames.length); }}, {delay});
    play.textContent = "Pause";
  }}
  function stop() {{ clearInterval(timer); timer = null; play.textContent = "Play"; }}
  play.addEventListener("click", function () {{ if (timer) {{ stop(); }} else {{ start(); }} }});
  pos.addEventListener("input", function () {{ stop(); show(Number(pos.value)); }});
  start();
}}());
</script></body></html>
"""


def mp4_available() -> bool:
    """Whether ffmpeg, which writes MP4, is on the PATH (matplotlib's own lookup)."""
    from matplotlib import animation

    return bool(animation.FFMpegWriter.isAvailable())


def write_mp4(frames: list[Image.Image], path: str, fps: float) -> None:
    """Write the frames as an H.264 MP4 through ffmpeg (each frame padded to even sides, as the codec needs)."""
    from matplotlib import animation

    if not mp4_available():
        raise InputError(f"cannot write {path}: an MP4 needs ffmpeg on the PATH (Debian: apt-get install ffmpeg); "
                         f"-o FILE.gif or FILE.html need nothing more")
    w, h = frames[0].size
    W, H = w + w % 2, h + h % 2
    cmd = [animation.FFMpegWriter.bin_path(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", f"{W}x{H}", "-r", str(fps), "-i", "-", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "12",
           "-f", "mp4", path]
    raw = b"".join(_even(f.convert("RGB"), W, H).tobytes() for f in frames)
    done = subprocess.run(cmd, input=raw, capture_output=True, check=False)
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"cannot write {path}: ffmpeg failed ({detail[-1] if detail else done.returncode})")


def _even(frame: Image.Image, W: int, H: int) -> Image.Image:
    if frame.size == (W, H):
        return frame
    out = Image.new("RGB", (W, H), (255, 255, 255))
    out.paste(frame, (0, 0))
    return out


def animate(history: History, path: str, per: str = "change", fps: float = 1.0,
            progress: Callable[[int, int], None] | None = None, kind: str | None = None) -> int:
    """Write the network's evolution as a GIF (one global palette), an HTML player or an MP4; returns the frames.

    ``kind`` is the extension to write as (``.gif``, ``.html`` or ``.mp4``; default: the path's own).
    """
    kind = (kind or os.path.splitext(path)[1]).lower()
    if kind not in ANIMATION_FORMATS:
        raise ValueError(f"an animation is one of {', '.join(ANIMATION_FORMATS)}, not {kind!r}")
    dates = frame_dates(history, per)
    frames = render_frames(history, dates, dpi=GIF_DPI, progress=progress)
    if kind == ".gif":
        frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:], duration=int(1000 / fps), loop=0,
                       optimize=False, disposal=1)
    elif kind == ".html":
        title = _title(history, dates[-1]).rsplit(",", 1)[0] + ": the network through time"
        with open(path, "w", encoding="utf-8") as f:
            f.write(html_animation(frames, dates, title, fps))
    else:
        write_mp4(frames, path, fps)
    return len(dates)
