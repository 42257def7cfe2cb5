"""Fuzzing the log, scenario and date parsers for a fixed budget: nothing but the documented errors comes out.

The documented errors are ``InputError`` (``LogError`` among them) and ``DateError``:
the command line turns both into one line and exit status 2. Anything else (a
TypeError, a KeyError, a RecursionError) would be a traceback for the user.
Under CI (the ``CI`` variable set) each run is derandomized, so CI sees the same inputs every time;
elsewhere every run explores new inputs (tests/conftest.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from orgsim.engine.history import History
from orgsim.engine.order import order_issues
from orgsim.events.dates import DateError, parse_date, parse_query_date
from orgsim.events.errors import InputError
from orgsim.events.parse import load_log_text
from orgsim.scenarios.branch import build_branch
from orgsim.scenarios.load import load_scenario

from .conftest import TINY
from .strategies import dump, log_documents, log_texts, mangled_text, mutated

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
DOCUMENTED = (InputError, DateError)


def _use_log(text: str) -> None:
    """Everything `orgsim validate --check-order` and `orgsim state` do with a log."""
    try:
        log = load_log_text(text, "fuzz.yaml")
        history = History(log)
        history.validate()
        for e in log.events[:3]:
            history.at(e.date)
        order_issues(log)
    except DOCUMENTED:
        pass


@FUZZ
@given(mutated(log_documents(max_events=8)))
def test_logs_with_wrong_types_and_unknown_fields_give_only_documented_errors(doc):
    """Values swapped for other types, fields dropped or added, events repeated: a one-line error or a log."""
    _use_log(dump(doc))


@FUZZ
@given(mangled_text(log_texts(max_events=6)))
def test_logs_with_mangled_text_give_only_documented_errors(text):
    """YAML cut, spliced with tags, anchors, NUL bytes or brackets: a one-line error or a log."""
    _use_log(text)


SCENARIO_INTERVENTIONS = [
    {"remove": "bel-joins-force", "why": "a test"},
    {"move": "sg", "to": "1996"},
    {"change": "nld-back", "set": {"date": "2009", "actors": ["NLD"]}},
    {"insert": {"id": "ita-joins", "date": "1999", "kind": "accession", "actors": ["ITA"], "target": "TA",
                "rationale": "what if"}},
    {"rule": "TA.R.CONSENSUS", "mode": "strict"},
    {"reading": "c-exit", "choose": "withdrew"},
]


@st.composite
def scenario_documents(draw) -> dict:
    """A valid scenario on the tiny log: some of the interventions above, maybe a stochastic part."""
    doc = {"orgsim_scenario": 1, "name": "fuzz", "question": "What if?", "log": os.path.abspath(TINY),
           "raised_by": [{"line": 1, "quote": "q", "gloss": "g"}], "expected": "something",
           "interventions": draw(st.lists(st.sampled_from(SCENARIO_INTERVENTIONS), max_size=4, unique_by=str))}
    if draw(st.booleans()):
        doc["stochastic"] = {"start": "2009", "until": "2012", "absence": 0.1, "runs": 2, "candidates": ["ITA"]}
    if draw(st.booleans()):
        doc["compare_at"] = "2010"
    return doc


@FUZZ
@given(st.one_of(mutated(scenario_documents()), mangled_text(scenario_documents().map(dump))))
def test_scenarios_give_only_documented_errors(tmp_path, doc):
    """A mangled scenario file is refused with one line, or it loads and branches its log."""
    path = tmp_path / "fuzz-scenario.yaml"
    path.write_text(doc if isinstance(doc, str) else dump(doc), encoding="utf-8")
    try:
        branch = build_branch(load_scenario(str(path)))
        _ = branch.invalidated
    except DOCUMENTED:
        pass


@st.composite
def valid_dates(draw) -> tuple[str, dt.date, dt.date]:
    """A valid EDTF date at day, month or year precision, maybe qualified, with its first and last day.

    The bounds come from the calendar (``calendar.monthrange``), not from the parser under test.
    """
    d = draw(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2200, 12, 31)))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    if precision == "day":
        text, first, last = d.isoformat(), d, d
    elif precision == "month":
        text = d.isoformat()[:7]
        first, last = d.replace(day=1), d.replace(day=calendar.monthrange(d.year, d.month)[1])
    else:
        text, first, last = d.isoformat()[:4], dt.date(d.year, 1, 1), dt.date(d.year, 12, 31)
    return text + draw(st.sampled_from(["", "~", "?", "%"])), first, last


@st.composite
def valid_ranges(draw) -> tuple[str, dt.date, dt.date]:
    """``A/B`` with B not before A, or ``../B``: first day of A (of B when open), last day of B."""
    (a, a_first, _a_last), (b, b_first, b_last) = draw(valid_dates()), draw(valid_dates())
    if draw(st.booleans()):
        return f"../{b}", b_first, b_last
    if b_last < a_first:
        (a, a_first), (b, b_last) = (b, b_first), (a, _a_last)
    return f"{a}/{b}", a_first, b_last


@FUZZ
@given(st.one_of(valid_dates(), valid_ranges()))
def test_valid_dates_parse_to_their_calendar_bounds(case):
    """A valid date or range parses; its first and last day are the calendar's; '~' and '%' mark it approximate."""
    text, first, last = case
    parsed = parse_date(text)
    assert (parsed.first, parsed.last) == (first, last)
    assert parsed.approximate == ("~" in text or "%" in text)
    assert parsed.uncertain == ("?" in text or "%" in text)


@FUZZ
@given(st.one_of(valid_dates().map(lambda c: c[0]), valid_ranges().map(lambda c: c[0]), st.text(max_size=30),
                 st.from_regex(r"\A[0-9X.~?%/\-\[\],{}]{1,25}\Z")))
def test_any_date_text_is_a_date_or_a_date_error(text):
    """A date the parser does not take is a DateError, never another exception; a date it takes is well formed."""
    for parse in (parse_date, parse_query_date):
        try:
            parsed = parse(text)
        except DateError:
            continue
        assert parsed.key and (parsed.upper is None or parsed.upper >= parsed.key or parsed.lower is None)


def test_settings_are_derandomized_only_under_ci():
    """The fuzz budget replays one fixed sequence under CI, and explores new inputs elsewhere."""
    assert FUZZ.derandomize is bool(os.environ.get("CI"))
    assert (FUZZ.database is None) is bool(os.environ.get("CI"))
