"""The HTML report: one self-contained page with every event, the conflicts, and data that answer any date."""

import json
import os
import re
from html import escape
from html.parser import HTMLParser

import pytest

from orgsim.engine.history import History
from orgsim.events.model import thaw
from orgsim.reports.html import figure_svg, render_report, write_report

from .conftest import TINY

#: Attributes through which a page can load something.
LOADING_ATTRS = {"src", "href", "xlink:href", "srcset", "action", "formaction", "poster", "data", "background"}


class _Page(HTMLParser):
    """Collects attributes that load things, event row ids, and the embedded data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads, self.tags, self.rows = [], set(), []
        self._in_data, self.data_text = False, ""

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        d = dict(attrs)
        self.loads += [(tag, k, v) for k, v in attrs if k in LOADING_ATTRS]
        if tag == "tr" and "data-event" in d:
            self.rows.append(d["data-event"])
        self._in_data = tag == "script" and d.get("id") == "orgsim-data"

    def handle_endtag(self, tag):
        self._in_data = False

    def handle_data(self, data):
        if self._in_data:
            self.data_text += data


@pytest.fixture(scope="module")
def page(tmp_path_factory, csto_history):
    """The CSTO report as written by `orgsim report`, parsed once."""
    from click.testing import CliRunner

    from orgsim.cli import cli

    out = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(cli, ["report", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = (out / "index.html").read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(text)
    return text, parsed, json.loads(parsed.data_text)


@pytest.fixture(scope="module")
def csto_history():
    """A history of its own, so these tests do not depend on the session fixture's state."""
    return History.load_bundled("csto")


def holds(data, day):
    """The embedded facts on a day, by the engine's rule: start <= day < end (null end: open)."""
    return {tuple(f["key"]): f["value"] for f in data["facts"]
            if f["start"] <= day and (f["end"] is None or day < f["end"])}


def test_page_loads_nothing_from_the_network(page):
    """The page opens offline: no http(s) address anywhere, no external script, style, font or image."""
    text, parsed, _ = page
    assert not re.search(r"https?://", text)
    assert all(v.startswith("#") for _, _, v in parsed.loads), parsed.loads[:5]
    assert "link" not in parsed.tags and "img" not in parsed.tags and "iframe" not in parsed.tags
    # url(#…) names a pattern in the page; url(data:…) is the embedded Thai font (issue 11): nothing is fetched.
    assert "@import" not in text and not re.search(r"url\((?!#|data:)", text)
    assert "<svg" in text  # the figures are inline


def test_page_lists_every_event_once(page, csto_history):
    """Every event of the log is a row of the table, with its date as written and its Thai quote."""
    text, parsed, _ = page
    assert sorted(parsed.rows) == sorted(e.id for e in csto_history.log.events)
    row = re.search(r'<tr id="ev-uzb-suspended-2012".*?</tr>', text).group(0)
    assert ">2012-12</span>" in row and "2012-12-01</span>" not in row  # shown as written: a month
    quote = csto_history.log.by_id["uzb-suspended-2012"].sources[0].quote
    assert quote in text


def test_page_shows_head_and_conflicts(page, csto_history):
    """The title, organization, log id, file and event count are shown and embedded; so is every conflict."""
    text, _, data = page
    head = data["head"]
    log = csto_history.log
    assert (head["log_id"], head["file"], head["events"]) == (log.id, os.path.basename(log.path), len(log.events))
    assert head["organization"] == "CSTO" and head["generator"].startswith("orgsim ")
    assert log.title in text
    for c in log.conflicts:
        assert f'id="conflict-{c.id}"' in text and escape(c.reason) in text


@pytest.mark.parametrize("date", ["1992-05-15", "1993-10", "1999-04-01", "1999-04-02", "2007-06-01",
                                  "2012-12", "2013", "2014", "2019-06"])
def test_embedded_facts_reproduce_the_engine(page, csto_history, date):
    """Applying start <= d < end to the embedded intervals gives exactly history.at(d)."""
    _, _, data = page
    state = csto_history.at(date)
    expected = {k: thaw(f.value) for k, f in state.facts.items()}
    assert holds(data, state.at.key) == expected
    members = {k[2]: v for k, v in holds(data, state.at.key).items() if k[:2] == ("member", "CSTO")}
    assert members == {m["id"]: m["status"] for m in state.members()}


def test_uzbekistan_member_in_2007_not_in_2014(page, csto_history):
    """The data the slider uses has UZB a member in 2007 and not a member in 2014."""
    _, _, data = page
    assert holds(data, csto_history.at("2007-06-01").at.key)[("member", "CSTO", "UZB")] == "member"
    assert holds(data, csto_history.at("2014-06-01").at.key).get(("member", "CSTO", "UZB")) != "member"


def test_slider_range_covers_every_fact(page):
    """The slider reaches the first and the last day on which a fact starts."""
    _, _, data = page
    starts = [f["start"] for f in data["facts"]]
    assert data["min_day"] <= min(starts) and max(starts) <= data["max_day"]


def test_report_for_another_log(tmp_path, run):
    """`orgsim report --log` writes a page for any log; a second run replaces it and leaves no temp file."""
    for _ in range(2):
        code, out, _ = run("report", "-o", str(tmp_path), "--log", TINY)
        assert code == 0 and str(tmp_path / "index.html") in out
    assert os.listdir(tmp_path) == ["index.html"]
    assert "bra-suspended" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_unwritable_directory_is_a_one_line_error(tmp_path, run):
    """A directory that cannot be created or written ends with one line on stderr and exit status 2."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    code, _, err = run("report", "-o", str(blocker / "sub"), "--log", TINY)
    assert code == 2
    assert err.startswith("orgsim: error: cannot write the report to") and err.count("\n") == 1


def test_failed_write_keeps_the_old_page(tmp_path, monkeypatch):
    """If the rename fails, the previous index.html is untouched and no temp file is left behind."""
    history = History.load(TINY)
    (tmp_path / "index.html").write_text("old")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_report(history, tmp_path)
    assert os.listdir(tmp_path) == ["index.html"] and (tmp_path / "index.html").read_text() == "old"


def test_figure_svg_is_inline_and_prefixed():
    """figure_svg gives an <svg> element with no XML prolog, no web addresses, and ids under the prefix."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 2))
    ax = fig.subplots()
    ax.plot([0, 1], [1, 0], gid="line")
    svg = figure_svg(fig, prefix="p1-")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "http" not in svg and 'id="p1-line"' in svg
    assert not re.search(r'id="(?!p1-)', svg) and not re.search(r'href="#(?!p1-)', svg)


def test_page_without_figures_still_has_the_slider_data():
    """render_report(figures=False) is the quick page: data, table and conflicts, no SVG."""
    text = render_report(History.load(TINY), figures=False)
    assert 'id="orgsim-data"' in text and "<svg" not in text and "c-exit" in text


@pytest.mark.parametrize("name", ["orgsim.reports.html", "orgsim.reports.report_data"])
def test_docstring_examples(name):
    """The report modules' docstring examples run."""
    import doctest
    import importlib

    assert doctest.testmod(importlib.import_module(name)).failed == 0


def test_page_holds_the_map_the_live_network_and_the_thai_font(page, csto_history):
    """The map (a path per country), the inlined cytoscape.js with its licence, and Noto Sans Thai subset to the page."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    text, _parsed, data = page
    assert '<svg id="org-map"' in text and 'data-iso="UZB"' in text and 'id="net-live"' in text
    assert "The Cytoscape Consortium" in text and "Permission is hereby granted" in text
    assert data["live"]["colors"]["suspended"] == "#D55E00"
    font = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", text)
    assert font, "no embedded font"
    cmap = TTFont(io.BytesIO(base64.b64decode(font.group(1)))).getBestCmap()
    thai = {c for e in csto_history.log.events for s in e.sources for c in (s.quote or "") if "\u0e00" <= c <= "\u0e7f"}
    assert thai and all(ord(c) in cmap for c in thai)
    assert len(font.group(1)) < 60000  # a subset, not the whole font
