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
    ("1993-13", "is not a date: write YYYY"),
    ("next spring", "is not a date: write YYYY"),
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


@pytest.mark.parametrize("text, suggestion", [
    ("2009-21", "2009-12"), ("14/06/2009", "2009-06-14"), ("2009-6-1", "2009-06-01"), ("June 2009", "2009"),
])
def test_a_query_date_takes_only_the_documented_forms_and_suggests_the_nearest(text, suggestion):
    """`--at 2009-21` is refused, not read as spring 2009, and the message offers the nearest form."""
    with pytest.raises(DateError) as info:
        parse_query_date(text)
    assert str(info.value) == f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD (did you mean {suggestion}?)"


def test_no_library_jargon_in_date_messages():
    """A historian reads 'is not a date', never the name of the date standard's library."""
    for text in ("1993-13", "next spring", "2009-21"):
        with pytest.raises(DateError) as info:
            (parse_date if text != "2009-21" else parse_query_date)(text)
        assert "EDTF" not in str(info.value)


def test_every_date_object_a_notebook_holds_is_accepted():
    """str, datetime.date, datetime.datetime, numpy.datetime64 and pandas.Timestamp all name the same day."""
    import datetime

    import numpy as np
    import pandas as pd

    from orgsim.events.dates import to_date

    day = parse_query_date("2009-06-14")
    for value in (datetime.date(2009, 6, 14), datetime.datetime(2009, 6, 14, 13, 5), np.datetime64("2009-06-14"),
                  pd.Timestamp("2009-06-14").to_datetime64(), pd.Timestamp("2009-06-14"), "2009-06-14T10:00:00Z"):
        assert to_date(value) == day, value
    assert to_date(np.datetime64("2009-06")).text == "2009-06"
    for bad in (pd.NaT, np.datetime64("NaT"), 2009):
        with pytest.raises(DateError):
            to_date(bad)
