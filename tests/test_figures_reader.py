"""Figures as a reader sees them (issue 11): judged from the rendered artists, at the size they are printed.

No two text boxes overlap and no text leaves the figure, for every figure kind, on the bundled log and on a
generated log of 60 states; captions speak plain words; sizes follow the presets; one palette everywhere.
"""

import itertools
import os
import re
import shutil
import textwrap

import numpy as np
import pycountry
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.text import Text
from PIL import Image

from orgsim.engine.history import History
from orgsim.reports.animation import fixed_palette, frame_dates, render_frames
from orgsim.reports.figures import comparison_figure, network_figure
from orgsim.reports.geo import counts_figure, map_figure
from orgsim.reports.style import ALL_STATUS_COLORS, MIN_FONT, STATUS_COLORS
from orgsim.reports.timeline import timeline_figure, timeline_key_figure

EVENT_ID = re.compile(r"\b[a-z]{2,}(?:-[a-z0-9]+){2,}\b")  # ids look like uzb-suspended-2012
EDTF = re.compile(r"\d{4}-\d{2}|\.\.|\d{4}/|\d[~?%]|/\d{4}")


def drawn_texts(fig):
    """Every text artist the renderer actually draws, with its box in pixels (recorded as it draws)."""
    drawn = []
    original = Text.draw

    def record(self, renderer):
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        return original(self, renderer)

    canvas = FigureCanvasAgg(fig)
    Text.draw = record
    try:
        canvas.draw()
    finally:
        Text.draw = original
    renderer = canvas.get_renderer()
    return [(t, t.get_window_extent(renderer)) for t in drawn], renderer


def assert_readable(fig):
    """No two text boxes overlap, no text leaves the figure, and no text is smaller than 7 pt."""
    texts, _renderer = drawn_texts(fig)
    W, H = fig.bbox.width, fig.bbox.height
    outside = [t.get_text() for t, b in texts if b.x0 < -0.5 or b.y0 < -0.5 or b.x1 > W + 0.5 or b.y1 > H + 0.5]
    assert outside == []
    clashes = [(a.get_text(), b.get_text()) for (a, ba), (b, bb) in itertools.combinations(texts, 2)
               if ba.overlaps(bb) and ba.intersection(ba, bb).width > 0.5 and ba.intersection(ba, bb).height > 0.5]
    assert clashes == []
    small = {t.get_text() for t, _b in texts if t.get_fontsize() < MIN_FONT}
    assert small == set()


def write_log(tmp_path, n_states: int, name: str = "big.yaml") -> History:
    """A generated organization of n_states members, some of them suspended, withdrawn or observers, with bodies."""
    codes = [c.alpha_3 for c in pycountry.countries if c.alpha_3 not in ("ATA",)][:n_states]
    founders, later = codes[: n_states // 2], codes[n_states // 2:]
    src = "sources: [{source: notes, line: 1, quote: q, gloss: g}]"
    events = [f"""\
        - id: signed
          date: "1990-05-12"
          kind: org_founded
          actors: [{", ".join(founders)}]
          target: TA
          payload: {{name: Test Alliance, short: TA}}
          {src}
        """]
    for i, c in enumerate(later):
        year = 1991 + i % 20
        events.append(f"""\
            - id: join-{c.lower()}-{year}
              date: "{year}-{1 + i % 12:02d}"
              kind: accession
              actors: [{c}]
              target: TA
              {src}
            """)
    for i, c in enumerate(codes[:3]):
        events.append(f"""\
            - id: susp-{c.lower()}-2012
              date: "2012"
              kind: suspension
              actors: [{c}]
              target: TA
              {src}
            """)
    for i in range(5):
        events.append(f"""\
            - id: body-{i}
              date: "1992"
              kind: body_created
              target: TA.B{i:02d}
              payload: {{name: Standing Commission Number {i}, parent: TA}}
              {src}
            """)
    head = "orgsim_log: 2\norganization: TA\nentities: {organizations: {TA: {name: Test Alliance}}}\n" \
           "sources: {notes: {file: notes.txt}}\nevents:\n"
    path = tmp_path / name
    path.write_text(head + "".join(textwrap.dedent(e) for e in events), encoding="utf-8")
    return History.load(str(path))


@pytest.fixture(scope="module")
def sixty(tmp_path_factory):
    return write_log(tmp_path_factory.mktemp("sixty"), 60)


def _figures(h: History, dates: list[str]):
    yield "graph", network_figure(h, dates[-1:])
    yield "graph-multiples", network_figure(h, dates)
    yield "graph-column", network_figure(h, dates, size="column")
    yield "graph-slide", network_figure(h, dates[-1:], size="slide")
    yield "timeline", timeline_figure(h)
    yield "timeline-column", timeline_figure(h, size="column")
    yield "timeline-key", timeline_key_figure(h)
    yield "map", map_figure(h, dates[-1:])
    yield "map-multiples", map_figure(h, dates)
    yield "counts", counts_figure(h)
    yield "compare", comparison_figure(h, h, dates[-1])


@pytest.mark.parametrize("which", ["csto", "sixty"])
def test_every_figure_kind_is_readable(which, csto, sixty):
    """Every figure kind, on the bundled log and on 60 states: no text on text, none outside, none under 7 pt."""
    h, dates = (csto, ["1995-06-01", "2003-09-18", "2016-12-01"]) if which == "csto" else \
        (sixty, ["1991-06-01", "2000-06-01", "2013-06-01"])
    for kind, fig in _figures(h, dates):
        try:
            assert_readable(fig)
        except AssertionError as exc:
            raise AssertionError(f"{which} {kind}: {exc}") from None


def test_evolution_at_column_width(run, tmp_path):
    """`graph --at 1995-06-01,2003-09-18,2016-12-01 --size column`: at most 85 mm wide and 230 mm tall at its DPI,
    text >= 7 pt."""
    out = tmp_path / "evolution.png"
    code, _, _ = run("graph", "--at", "1995-06-01,2003-09-18,2016-12-01", "--size", "column", "-o", str(out))
    assert code == 0
    img = Image.open(out)
    dpi = img.info.get("dpi", (300, 300))[0]
    assert img.size[0] / dpi * 25.4 <= 85.5
    # A column figure is printed on a page: at most a page's text height (about 230 mm) at its DPI.
    assert img.size[1] / dpi * 25.4 <= 230
    fig = network_figure(History.load_bundled(), ["1995-06-01", "2003-09-18", "2016-12-01"], size="column")
    assert fig.get_figwidth() * 25.4 <= 85.5
    texts, _ = drawn_texts(fig)
    assert min(t.get_fontsize() for t, _b in texts) >= 7
    assert_readable(fig)


def test_long_names_are_wrapped_never_cut(csto):
    """The CSTO network and its evolution: no text is cut with an ellipsis, no text sits on text; the page network
    prints the drug council's 90-character name whole, on more than one line."""
    dates = ["1995-06-01", "2003-09-18", "2016-12-01"]
    figures = {"network": network_figure(csto, dates[-1:]), "evolution": network_figure(csto, dates),
               "evolution-column": network_figure(csto, dates, size="column")}
    for kind, fig in figures.items():
        texts, _ = drawn_texts(fig)
        cut = [t.get_text() for t, _b in texts if "…" in t.get_text()]
        assert cut == [], kind
        assert_readable(fig)
    labels = {t.get_gid(): t.get_text() for t, _b in drawn_texts(figures["network"])[0]}
    drugs = labels["label:CSTO.CC-DRUGS"]
    assert "\n" in drugs
    assert " ".join(drugs.split()) == ("CC-DRUGS Coordination Council of Heads of Competent Authorities on "
                                       "Countering Illicit Drug Trafficking")


def test_a_column_network_names_its_ids_in_a_key(run, tmp_path):
    """At a column's width the panels show ids; `graph` also writes FILE-key.png giving each id its full name,
    on one page, and a sub-body folded into its top body is drawn as a count on that body."""
    out = tmp_path / "evolution.png"
    code, _, _ = run("graph", "--at", "1995-06-01,2003-09-18,2016-12-01", "--size", "column", "-o", str(out))
    assert code == 0
    img = Image.open(tmp_path / "evolution-key.png")
    dpi = img.info.get("dpi", (300, 300))[0]
    assert img.size[0] / dpi * 25.4 <= 85.5 and img.size[1] / dpi * 25.4 <= 230
    h = History.load_bundled()
    from orgsim.reports.figures import network_key_figure
    key = network_key_figure(h, ["1995-06-01", "2003-09-18", "2016-12-01"], size="column")
    assert_readable(key)
    entries = [" ".join(t.get_text().split()) for t, _b in drawn_texts(key)[0] if t.get_gid() == "key-names"]
    assert "CC-DRUGS: Coordination Council of Heads of Competent Authorities on Countering Illicit Drug " \
           "Trafficking" in entries
    assert "PA.POL: Standing Commission on Political Affairs and International Cooperation" in entries
    assert not any("…" in e for e in entries)
    fig = network_figure(h, ["2016-12-01", "2016-12-02"], size="column")
    labels = {t.get_gid(): t.get_text() for t, _b in drawn_texts(fig)[0]}
    assert labels["label:CSTO.CC-DRUGS"] == "CC-DRUGS +3"  # its three working groups
    assert "label:CSTO.CC-DRUGS.WG-OPS" not in labels


def test_a_page_network_writes_no_key(run, tmp_path):
    """A single network at a page's width names its nodes itself: no key file is written."""
    out = tmp_path / "network.png"
    assert run("graph", "--at", "2016-12-01", "-o", str(out))[0] == 0
    assert out.exists() and not (tmp_path / "network-key.png").exists()


def test_small_multiples_fill_their_grid(csto):
    """Three dates make three panels in one row (page) or one column (column): no empty cell."""
    for size in ("page", "column"):
        fig = network_figure(csto, ["1995-06-01", "2003-09-18", "2016-12-01"], size=size)
        panels = [ax for ax in fig.axes if (ax.get_gid() or "").startswith("panel:")]
        assert len(panels) == 3 and len(fig.axes) == 3


def captions(fig):
    return [t.get_text() for t in fig.findobj(lambda a: a.get_gid() in ("caption", "key-events", "title"))]


def test_no_caption_holds_an_event_id_or_edtf(csto, sixty):
    """Titles, captions and keys of every figure speak plain words: no event id, no EDTF syntax."""
    ids = {e.id for h in (csto, sixty) for e in h.log.events}
    for h, dates in ((csto, ["1995-06-01", "2003-09-18", "2016-12-01"]), (sixty, ["1991-06-01", "2013-06-01"])):
        for kind, fig in _figures(h, dates):
            for text in captions(fig):
                flat = text.replace("\n", " ")
                assert not any(i in flat for i in ids if len(i) > 6), (kind, flat)
                assert not EDTF.search(flat), (kind, flat)


def test_a_panel_counts_from_the_previous_panel(csto):
    """The second panel counts every event since the first panel's date, not since the previous key date."""
    fig = network_figure(csto, ["1995-06-01", "2016-12-01"])
    first, second = [t.get_text().replace("\n", " ") for t in fig.findobj(lambda a: a.get_gid() == "caption")]
    lo, hi = csto.at("1995-06-01").at.key, csto.at("2016-12-01").at.key
    skipped = {s.event.id for s in csto.skipped}
    n = sum(1 for e in csto.log.events if lo < e.date.key <= hi and e.id not in skipped)
    assert second.startswith(f"{n} events since 1 June 1995")


def test_one_colour_per_status_everywhere(csto):
    """Suspended Uzbekistan has the same colour on the map, in the timeline and in the network: the style's."""
    suspended = STATUS_COLORS["suspended"].lower()
    assert len(set(ALL_STATUS_COLORS.values())) == len(ALL_STATUS_COLORS)  # unknown/withdrawn/not_renewed apart
    fig = map_figure(csto, ["2013"])
    (uzb,) = fig.findobj(lambda a: (a.get_gid() or "").startswith("country:UZB:"))
    assert uzb.get_gid() == "country:UZB:suspended" and to_hex(uzb.get_facecolor()) == suspended
    (bar,) = timeline_figure(csto).findobj(lambda a: a.get_gid() == "bar:UZB:suspended:2012-12")
    assert to_hex(bar.get_facecolor()) == suspended
    (node,) = network_figure(csto, ["2013"]).findobj(lambda a: a.get_gid() == "node:UZB")
    assert to_hex(node.get_facecolors()[0]) == suspended


def test_map_draws_the_members_of_its_date(run, tmp_path, csto):
    """`orgsim map --at 2009-12-31` draws the six members of that day; `--at 2013` Uzbekistan suspended."""
    out = tmp_path / "map.png"
    code, _, _ = run("map", "--at", "2009-12-31", "-o", str(out))
    assert code == 0 and out.stat().st_size > 10000
    members = {g.split(":")[1] for g in (a.get_gid() for a in map_figure(csto, ["2009-12-31"]).findobj())
               if g and g.startswith("country:") and g.endswith(":member")}
    assert members == {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"}


def test_animation_frames_share_one_palette(csto):
    """Every frame is in one fixed palette; Uzbekistan's node is drawn in the PNG's exact status colour in every frame."""
    from orgsim.reports.animation import frame_figure
    from orgsim.reports.layout import stable_layout

    dates = frame_dates(csto)
    dpi = 60
    frames = render_frames(csto, dates, dpi=dpi)
    layout = stable_layout(csto, dates)
    palette = fixed_palette().getpalette()[:768]
    assert len({f.size for f in frames}) == 1
    seen = set()
    for i, (d, f) in enumerate(zip(dates, frames)):
        assert f.getpalette()[:768] == palette
        fig = frame_figure(csto, dates, i, layout)
        fig.set_dpi(dpi)
        nodes = fig.findobj(lambda a: a.get_gid() == "node:UZB")
        if not nodes:
            continue
        (node,) = nodes
        x, y = node.get_offset_transform().transform(node.get_offsets()[0])
        pixel = f.convert("RGB").getpixel((int(round(x)), int(round(f.size[1] - y))))
        statuses = [r["status"] for r in csto.at(d).status_of("CSTO", "UZB")]
        expected = next(s for s in STATUS_COLORS if s in statuses)
        assert "#%02x%02x%02x" % pixel == STATUS_COLORS[expected].lower(), (d.text, expected)
        seen.add(expected)
    assert {"member", "suspended"} <= seen


def status_pixel(history, dates, i, frame, dpi, state="UZB"):
    """The RGB colour at the centre of a state's node in frame ``i`` (None when the node is not drawn)."""
    from orgsim.reports.animation import frame_figure
    from orgsim.reports.layout import stable_layout

    fig = frame_figure(history, dates, i, stable_layout(history, dates))
    fig.set_dpi(dpi)
    nodes = fig.findobj(lambda a: a.get_gid() == f"node:{state}")
    if not nodes:
        return None
    x, y = nodes[0].get_offset_transform().transform(nodes[0].get_offsets()[0])
    return frame.convert("RGB").getpixel((int(round(x)), int(round(frame.size[1] - y))))


def nearest_status(rgb) -> str:
    """The status whose colour is nearest to a pixel (what a reader matches against the legend)."""
    def dist(hex_):
        return sum((int(hex_[k:k + 2], 16) - v) ** 2 for k, v in zip((1, 3, 5), rgb))
    return min(ALL_STATUS_COLORS, key=lambda st: dist(ALL_STATUS_COLORS[st]))


def html_frames(page: str) -> list:
    """The frames an HTML animation embeds, as (image, date) pairs."""
    import base64
    import io
    import json

    data = json.loads(re.search(r'<script id="frames" type="application/json">(.*?)</script>', page, re.S)[1])
    return [(Image.open(io.BytesIO(base64.b64decode(f["src"].split(",", 1)[1]))), f["date"]) for f in data]


def test_animation_as_an_html_page(run, tmp_path, monkeypatch, csto):
    """`orgsim animate -o network.html`: one offline page holding every frame, in the GIF's palette, with plain
    dates; suspended Uzbekistan is drawn in the exact suspended colour of every other figure."""
    monkeypatch.setattr("orgsim.reports.animation.GIF_DPI", 40)
    out = tmp_path / "network.html"
    code, stdout, _ = run("animate", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    frames = html_frames(page)
    dates = frame_dates(csto)
    assert code == 0 and f"({len(frames)} frames)" in stdout and len(frames) == len(dates)
    assert not re.search(r"(src|href)=\"?(https?:)?//", page) and "http" not in page  # nothing fetched
    assert frames[0][1] == "15 May 1992" and not any(EDTF.search(d) for _f, d in frames)
    palette = fixed_palette().getpalette()[:768]
    colours = {tuple(palette[i:i + 3]) for i in range(0, 768, 3)}
    last, _date = frames[-1]
    assert set(c for _n, c in last.convert("RGB").getcolors(1 << 16)) <= colours
    pixel = status_pixel(csto, dates, len(dates) - 1, last, 40)
    assert "#%02x%02x%02x" % pixel == STATUS_COLORS["suspended"].lower()


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="MP4 needs ffmpeg (Debian: apt-get install ffmpeg)")
def test_animation_as_an_mp4(run, tmp_path, monkeypatch, csto):
    """`orgsim animate -o network.mp4`: one video frame per change; Uzbekistan's node reads as suspended in
    the last frame and as a member between 2007 and 2012 (H.264 is lossy: the colour is matched as a reader matches the legend)."""
    import subprocess

    dpi = 80
    monkeypatch.setattr("orgsim.reports.animation.GIF_DPI", dpi)
    out = tmp_path / "network.mp4"
    code, stdout, _ = run("animate", "-o", str(out))
    assert code == 0 and out.read_bytes()[4:8] == b"ftyp"
    dates = frame_dates(csto)
    ref = render_frames(csto, dates[-1:], dpi=dpi)
    w, h = ref[0].size
    W, H = w + w % 2, h + h % 2
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(out), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    video = [Image.frombytes("RGB", (W, H), raw[i:i + W * H * 3]) for i in range(0, len(raw), W * H * 3)]
    assert len(video) == len(dates) and f"({len(dates)} frames)" in stdout
    assert nearest_status(status_pixel(csto, dates, len(dates) - 1, video[-1], dpi)) == "suspended"
    i = next(k for k, d in enumerate(dates) if 2007 <= int(d.text[:4]) <= 2012)  # readmitted 2006, suspended 2012
    assert nearest_status(status_pixel(csto, dates, i, video[i], dpi)) == "member"


def test_an_mp4_without_ffmpeg_is_refused_before_rendering(run, tmp_path, monkeypatch):
    """No ffmpeg: one line saying what to install and what works without it, exit 2, nothing written."""
    monkeypatch.setattr("orgsim.reports.animation.mp4_available", lambda: False)
    code, _, err = run("animate", "-o", str(tmp_path / "n.mp4"))
    assert code == 2 and "ffmpeg" in err and ".html" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_animation_caption_clear_of_legend(csto):
    """Each frame's figure, as drawn: the caption never touches the legend, and all text is readable."""
    from orgsim.reports.animation import frame_figure
    from orgsim.reports.layout import stable_layout

    dates = frame_dates(csto)
    layout = stable_layout(csto, dates)
    for i in range(len(dates)):
        assert_readable(frame_figure(csto, dates, i, layout))


@pytest.mark.parametrize("n", [200])
def test_two_hundred_states_fit_one_page(tmp_path, n):
    """With 200 states the network groups them and both it and the timeline stay under 3000 px at their DPI."""
    h = write_log(tmp_path, n)
    for fig in (network_figure(h, ["2013-06-01"]), timeline_figure(h), map_figure(h, ["2013-06-01"]),
                counts_figure(h)):
        assert max(fig.get_size_inches()) * fig.get_dpi() <= 3000
    fig = network_figure(h, ["2013-06-01"])
    assert {g for g in (a.get_gid() for a in fig.findobj()) if g and g.startswith("group:")} >= {"group:member"}
    assert_readable(fig)
    heads = {g: a for a in fig.findobj() if (g := a.get_gid() or "").startswith("region:member:")}
    assert len(heads) >= 4
    assert_under_heading(fig, heads, {"AFG": "Asia", "ARG": "Americas", "AUT": "Europe", "AGO": "Africa"})


def test_counts_stack_by_status(csto, run, tmp_path):
    """`orgsim counts -o`: a stacked area, one layer per status, members at most nine."""
    code, _, _ = run("counts", "-o", str(tmp_path / "c.svg"))
    assert code == 0 and "area:member" in (tmp_path / "c.svg").read_text()
    from orgsim.reports.geo import counts_frame

    frame = counts_frame(csto)
    assert frame["member"].max() <= 9 and frame.sum(axis=1).max() <= 12


COW = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "cow-igo-v3", "state_year_format3.csv")


@pytest.mark.skipif(not os.path.exists(COW), reason="../shared/data (COW IGO v3) is not here")
def test_the_united_nations_fits_one_page(run, tmp_path):
    """The UN imported from COW: network and timeline at most 3000 px on the long side at the default size."""
    log = tmp_path / "un.yaml"
    assert run("import", "cow-igo", COW, "--org", "UN", "-o", str(log))[0] == 0
    for args, name in ((["graph", "--at", "2010-12-31"], "g.png"), (["timeline"], "t.png")):
        code, _, err = run(*args, "--log", str(log), "-o", str(tmp_path / name))
        assert code == 0, err
        assert max(Image.open(tmp_path / name).size) <= 3000
    assert np.asarray(Image.open(tmp_path / "g.png")).size > 0
    h = History.load(str(log))
    timeline = timeline_figure(h)
    assert_readable(timeline)
    ax = next(a for a in timeline.axes if a.get_xticklabels())
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "1945"
    assert "no longer a state" in [t.get_text() for t in timeline.legends[0].get_texts()]  # CSK, DDR: not a grey mystery
    fig = network_figure(h, ["2010-12-31"])
    assert_readable(fig)
    assert max(fig.get_size_inches()) * fig.get_dpi() <= 3000
    # 192 members on that day, grouped by M49 region: the five continents, each block under its heading.
    heads = {g: a for a in fig.findobj() if (g := a.get_gid() or "").startswith("region:member:")}
    assert set(heads) == {f"region:member:{r}" for r in ("Africa", "Americas", "Asia", "Europe", "Oceania")}
    assert sum(int(re.search(r"\((\d+)\)", a.get_text())[1]) for a in heads.values()) == 192
    assert_under_heading(fig, heads, {"NGA": "Africa", "BRA": "Americas", "JPN": "Asia", "FRA": "Europe",
                                      "FJI": "Oceania"})


def assert_under_heading(fig, heads, expected):
    """Each state's tile sits in the block of rows that starts at its region's heading, as a reader scans it."""
    every = [a for a in fig.findobj() if (a.get_gid() or "").startswith("region:")]
    starts = sorted((a.get_position()[1], a.get_gid().rsplit(":", 1)[1]) for a in every)
    for state, region in expected.items():
        (node,) = fig.findobj(lambda a, s=state: a.get_gid() == f"node:{s}")
        y = node.get_offsets()[0][1]
        block = next(name for top, name in starts if y <= top + 1e-6)  # the nearest heading above (or level)
        assert block == region, (state, block)


def test_fan_chart_record_counts_signatories_and_its_legend_stands_apart():
    """The record line counts the six states that signed in May 1992 (never 0 before entry into force in 1994),
    and the legend sits in its own band: it touches neither the chart's axes nor any other text."""
    import datetime as dt

    from matplotlib.dates import date2num

    from orgsim.reports.fanchart import fan_chart
    from orgsim.scenarios.ensemble import record_before_fork, run_ensemble
    from orgsim.scenarios.load import load_scenario
    from orgsim.scenarios.plan import prepare

    plan = prepare(load_scenario(os.path.join(os.path.dirname(__file__), "..", "scenarios", "future-2030.yaml")))
    ens = run_ensemble(plan, 10, seed=1)
    fig = fan_chart(ens.members_frame(), plan.name, record_before_fork(plan), runs=10, note="log 0 · seed 1")
    ax = fig.axes[0]
    (line,) = [a for a in ax.get_lines() if a.get_gid() == "line:observed"]
    xs, ys = np.asarray(line.convert_xunits(line.get_xdata())), np.asarray(line.get_ydata(), dtype=float)
    # Seed: the treaty signed at Tashkent on 15 May 1992 by six states; in force on 20 April 1994.
    for day in ("1992-06-01", "1993-06-01", "1994-01-01"):
        x = date2num(dt.date.fromisoformat(day))
        assert ys[np.searchsorted(xs, x, side="right") - 1] >= 6, day
    assert ys.min() >= 6
    texts, renderer = drawn_texts(fig)
    legend = fig.legends[0].get_window_extent(renderer)
    assert not legend.overlaps(ax.get_window_extent(renderer))
    assert_readable(fig)


def test_the_timeline_as_a_reader_sees_it(csto):
    """The CSTO timeline: the first tick is 1992, every uncertain boundary is a hatch at least 1.4 mm wide printed
    and centred on its period (Uzbekistan's readmission, August 2006), no bar runs past the log's end (2019),
    and the legend's statuses have distinct colours."""
    import datetime as dt

    from matplotlib.dates import date2num

    fig = timeline_figure(csto)
    texts, renderer = drawn_texts(fig)
    ax = next(a for a in fig.axes if a.get_xticklabels())
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels[0] == "1992"
    spans = [p for p in ax.patches if (p.get_gid() or "").startswith("span:")]
    assert spans
    for p in spans:
        assert p.get_window_extent(renderer).width / fig.dpi * 25.4 >= 1.4, p.get_gid()
    (uzb,) = [p for p in spans if p.get_gid() == "span:UZB:2006-08"]
    centre = uzb.get_x() + uzb.get_width() / 2
    assert date2num(dt.date(2006, 8, 1)) <= centre <= date2num(dt.date(2006, 9, 1))
    bars = [p for p in ax.patches if (p.get_gid() or "").startswith("bar:")]
    assert max(p.get_x() + p.get_width() for p in bars) <= date2num(dt.date(2020, 1, 1))
    legend = fig.legends[0]
    colours = [to_hex(h.get_facecolor()) for h in legend.legend_handles if h.get_label() and "date" not in
               h.get_label()]
    assert len(colours) == len(set(colours)) >= 5
