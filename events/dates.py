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
from typing import TYPE_CHECKING, TypeAlias, Union

if TYPE_CHECKING:  # only for the type alias: dates never need numpy at run time
    import numpy

#: Dates outside these years are refused: a typo like 20090 or 0209 is caught at load.
MIN_YEAR = 1000
MAX_YEAR = 2200
#: Longest date text read: the longest EDTF a log needs is a span of two days with qualifiers (about
#: 25 characters); the EDTF library takes seconds over a long list, so longer text is refused unparsed.
MAX_DATE_CHARS = 64

# ASCII digits only: `\d` would also take other scripts' digits (a date written "١٩٩٣").
_SIMPLE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%])?\Z")
_QUERY = re.compile(r"^[0-9]{4}(?:-(0[1-9]|1[0-2])(?:-[0-9]{2})?)?\Z")
# An ISO date and time (a notebook's `str(datetime)`): only its date counts.
_ISO_TIME = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
                       r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?\Z")
#: What a user's date may be, for messages (the log's extra forms are in docs/log-format.md, "Dates").
QUERY_FORMS = "use YYYY, YYYY-MM or YYYY-MM-DD"
LOG_FORMS = ("write YYYY, YYYY-MM, YYYY-MM-DD or another form listed under \"Dates\" in docs/log-format.md "
             "(2009~, 199X, 2000/2002, ../2016-11)")


class DateError(ValueError):
    """A date that orgsim cannot read, or that is impossible or out of range."""


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
#: What every date argument accepts (pandas.Timestamp is a datetime.datetime, itself a datetime.date).
DateLike: TypeAlias = Union[str, _dt.date, "numpy.datetime64", HistDate]


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
        raise DateError(f"{text!r} is not a date: {LOG_FORMS}") from exc
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


def _suggest(text: str) -> str | None:
    """The documented form nearest to a mistyped date (swapped month digits, other orders, missing zeros)."""
    t = text.strip()
    m = re.fullmatch(r"([0-9]{4})-([0-9])([0-9])", t)
    if m:  # 2009-21: a season in a log, but here most likely a month typed backwards
        swapped = int(m.group(3) + m.group(2))
        return f"{m.group(1)}-{swapped:02d}" if 1 <= swapped <= 12 else m.group(1)
    parts = re.split(r"[-./ ]", t)
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        if len(parts[0]) == 4:
            y, mo, d = parts
        elif len(parts[2]) == 4:
            d, mo, y = parts  # day first, as most of the world writes it
        else:
            return None
        try:
            return _dt.date(int(y), int(mo), int(d)).isoformat()
        except ValueError:
            return f"{int(y):04d}-{int(mo):02d}" if 1 <= int(mo) <= 12 else y
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        y, mo = (parts[0], parts[1]) if len(parts[0]) == 4 else (parts[1], parts[0])
        if len(y) == 4 and 1 <= int(mo) <= 12:
            return f"{y}-{int(mo):02d}"
    years = re.findall(r"(?<![0-9])[0-9]{4}(?![0-9])", t)
    return years[0] if len(years) == 1 else None


def parse_query_date(text: str) -> HistDate:
    """Parse a date a user asks about: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (its first day counts).

    Seasons and the log's other forms are refused here, so a typo such as ``2009-21`` is not read as spring.

    >>> parse_query_date("2009").first.isoformat()
    '2009-01-01'
    >>> parse_query_date("2009-21")
    Traceback (most recent call last):
    ...
    orgsim.events.dates.DateError: '2009-21' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD (did you mean 2009-12?)
    """
    if isinstance(text, str):
        m = _ISO_TIME.match(text.strip())
        if m:
            text = m.group(1)
    if not isinstance(text, str) or not _QUERY.match(text.strip()):
        hint = _suggest(text) if isinstance(text, str) else None
        raise DateError(f"{text!r} is not a date: {QUERY_FORMS}" + (f" (did you mean {hint}?)" if hint else ""))
    return parse_date(text.strip())


def to_date(value: DateLike) -> HistDate:
    """Any date a user passes (str, date, datetime, numpy.datetime64, pandas.Timestamp, HistDate) as a HistDate.

    A datetime counts by its calendar date (its time and time zone are dropped); a numpy.datetime64 keeps a
    year or month unit as that precision.

    >>> to_date(_dt.date(2009, 6, 14)) == parse_query_date("2009-06-14")
    True
    """
    if isinstance(value, HistDate):
        return value
    if isinstance(value, str):
        return parse_query_date(value)
    if isinstance(value, _dt.datetime):  # pandas.Timestamp is a datetime
        if value != value:  # NaT compares unequal to itself
            raise DateError("NaT is not a date")
        return parse_query_date(value.date().isoformat())
    if isinstance(value, _dt.date):
        return parse_query_date(value.isoformat())
    if type(value).__name__ == "datetime64":  # numpy, without importing it here
        unit = str(getattr(value, "dtype", "")).partition("[")[2].rstrip("]")
        text = str(value if unit in ("Y", "M", "D") else value.astype("datetime64[D]"))  # type: ignore[attr-defined]
        if text == "NaT":
            raise DateError("NaT is not a date")
        return parse_query_date(text)
    raise DateError(f"{value!r} is not a date: give a str (YYYY, YYYY-MM or YYYY-MM-DD), datetime.date, "
                    f"datetime.datetime, numpy.datetime64 or pandas.Timestamp")


def ordinal_to_iso(ordinal: int) -> str:
    """Format a day ordinal as ISO 8601."""
    return _dt.date.fromordinal(ordinal).isoformat()
