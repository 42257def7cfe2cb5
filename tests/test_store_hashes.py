"""The log hash travels with every result: state JSON, the HTML report, every export, scenario comparisons."""

from __future__ import annotations

import hashlib
import json
import os

from orgsim.engine.history import History
from orgsim.events import load_log
from orgsim.events.canonical import log_hash
from orgsim.reports.exports import history_gexf, history_json, state_graphml
from orgsim.reports.html import render_report
from orgsim.reports.timelinejs import timeline
from orgsim.scenarios.branch import build_branch
from orgsim.scenarios.compare import compare
from orgsim.scenarios.load import load_scenario

from .conftest import TINY

SCENARIOS = os.path.join(os.path.dirname(__file__), "..", "scenarios")


def test_the_log_hash_is_the_same_for_the_same_content(tmp_path):
    """Reformatting a log (comments, key order, defaults spelt out) keeps its hash; changing a date does not."""
    h = log_hash(load_log(TINY))
    text = open(TINY, encoding="utf-8").read()
    reformatted = tmp_path / "a.yaml"
    reformatted.write_text("# a comment\n" + text.replace("    kind: accession\n", "    kind: accession\n"
                                                          "    confidence: high\n"), encoding="utf-8")
    changed = tmp_path / "b.yaml"
    changed.write_text(text.replace('"2008~"', '"2008"'), encoding="utf-8")
    assert log_hash(load_log(str(reformatted))) == h != log_hash(load_log(str(changed)))


def test_state_json_carries_the_log_hash(run, tmp_path):
    """`state --format json` has a top-level log_hash: the documented chain, computed here by hand."""
    path = tmp_path / "two.yaml"
    path.write_text("orgsim_log: 2\nid: two\ntitle: Two events\norganization: TA\n"
                    "entities: {organizations: {TA: {name: T}}}\nsources: {n: {file: n.txt}}\nevents:\n"
                    "- {id: a, date: '1990', kind: org_founded, actors: [FRA], target: TA, rationale: r}\n"
                    "- {id: b, date: '1991-05', kind: accession, actors: [DEU], target: TA, confidence: low,"
                    " rationale: s}\n", encoding="utf-8")
    chain = "0" * 64
    for text in ('{"conflicts":[],"entities":{"organizations":{"TA":{"name":"T"}}},"id":"two","organization":"TA",'
                 '"orgsim_log":2,"sources":{"n":{"file":"n.txt"}},"texts":[],"title":"Two events"}',
                 '{"actors":["FRA"],"date":"1990","id":"a","kind":"org_founded","org":"TA","rationale":"r",'
                 '"target":"TA"}',
                 '{"actors":["DEU"],"confidence":"low","date":"1991-05","id":"b","kind":"accession","org":"TA",'
                 '"rationale":"s","target":"TA"}'):
        chain = hashlib.sha256(f"{chain}\n{text}".encode("utf-8")).hexdigest()
    _, out, _ = run("state", "--at", "2000", "--log", str(path), "--format", "json")
    assert json.loads(out)["log_hash"] == chain


def test_reports_and_exports_record_the_log_hash():
    """The HTML report shows and embeds it; JSON, GEXF, GraphML and TimelineJS exports carry it."""
    history = History.load(TINY)
    h = log_hash(history.log)
    page = render_report(history, figures=False)
    assert page.count(h) >= 3  # the head, the footer and the embedded data
    assert history_json(history)["log"]["log_hash"] == h
    assert f"<description>orgsim log hash {h}</description>" in history_gexf(history)
    assert f">{h}</data>" in state_graphml(history)
    assert h in timeline(history)["title"]["text"]["text"]


def test_scenario_comparisons_record_both_hashes():
    """A comparison names the baseline log's hash and the branch's, which differ when the branch changes events."""
    branch = build_branch(load_scenario(os.path.join(SCENARIOS, "moldova-joins-2004.yaml")))
    result = compare(branch)
    assert result["log_hash"] == log_hash(branch.baseline.log) != result["branch_hash"]
