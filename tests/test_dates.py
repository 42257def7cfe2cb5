"""Dates keep their precision, sort at the start of their period, and bad ones are refused."""

import pytest

from orgsim.events.dates import DateError, parse_date, parse_query_date


def test_month_is_shown_as_written_and_spans_the_month():
    """A month-precision date is never turned into a day."""
    d = parse_date("1993-12")
    assert str(d) == "1993-12"
    assert (d.first.isoformat(), d.last.isoformat(), d.precision) == ("1993-12-01", "1993-12-31", "month")


def test_year_approximate_and_uncertain_flags():
    """~ and ? are kept as flags; the bounds are the year's."""
    d = parse_date("2009~")
    assert d.approximate and not d.uncertain and d.precision == "year"
    assert parse_date("2009?").uncertain


def test_season_and_decade_go_through_edtf():
    """EDTF seasons and unspecified digits get their real bounds."""
    spring = parse_date("2009-21")
    assert (spring.first.month, spring.last.month, spring.precision) == (3, 5, "season")
    decade = parse_date("199X")
    assert (decade.first.year, decade.last.year) == (1990, 1999)


def test_open_start_sorts_at_its_attested_end():
    """'../2016-11' (attested by November 2016) applies from 2016-11-01."""
    d = parse_date("../2016-11")
    assert d.lower is None and d.first.isoformat() == "2016-11-01" and d.precision == "range"


@pytest.mark.parametrize("text, fragment", [
    ("2009-02-30", "day is out of range"),
    ("2010/2009", "ends before it starts"),
    ("9999", "outside the years"),
    ("1993-13", "not a valid EDTF date"),
    ("next spring", "not a valid EDTF date"),
])
def test_impossible_dates_are_refused(text, fragment):
    """Impossible dates, reversed ranges and far-future years raise a DateError that says why."""
    with pytest.raises(DateError, match=fragment):
        parse_date(text)


def test_query_dates_accept_three_forms_only():
    """A user's date is YYYY, YYYY-MM or YYYY-MM-DD; a period means its first day."""
    assert parse_query_date("2009-06").first.isoformat() == "2009-06-01"
    with pytest.raises(DateError, match="YYYY-MM-DD"):
        parse_query_date("14 June 2009")


@pytest.mark.parametrize("text, precision", [
    ("1993-12-XX", "month"), ("1990-06-XX~", "month"), ("199X", "decade"), ("19XX", "range"),
    ("[1990,1991]", "range"), ("{1990,1991}", "range"), ("2001-25", "season"), ("2009-21", "season"),
])
def test_precision_follows_what_the_date_covers(text, precision):
    """Unspecified digits, sets and seasons get the precision of the span they cover, never an invented day."""
    assert parse_date(text).precision == precision


def test_a_range_has_one_slash():
    """'2000/2001/2002' is refused rather than read as a range of a range."""
    with pytest.raises(DateError, match="a range has one '/'"):
        parse_date("2000/2001/2002")
