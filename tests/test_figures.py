"""Figures show exactly the state: every node drawn and labelled, nothing else, no labels overlapping."""

import itertools
import textwrap

import pycountry
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from orgsim.engine.graph import state_graph
from orgsim.engine.history import History
from orgsim.reports.figures import network_figure
from orgsim.reports.timeline import timeline_figure


def gids(fig, prefix):
    """Ids of the drawn artists whose gid starts with prefix (node:, label:, span:…)."""
    return {a.get_gid()[len(prefix):] for a in fig.findobj(lambda a: (a.get_gid() or "").startswith(prefix))}


def labels(fig):
    return [a for a in fig.findobj(lambda a: (a.get_gid() or "").startswith("label:"))]


def assert_no_label_overlaps(fig):
    canvas = FigureCanvasAgg(fig)  # a real renderer, to measure the text as drawn
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [(t.get_gid(), t.get_window_extent(renderer)) for t in labels(fig)]
    clashes = [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]
    assert clashes == []


def test_graph_draws_every_node_of_the_state_and_nothing_else(csto):
    """At 2009-12-31 the drawn nodes and labels are exactly the state graph's nodes."""
    expected = set(state_graph(csto.at("2009-12-31")).nodes)
    fig = network_figure(csto, ["2009-12-31"])
    assert gids(fig, "node:") == expected
    assert gids(fig, "label:") == expected
    assert "CSTO.CRRF" in expected and "AZE" not in expected


def test_graph_title_and_caption(csto):
    """The title names the organization and the date in words; the caption names the events since the last key date.

    (Changed by issue 11: dates in plain words, events by what happened and to whom, never by id.)
    """
    fig = network_figure(csto, ["2009-11"])
    (title,) = [t.get_text() for t in fig.findobj(lambda a: a.get_gid() == "title")]
    assert title == "Collective Security Treaty Organization (CSTO), November 2009"
    (caption,) = [t.get_text() for t in fig.findobj(lambda a: a.get_gid() == "caption")]
    assert "Belarus" in caption and "Collective Rapid Reaction Force" in caption.replace("\n", " ")
    assert "blr-joins-crrf-2009" not in caption


def test_the_organization_is_labelled_by_its_name_at_that_date(csto):
    """In 1995 the node says CST, in 2009 CSTO: the lineage's short name in force then (the title gives the full name)."""
    for date, label in (("1995", "CST"), ("2009", "CSTO")):
        (text,) = [t.get_text() for t in network_figure(csto, [date]).findobj(lambda a: a.get_gid() == "label:CSTO")]
        assert text == label


def test_a_state_keeps_its_place_across_dates(csto):
    """Small multiples share one layout: Armenia is at the same position in every panel."""
    fig = network_figure(csto, ["1995-06-01", "2009-12-31"])
    arm = [a.get_offsets()[0].tolist() for a in fig.findobj(lambda a: a.get_gid() == "node:ARM")]
    assert len(arm) == 2 and arm[0] == arm[1]
    assert len([t for t in fig.findobj(lambda a: a.get_gid() == "title")]) == 2


def synthetic_history(tmp_path, n_states, n_bodies):
    """A generated organization with n_states members and n_bodies bodies."""
    codes = [c.alpha_3 for c in pycountry.countries][:n_states]
    events = [f"""\
        - id: signed
          date: "1990"
          kind: org_founded
          actors: [{", ".join(codes)}]
          target: TA
          payload: {{name: Test Alliance, short: TA}}
          sources: [{{source: notes, line: 1, quote: q, gloss: g}}]
        """]
    for i in range(n_bodies):
        parent = "TA" if i % 4 == 0 else f"TA.B{i - i % 4:02d}"
        events.append(f"""\
            - id: body-{i}
              date: "1991"
              kind: body_created
              target: TA.B{i:02d}
              payload: {{name: Standing Commission on Matters Number {i}, parent: {parent}}}
              sources: [{{source: notes, line: 2, quote: q, gloss: g}}]
            """)
    head = "orgsim_log: 2\norganization: TA\nentities: {organizations: {TA: {name: Test Alliance}}}\n" \
           "sources: {notes: {file: notes.txt}}\nevents:\n"
    path = tmp_path / "big.yaml"
    path.write_text(head + "".join(textwrap.dedent(e) for e in events), encoding="utf-8")
    return History.load(str(path))


@pytest.mark.parametrize("n_states, n_bodies", [(6, 3), (40, 19)])
def test_no_labels_overlap_with_10_or_60_nodes(tmp_path, n_states, n_bodies):
    """With 10 and with 60 nodes, no two labels' boxes overlap in the rendered figure."""
    h = synthetic_history(tmp_path, n_states, n_bodies)
    fig = network_figure(h, ["2000"])
    assert len(labels(fig)) == n_states + n_bodies + 1
    assert_no_label_overlaps(fig)


def test_no_labels_overlap_in_the_csto_diagram(csto):
    """The bundled organization's diagram at its busiest date is readable too."""
    assert_no_label_overlaps(network_figure(csto, ["2019-05-01"]))


def test_timeline_has_a_row_per_state_ever_a_party(csto):
    """One row per state that was ever a party, and month-precision boundaries drawn as spans."""
    fig = timeline_figure(csto)
    ax = fig.axes[0]
    rows = [t.get_text().split()[0] for t in ax.get_yticklabels()]  # sorted by entry since issue 11
    assert sorted(rows) == ["ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
    spans = gids(fig, "span:")
    assert "UZB:2012-12" in spans and "BLR:1993-12" in spans
    (uzb,) = [a for a in fig.findobj(lambda a: a.get_gid() == "span:UZB:2012-12")]
    # The whole of December, not a point (and, since a month is a hairline in 30 years, drawn wider around it).
    import datetime as dt

    from matplotlib.dates import date2num

    dec1, jan1 = date2num(dt.date(2012, 12, 1)), date2num(dt.date(2013, 1, 1))
    assert uzb.get_x() <= dec1 and uzb.get_x() + uzb.get_width() >= jan1
    assert abs(uzb.get_x() + uzb.get_width() / 2 - (dec1 + jan1) / 2) < 1


def test_cli_writes_png_svg_and_small_multiples(run, tmp_path):
    """`orgsim graph` writes PNG and SVG by extension; several dates make small multiples."""
    for name in ("g.png", "g.svg", "g.pdf"):
        code, out, _ = run("graph", "--at", "2009-12-31", "-o", str(tmp_path / name))
        assert code == 0 and (tmp_path / name).stat().st_size > 1000
    assert 'id="label:CSTO.CRRF"' in (tmp_path / "g.svg").read_text()
    code, _, _ = run("graph", "--at", "1995-06-01,2003-09-18,2009-12-31", "-o", str(tmp_path / "m.png"))
    width, height = Image.open(tmp_path / "m.png").size
    assert code == 0 and max(width, height) <= 3000


def test_cli_timeline_and_animation(run, tmp_path):
    """`orgsim timeline -o` draws the chart; `orgsim animate` writes a GIF with one frame per change."""
    code, _, _ = run("timeline", "-o", str(tmp_path / "t.png"))
    assert code == 0 and Image.open(tmp_path / "t.png").size[0] >= 1000
    code, out, _ = run("animate", "-o", str(tmp_path / "a.gif"))
    frames = Image.open(tmp_path / "a.gif").n_frames
    assert code == 0 and f"({frames} frames)" in out and frames > 10


@pytest.mark.parametrize("args, fragment", [
    (["graph", "--at", "2009", "-o", "x.jpg"], "extension must be one of .png, .svg, .pdf"),
    (["graph", "--at", "2009", "-o", "/no/such/dir/x.png"], "does not exist"),
    (["animate", "-o", "x.png"], "extension must be one of .gif"),
])
def test_bad_figure_arguments(run, args, fragment, tmp_path, monkeypatch):
    """Bad output paths: one line, exit 2, nothing written."""
    monkeypatch.chdir(tmp_path)
    code, _, err = run(*args)
    assert code == 2 and fragment in err and list(tmp_path.iterdir()) == []
