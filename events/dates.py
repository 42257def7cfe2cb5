"""Historical dates: parsed once, from EDTF, into bounds that keep their precision.

This module is the one place a date string is parsed. A :class:`HistDate`
keeps the text as written (so "1993-12" is shown as "1993-12", never
"1993-12-01") and the first and last day it can mean, as proleptic
Gregorian ordinals, so that sorting and interval queries are integer work.

>>> d = parse_date("1993-12")
>>> d.text, d.precision, d.first.isoformat(), d.last.isoformat()
('1993-12', 'month', '1993-12-01', '1993-12-31')
>>> parse_date("../2016-11").key == parse_date("2016-11-01").key
True
>>> parse_date("2009-02-30")
Traceback (most recent call last):
...
orgsim.events.dates.DateError: '2009-02-30' is not a valid date: day is out of range for month
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

#: Dates outside these years are refused: a typo like 20090 or 0209 is caught at load.
MIN_YEAR = 1000
MAX_YEAR = 2200
#: Longest date text read: the longest EDTF a log needs is a span of two days with qualifiers (about
#: 25 characters); the EDTF library takes seconds over a long list, so longer text is refused unparsed.
MAX_DATE_CHARS = 64

# ASCII digits only: `\d` would also take other scripts' digits (a date written "١٩٩٣").
_SIMPLE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%])?\Z")
_QUERY = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?\Z")


class DateError(ValueError):
    """A date string that is not a valid EDTF date, or is out of range."""


@dataclass(frozen=True, slots=True)
class HistDate:
    """A historical date with its precision: the text, and its first and last day as ordinals."""

    text: str
    lower: int | None  # ordinal of the first possible day; None if the start is open
    upper: int | None  # ordinal of the last possible day; None if the end is open
    precision: str  # day | month | year | season | decade | range
    approximate: bool = False
    uncertain: bool = False
    #: The day this date sorts and applies on: its first day; for an open start
    #: ("../2016-11", attested by then), the first day of the attesting period.
    key: int = 0

    @property
    def first(self) -> _dt.date:
        """The first day this date can mean (the attested day for an open start)."""
        return _dt.date.fromordinal(self.key)

    @property
    def last(self) -> _dt.date | None:
        """The last day this date can mean, or None if open-ended."""
        return None if self.upper is None else _dt.date.fromordinal(self.upper)

    @property
    def earliest(self) -> int | None:
        """The first day this date can mean once its qualifier's margin is added (None if open).

        >>> d = parse_date("2016-10~")
        >>> _dt.date.fromordinal(d.earliest).isoformat(), _dt.date.fromordinal(d.latest).isoformat()
        ('2016-09-01', '2016-11-30')
        """
        return None if self.lower is None else _widen(self.lower, self, -1)

    @property
    def latest(self) -> int | None:
        """The last day this date can mean once its qualifier's margin is added (None if open)."""
        return None if self.upper is None else _widen(self.upper, self, 1)

    def __str__(self) -> str:
        return self.text


#: How far a qualified date reaches beyond its strict bounds: one unit of its precision each
#: side for ``~`` (approximate) or ``?`` (uncertain), two for ``%`` (both), as EDTF's own
#: library multiplies its padding. A range or season widens by a month.
MARGIN_UNITS = {"day": ("days", 1), "month": ("months", 1), "year": ("years", 1), "decade": ("years", 10),
                "season": ("months", 1), "range": ("months", 1)}


def _widen(ordinal: int, date: HistDate, sign: int) -> int:
    """Move a bound outward by the documented margin of the date's qualifiers."""
    steps = int(date.approximate) + int(date.uncertain)
    if not steps:
        return ordinal
    unit, size = MARGIN_UNITS[date.precision]
    d = _dt.date.fromordinal(ordinal)
    n = sign * steps * size
    if unit == "days":
        return ordinal + n
    months = d.year * 12 + d.month - 1 + (n if unit == "months" else 12 * n)
    y, m = divmod(months, 12)
    if sign < 0:
        return _dt.date(y, m + 1, 1).toordinal()
    nxt = _dt.date(y + (m == 11), (m + 1) % 12 + 1, 1)
    return nxt.toordinal() - 1


def _bounds_simple(y: int, m: int | None, d: int | None) -> tuple[int, int]:
    if d is not None:
        o = _dt.date(y, m, d).toordinal()  # type: ignore[arg-type]
        return o, o
    if m is not None:
        first = _dt.date(y, m, 1)
        nxt = _dt.date(y + (m == 12), m % 12 + 1, 1)
        return first.toordinal(), nxt.toordinal() - 1
    return _dt.date(y, 1, 1).toordinal(), _dt.date(y, 12, 31).toordinal()


def _check_years(text: str, *ordinals: int | None) -> None:
    for o in ordinals:
        if o is not None and not MIN_YEAR <= _dt.date.fromordinal(o).year <= MAX_YEAR:
            raise DateError(f"{text!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")


def _parse_side(text: str) -> HistDate:
    m = _SIMPLE.match(text)
    if m and not (m.group(2) and int(m.group(2)) > 12):  # months 21-41 are EDTF seasons
        y, mo, d, q = m.groups()
        if not MIN_YEAR <= int(y) <= MAX_YEAR:
            raise DateError(f"{text!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")
        try:
            lo, hi = _bounds_simple(int(y), mo and int(mo), d and int(d))
        except ValueError as exc:
            raise DateError(f"{text!r} is not a valid date: {exc}") from None
        precision = "day" if d else "month" if mo else "year"
        return HistDate(text, lo, hi, precision, approximate=q in ("~", "%"), uncertain=q in ("?", "%"), key=lo)
    return _parse_edtf(text)


def _precision_of(lo: int, hi: int) -> str:
    """What span two bounds cover: a day, a whole month, year or decade, or else a range."""
    a, b = _dt.date.fromordinal(lo), _dt.date.fromordinal(hi)
    whole_months = a.day == 1 and (b + _dt.timedelta(days=1)).day == 1
    if lo == hi:
        return "day"
    if whole_months and (a.year, a.month) == (b.year, b.month):
        return "month"
    if whole_months and (a.month, b.month) == (1, 12):
        if a.year == b.year:
            return "year"
        if a.year % 10 == 0 and b.year == a.year + 9:
            return "decade"
    return "range"


def _parse_edtf(text: str) -> HistDate:
    """The slow path: seasons, unspecified digits and other EDTF forms, through the edtf library."""
    import edtf  # imported lazily: it is slow to import and most dates never need it

    try:
        parsed = edtf.parse_edtf(text)
        lo, hi = parsed.lower_strict(), parsed.upper_strict()
        lo_o = _dt.date(lo.tm_year, lo.tm_mon, lo.tm_mday).toordinal()
        hi_o = _dt.date(hi.tm_year, hi.tm_mon, hi.tm_mday).toordinal()
    except Exception as exc:  # the library raises several types for malformed input
        raise DateError(f"{text!r} is not a valid EDTF date") from exc
    kind = type(parsed).__name__
    precision = "season" if "Season" in kind else _precision_of(lo_o, hi_o)
    return HistDate(text, lo_o, hi_o, precision, approximate="~" in text or "%" in text,
                    uncertain="?" in text or "%" in text, key=lo_o)


@lru_cache(maxsize=65536)
def parse_date(text: str) -> HistDate:
    """Parse an EDTF date or interval (``1993-12``, ``2009~``, ``2000/2002``, ``../2016-11``)."""
    if not isinstance(text, str) or not text.strip():
        raise DateError(f"{text!r} is not a date")
    text = text.strip()
    if len(text) > MAX_DATE_CHARS:
        raise DateError(f"{text[:20]!r}... is not a date: {len(text)} characters, more than {MAX_DATE_CHARS}")
    if "/" in text:
        start, _, end = text.partition("/")
        if "/" in end:
            raise DateError(f"{text!r} is not a date: a range has one '/'")
        lo = None if start in ("", "..") else _parse_side(start)
        hi = None if end in ("", "..") else _parse_side(end)
        if lo is None and hi is None:
            raise DateError(f"{text!r} is open at both ends")
        if lo is not None and hi is not None and hi.upper < lo.lower:  # type: ignore[operator]
            raise DateError(f"{text!r} ends before it starts")
        date = HistDate(text, lo and lo.lower, hi and hi.upper, "range",
                        approximate=any(s and s.approximate for s in (lo, hi)),
                        uncertain=any(s and s.uncertain for s in (lo, hi)),
                        key=lo.key if lo else hi.key)  # type: ignore[union-attr]
    else:
        date = _parse_side(text)
    _check_years(text, date.lower, date.upper)
    return date


def parse_query_date(text: str) -> HistDate:
    """Parse a date a user asks about: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (its first day counts).

    >>> parse_query_date("2009").first.isoformat()
    '2009-01-01'
    """
    if not isinstance(text, str) or not _QUERY.match(text.strip()):
        raise DateError(f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    return parse_date(text.strip())


def ordinal_to_iso(ordinal: int) -> str:
    """Format a day ordinal as ISO 8601."""
    return _dt.date.fromordinal(ordinal).isoformat()
