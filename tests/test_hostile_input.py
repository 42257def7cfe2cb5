"""Hostile input through the real command line: one line naming the file and line, exit 2, nothing written.

Cases already covered elsewhere are not repeated here: an impossible day, an unknown
kind or event field, a duplicate id and a withdrawal by a non-member through
``orgsim validate`` (tests/test_validation.py), and unknown events, rules and dates
in scenarios (tests/test_scenarios.py).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time

import pytest

from .conftest import TINY

ONE_SOURCE = "sources: [{source: notes, line: 2, quote: q, gloss: g}]"
# The header written by the `write_log` fixture takes lines 1-12; a first added event starts at line 13.
FIRST = 13


def refused(run, args, path, line, fragment, tmp_path=None):
    """Run the CLI and check: exit 2, one stderr line `orgsim: error: PATH:LINE: …`, nothing on stdout.

    ``line`` None means a problem with the whole file (`PATH: …`), "*" any line.
    """
    before = sorted(os.listdir(tmp_path)) if tmp_path else None
    code, out, err = run(*args)
    lines = err.strip().splitlines()
    assert code == 2, (code, out, err)
    assert len(lines) == 1, err
    where = re.escape(f"{path}:{line}: " if line else f"{path}: ").replace(r"\*", r"\d+")
    assert re.match(f"orgsim: error: {where}", lines[0]), lines[0]
    assert fragment in lines[0], lines[0]
    assert out == ""
    if tmp_path:
        assert sorted(os.listdir(tmp_path)) == before, "something was written"
    return lines[0]


def every_command(run, path, line, fragment, tmp_path):
    """validate, state --log and report -o all refuse the log, and the report folder is not created."""
    refused(run, ["validate", path], path, line, fragment, tmp_path)
    refused(run, ["state", "--at", "2000", "--log", path], path, line, fragment, tmp_path)
    refused(run, ["report", "-o", str(tmp_path / "report"), "--log", path], path, line, fragment, tmp_path)
    assert not (tmp_path / "report").exists()


# --- malformed YAML, bombs, depth, size ------------------------------------------------


def test_malformed_yaml_is_refused_by_every_command_with_its_line(write_log, run, tmp_path):
    """An unclosed quote on line 14 is named as line 14 by validate, state and report, and no report appears."""
    path = write_log(f"""\
        - id: broken
          date: "1991
          kind: accession
          {ONE_SOURCE}
        """)
    every_command(run, path, "*", "not valid YAML", tmp_path)


def test_a_tab_indented_event_is_refused_with_its_line(write_log, run, tmp_path):
    """A tab where YAML wants spaces is a one-line error on that line."""
    path = write_log("- id: tabbed\n\tdate: '1991'\n")
    refused(run, ["validate", path], path, FIRST + 1, "not valid YAML", tmp_path)


def _bomb(levels: int = 10) -> str:
    rows = ['orgsim_log: 2', 'organization: TA', 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 8) + "]" for i in range(1, levels)]
    return "\n".join(rows) + "\nevents: []\n"


def _measured(args: list[str], timeout: float = 20) -> tuple[int, str, float, float]:
    """Run `orgsim ARGS` in a child; return its exit code, stderr, seconds, and peak memory (MB)."""
    probe = textwrap.dedent("""\
        import resource, subprocess, sys, time
        t = time.monotonic()
        p = subprocess.run([sys.executable, "-m", "orgsim", *sys.argv[1:]], capture_output=True, text=True)
        t = time.monotonic() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
        sys.stdout.write(f"{p.returncode}\\n{t}\\n{peak}\\n{p.stderr}")
        """)
    proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=timeout,
                          check=False)
    code, seconds, peak, err = proc.stdout.split("\n", 3)
    return int(code), err, float(seconds), float(peak)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kilobytes on Linux")
def test_a_billion_laughs_is_refused_quickly_in_bounded_memory(tmp_path):
    """Ten levels of eightfold aliases (a billion strings if expanded) are refused at once, in little memory."""
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(), encoding="utf-8")
    code, err, seconds, peak = _measured(["validate", str(path)])
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"orgsim: error: {path}:3: not valid YAML: anchors and aliases are not allowed")
    assert peak < 300 and seconds < 20
    assert os.listdir(tmp_path) == ["bomb.yaml"]


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kilobytes on Linux")
def test_a_100_mb_log_is_refused_quickly_in_bounded_memory(tmp_path):
    """A 100 MB log is refused by its size before it is read: quickly, and in far less memory than the file."""
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as fh:
        fh.write(b"orgsim_log: 2\norganization: TA\nevents:\n")
        chunk = b"- {id: x, date: '1991', kind: statement, rationale: r}\n" * 20000
        while fh.tell() < 100 * 1024 * 1024:
            fh.write(chunk)
    for args in (["validate", str(path)], ["state", "--at", "2000", "--log", str(path)]):
        code, err, seconds, peak = _measured(args)
        assert code == 2 and err.count("\n") == 1, err
        assert err.startswith(f"orgsim: error: {path}: file is ") and "larger than the 67,108,864 bytes" in err
        assert peak < 300 and seconds < 20
    assert os.listdir(tmp_path) == ["huge.yaml"]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_file_that_never_ends_is_refused_without_reading_it_all(run):
    """/dev/zero claims to be empty but never ends: reading stops at the size limit, with one line."""
    start = time.monotonic()
    refused(run, ["validate", "/dev/zero"], "/dev/zero", None, "larger than the 67,108,864 bytes")
    assert time.monotonic() - start < 20


def test_100000_nested_lists_are_one_line_with_the_line(tmp_path, run):
    """A document nested 100,000 levels deep is refused with its line, not a RecursionError."""
    path = tmp_path / "deep.yaml"
    path.write_text("orgsim_log: 2\norganization: TA\nevents: " + "[" * 100_000 + "]" * 100_000 + "\n",
                    encoding="utf-8")
    refused(run, ["validate", str(path)], str(path), 3, "nested", tmp_path)


def test_a_payload_nested_200_deep_is_one_line_with_the_line(write_log, run, tmp_path):
    """Nesting within YAML's own limit but past Python's recursion is refused as too deep, on its line."""
    path = write_log(f"""\
        - id: deep
          date: "1991"
          kind: statement
          payload: {{x: {"[" * 200 + "]" * 200}}}
          {ONE_SOURCE}
        """)
    refused(run, ["validate", path], path, FIRST + 3, "nested more than 64 levels deep", tmp_path)


def test_a_nul_byte_is_refused_with_its_line(write_log, run, tmp_path):
    """A control character YAML does not allow is named with the line it is on."""
    path = write_log(f"""\
        - id: nul
          date: "1991"
          kind: statement
          note: "a\x00b"
          {ONE_SOURCE}
        """)
    refused(run, ["validate", path], path, FIRST + 3, "control characters are not allowed (character #x0000)",
            tmp_path)


def test_non_utf8_bytes_are_refused_by_state_report_and_scenarios(tmp_path, run):
    """Latin-1 bytes on line 3 are named as line 3 by state, report and scenario validate."""
    log = tmp_path / "latin1.yaml"
    log.write_bytes(b"orgsim_log: 2\norganization: X\n# caf\xe9\nevents: []\n")
    every_command(run, str(log), 3, "not UTF-8", tmp_path)
    scenario = tmp_path / "latin1-scenario.yaml"
    scenario.write_bytes(b"orgsim_scenario: 1\nname: t\nquestion: \xe9t\xe9?\n")
    refused(run, ["scenario", "validate", str(scenario)], str(scenario), 3, "not UTF-8", tmp_path)


@pytest.mark.parametrize("tag", ["!!binary aGk=", "!!set {a, b}", "!!python/object/apply:os.system ['true']"])
def test_yaml_tags_beyond_plain_data_are_refused(write_log, run, tmp_path, tag):
    """Bytes, sets and Python objects are not data a log holds: one line with the line."""
    path = write_log(f"""\
        - id: tagged
          date: "1991"
          kind: statement
          payload: {{x: {tag}}}
          {ONE_SOURCE}
        """)
    refused(run, ["validate", path], path, FIRST + 3, "not valid YAML", tmp_path)


def test_a_folder_given_as_a_scenarios_log_is_one_line(tmp_path, run):
    """`log: .` (a folder) is named as the scenario's problem, not a traceback."""
    path = tmp_path / "s.yaml"
    path.write_text("orgsim_scenario: 1\nname: t\nquestion: t?\nlog: .\n", encoding="utf-8")
    refused(run, ["scenario", "validate", str(path)], str(path), 1, "neither a bundled log nor a file", tmp_path)


# --- wrong types, unknown fields, dates ----------------------------------------------------

WRONG_EVENTS = {
    "actors a number": ("actors: 5", "actors must be a list of ids"),
    "date a list": ("date: [1991]", "must be a date written as text"),
    "kind a list": ("kind: [accession]", "unknown kind ['accession']"),
    "payload a list": ("payload: [1, 2]", "payload must be a mapping"),
    "strength as words": ("payload: {strength: many}", "payload.strength must be a number"),
    "parent a number": ("payload: {parent: 5}", "payload.parent must be an id"),
    "members not ids": ("payload: {members: [[FRA]]}", "payload.members must be a list of ids"),
    "rule bodies a number": ("payload: {params: {bodies: 3}}", "payload.params.bodies must be a list of ids"),
    "seq as text": ("seq: first", "seq must be a whole number"),
    "sources as text": ("sources: notes", "sources must be a non-empty list"),
    "source line as text": ("sources: [{source: notes, line: two, quote: q, gloss: g}]",
                            "a source's line must be a positive whole number"),
    "source key a list": ("sources: [{source: [notes], line: 2, quote: q, gloss: g}]", "is not declared"),
    "provenance as text": ("provenance: somewhere", "provenance must be a mapping"),
    "note a mapping": ("note: {a: 1}", "note must be text"),
    "confidence unknown": ("confidence: certain", "confidence must be one of high, medium, low"),
    "unknown source field": ("sources: [{source: notes, line: 2, quote: q, gloss: g, page: 4}]",
                             "unknown source field 'page'"),
    "number and text keys": ("1: x", "unknown field 1"),
    "an actor named twice": ("actors: [FRA, DEU, FRA]", "actors names 'FRA' twice"),
}


@pytest.mark.parametrize("case", sorted(WRONG_EVENTS))
def test_fields_of_the_wrong_type_are_one_line_with_the_event(case, write_log, run, tmp_path):
    """A field of the wrong type gets one line naming the file, the line and the event.

    The line is the event's, or that of the mapping inside it that is wrong (a payload, a source).
    """
    field, fragment = WRONG_EVENTS[case]
    lines = {"id": "id: wrong", "date": 'date: "1991"', "kind": "kind: statement", "sources": ONE_SOURCE}
    key = field.split(":")[0]
    lines[key if key in lines else "extra"] = field
    path = write_log("- " + "\n  ".join(lines.values()) + "\n")
    nested = field.startswith(("payload: {", "sources: [{"))
    line = FIRST + list(lines).index(key if key in lines else "extra") if nested else FIRST
    message = refused(run, ["validate", path], path, line, fragment, tmp_path)
    assert "event 'wrong': " in message


WRONG_HEADERS = {
    "schema version 0": ("orgsim_log: 0\norganization: TA\nevents: []\n", 1, "unknown log schema 0"),
    "events a mapping": ("orgsim_log: 2\norganization: TA\nevents: {a: 1}\n", 1, "`events:` must be a list"),
    "schema 1 with events a number": ("orgsim_log: 1\norganization: TA\nevents: 5\n", 1, "`events:` must be a list"),
    "entities a list": ("orgsim_log: 2\norganization: TA\nentities: [TA]\nevents: []\n", 1,
                        "entities must be a mapping"),
    "organizations a list": ("orgsim_log: 2\norganization: TA\nentities:\n  organizations: [TA]\nevents: []\n", 4,
                             "entities.organizations must be a mapping"),
    "unknown entities group": ("orgsim_log: 2\norganization: TA\nentities:\n  countries: {}\nevents: []\n", 4,
                               "unknown entities group 'countries'"),
    "sources a list": ("orgsim_log: 2\norganization: TA\nsources: [notes]\nevents: []\n", 1,
                       "sources must be a mapping"),
    "a source without a mapping": ("orgsim_log: 2\norganization: TA\nsources:\n  notes: 5\nevents: []\n", 4,
                                   "sources: 'notes' must be a name with a mapping"),
    "texts a number": ("orgsim_log: 2\norganization: TA\ntexts: 5\nevents: []\n", 1, "texts must be a list"),
    "unknown header field": ("orgsim_log: 2\norganization: TA\nevnts: []\nevents: []\n", 1,
                             "unknown header field 'evnts'"),
    "a conflict that is a number": ("orgsim_log: 2\norganization: TA\nconflicts: [5]\nevents: []\n", None,
                                    "each conflict must be a mapping"),
    "a reading with a list id": ("orgsim_log: 2\norganization: TA\nconflicts:\n- id: c\n  readings:\n"
                                 "  - {id: [a]}\n  - {id: b}\nevents: []\n", 6, "each reading needs an id"),
    "a reading naming an unknown event": ("orgsim_log: 2\norganization: TA\nconflicts:\n- id: c\n  readings:\n"
                                          "  - {id: a, events: [ghost]}\nevents: []\n", 6,
                                          "reading 'a': no event 'ghost' in the log"),
    "a repeated conflict id": ("orgsim_log: 2\norganization: TA\nconflicts:\n- id: c\n  readings: []\n"
                               "- id: c\nevents: []\n", 4, "needs two or more readings"),
}


@pytest.mark.parametrize("case", sorted(WRONG_HEADERS))
def test_a_malformed_header_is_one_line(case, tmp_path, run):
    """Header fields of the wrong type, unknown groups and broken conflicts: one line, exit 2, no traceback."""
    content, line, fragment = WRONG_HEADERS[case]
    path = tmp_path / "header.yaml"
    path.write_text(content, encoding="utf-8")
    refused(run, ["validate", str(path)], str(path), line, fragment, tmp_path)


@pytest.mark.parametrize("date, fragment", [
    ("2001/2000", "'2001/2000' ends before it starts"),
    ("2009-06-01/2009-05", "ends before it starts"),
    ("2500", "'2500' is outside the years 1000-2200"),
    ("9999-12-31", "'9999-12-31' is outside the years 1000-2200"),
    ("0209", "'0209' is outside the years 1000-2200"),
    ("19930", "is not a date: write YYYY"),
    ("١٩٩٣", "is not a date: write YYYY"),
    ("[" + "1993," * 30 + "1994]", "characters, more than 64"),
])
def test_impossible_and_far_dates_are_one_line(date, fragment, write_log, run, tmp_path):
    """Ranges that end before they start, dates far in the future or past, non-ASCII digits: one line."""
    path = write_log(f"""\
        - id: when
          date: "{date}"
          kind: statement
          {ONE_SOURCE}
        """)
    every_command(run, path, FIRST, fragment, tmp_path)


@pytest.mark.parametrize("at", ["2009-02-30", "2500", "tomorrow", "2001/2002"])
def test_a_bad_query_date_is_one_line(at, run, tmp_path):
    """`state --at` with an impossible, far or malformed date: one line, exit 2, nothing on stdout."""
    code, out, err = run("state", "--at", at, "--log", TINY)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("orgsim: error: ") and at in err


# --- the state contradicted, through state and report ----------------------------------


def test_an_event_contradicting_the_state_stops_state_and_report(write_log, run, tmp_path):
    """A readmission of a state that never left is named by state and report, and no report is written."""
    path = write_log(f"""\
        - id: fra-back
          date: "1991"
          kind: readmission
          actors: [FRA]
          target: TA
          {ONE_SOURCE}
        """)
    every_command(run, path, FIRST, "event 'fra-back': FRA was never a member of TA before 1991: its status is "
                                    "signatory", tmp_path)


def test_a_duplicate_id_in_a_later_event_stops_state_and_report(write_log, run, tmp_path):
    """The second use of an id is named with its own line and the first one's."""
    path = write_log(f"""\
        - id: dup
          date: "1991"
          kind: statement
          {ONE_SOURCE}
        - id: dup
          date: "1992"
          kind: statement
          {ONE_SOURCE}
        """)
    every_command(run, path, FIRST + 4, "event 'dup': duplicate id (first used at line 13)", tmp_path)


# --- scenarios ----------------------------------------------------------------------------

SCENARIO_HEAD = f"orgsim_scenario: 1\nname: t\nquestion: t?\nlog: {TINY}\n"
BAD_SCENARIOS = {
    "move of an unknown event": ("interventions:\n  - move: ghost\n    to: '1999'\n", 6, "unknown event 'ghost'"),
    "change of an unknown event": ("interventions:\n  - change: ghost\n    set: {date: '1999'}\n", 6,
                                   "unknown event 'ghost'"),
    "a reading of an unknown conflict": ("interventions:\n  - reading: ghost\n    choose: a\n", 6,
                                         "unknown conflict 'ghost'"),
    "a reading chosen as a list": ("interventions:\n  - reading: c-exit\n    choose: [withdrew]\n", 6,
                                   "choose one of suspended, withdrew"),
    "an insert reusing an id": ("interventions:\n  - insert: {id: sg, date: '1999', kind: statement, "
                                "rationale: r}\n", 6, "event id 'sg' is already in the log"),
    "an insert with an unknown state": ("interventions:\n  - insert: {id: x, date: '1999', kind: accession, "
                                        "actors: [ATL], target: TA, rationale: r}\n", 6, "unknown state code 'ATL'"),
    "a change to an unknown state": ("interventions:\n  - change: nld-back\n    set: {actors: [ATL]}\n", 6,
                                     "unknown state code 'ATL'"),
    "a change of kind to a list": ("interventions:\n  - change: nld-back\n    set: {kind: [withdrawal]}\n", 6,
                                   "unknown kind ['withdrawal']"),
    "an unknown intervention field": ("interventions:\n  - remove: sg\n    because: why not\n", 6,
                                      "remove: unknown field 'because'"),
    "why as a list": ("interventions:\n  - remove: sg\n    why: [1]\n", 6, "`why:` must be text"),
    "raised_by a number": ("raised_by: 5\n", 1, "raised_by: a list"),
    "candidates a number": ("stochastic: {candidates: 5}\n", 5, "stochastic.candidates: a list of state codes"),
    "runs as words": ("stochastic: {runs: many}\n", 5, "stochastic.runs: a whole number"),
    "a version of true": (None, 1, "missing `orgsim_scenario: 1`"),
}


@pytest.mark.parametrize("case", sorted(BAD_SCENARIOS))
def test_scenarios_naming_unknown_things_or_wrong_types_are_one_line(case, tmp_path, run):
    """Unknown events and conflicts, reused ids, wrong types in a scenario: one line with its line, exit 2."""
    body, line, fragment = BAD_SCENARIOS[case]
    path = tmp_path / "s.yaml"
    text = SCENARIO_HEAD + body if body is not None else SCENARIO_HEAD.replace(": 1\n", ": true\n", 1)
    path.write_text(text, encoding="utf-8")
    refused(run, ["scenario", "validate", str(path)], str(path), line, fragment, tmp_path)
    compare_dir = tmp_path / "cmp"
    refused(run, ["scenario", "compare", str(path), "-o", str(compare_dir)], str(path), line, fragment, tmp_path)
    assert not compare_dir.exists()


def test_a_scenario_on_a_broken_log_names_the_log(write_log, tmp_path, run):
    """A scenario whose log contradicts itself is refused with the log's file and line, not the scenario's."""
    log = write_log(f"""\
        - id: bad
          date: "1991"
          kind: statement
          actors: 7
          {ONE_SOURCE}
        """)
    path = tmp_path / "s.yaml"
    path.write_text(f"orgsim_scenario: 1\nname: t\nquestion: t?\nlog: {log}\n", encoding="utf-8")
    refused(run, ["scenario", "validate", str(path)], log, FIRST, "actors must be a list of ids", tmp_path)
