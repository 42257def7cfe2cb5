"""How COW codes a year, measured: each candidate year rule against COW IGO v3's own cells.

COW codes whole years. Which day-level reading of a year do its cells follow? This module
reads day-dated references and asks, for each state-year COW codes, what each rule predicts:

- **memberships**: the alliances ATOP 5.1 dates to the day that are also COW IGOs (NATO, the
  Warsaw Pact, the CSTO, ANZUS, SEATO, CENTO, the WEU; ``PAIRS``): a state is a member on a day
  if an ATOP spell (signature to exit) covers it; COW's cell is 1 or 0 (other codes are left out);
- **the state system**: COW's ``states2016.csv`` dates each state's entry and exit to the day;
  COW IGO's state-year file has a row for a state in a year or not.

Rules: ``any`` (some day of the year), ``jan1``, ``jul1``, ``dec31`` (that day), ``majority``
(more than half the year). Agreement is given over every compared state-year and over the
*transition* years only (a year in which a reference spell begins or ends), where the rules
differ. ``python -m orgsim.events.importers.year_rules ../shared/data`` prints the table that
``docs/datasets.md`` quotes.
"""

from __future__ import annotations

import csv
import datetime as _dt
import os
import sys
from collections.abc import Iterable

#: ATOP alliance -> COW IGO (ioname, lower case), matched by founding treaty and members.
PAIRS = {3180: "nato", 3285: "wpact", 4220: "csto", 3215: "anzus", 3260: "seato", 3275: "cento", 3130: "weu"}
RULES = ("any", "jan1", "jul1", "dec31", "majority")

Spell = tuple[int, int]  # [start, end) day ordinals


def _day(y: int, m: int, d: int, end: bool = False) -> int:
    """A date's ordinal; an unknown month or day takes the first (start) or last (end) one."""
    if y <= 0:
        return _dt.date.max.toordinal()
    if m <= 0:
        m, d = (12, 31) if end else (1, 1)
    if d <= 0:
        d = 31 if end and m == 12 else 1
        if end and m != 12:
            return _dt.date(y, m + 1, 1).toordinal() - 1
    return _dt.date(y, m, d).toordinal()


def held(spells: Iterable[Spell], year: int, rule: str) -> bool:
    """Whether spells make a state a member in a year under a rule.

    >>> s = [(_dt.date(2006, 8, 17).toordinal(), _dt.date(2012, 6, 28).toordinal())]
    >>> [held(s, 2006, r) for r in RULES], [held(s, 2012, r) for r in RULES]
    ([True, False, False, True, False], [True, True, False, False, False])
    """
    lo, hi = _dt.date(year, 1, 1).toordinal(), _dt.date(year + 1, 1, 1).toordinal()
    days = {"jan1": lo, "jul1": _dt.date(year, 7, 1).toordinal(), "dec31": hi - 1}
    if rule == "any":
        return any(a < hi and b > lo for a, b in spells)
    if rule == "majority":
        return sum(max(0, min(b, hi) - max(a, lo)) for a, b in spells) * 2 > hi - lo
    return any(a <= days[rule] < b for a, b in spells)


def _transitions(spells: Iterable[Spell]) -> set[int]:
    out = set()
    for a, b in spells:
        out.add(_dt.date.fromordinal(a).year)
        if b < _dt.date.max.toordinal():
            out.add(_dt.date.fromordinal(b).year)
    return out


class Tally:
    """Agreement counts of each rule, over all compared state-years and over transition years."""

    def __init__(self) -> None:
        self.n = self.t = 0
        self.ok = dict.fromkeys(RULES, 0)
        self.ok_t = dict.fromkeys(RULES, 0)

    def add(self, spells: list[Spell], year: int, coded: bool) -> None:
        trans = year in _transitions(spells)
        self.n += 1
        self.t += trans
        for r in RULES:
            hit = held(spells, year, r) == coded
            self.ok[r] += hit
            self.ok_t[r] += hit and trans

    def rows(self, what: str) -> list[str]:
        pct = lambda k, n: f"{100 * k / n:.1f}%" if n else "-"
        return [f"| {what}, all state-years (n={self.n}) | " + " | ".join(pct(self.ok[r], self.n) for r in RULES)
                + " |",
                f"| {what}, transition years (n={self.t}) | " + " | ".join(pct(self.ok_t[r], self.t) for r in RULES)
                + " |"]


def _rows(path: str) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="latin-1", newline="") as fh:
        r = csv.reader(fh)
        return next(r), list(r)


def memberships(data: str) -> Tally:
    """ATOP's day-dated spells of the paired alliances against COW's 0/1 cells of the paired IGOs."""
    header, rows = _rows(os.path.join(data, "atop-5.1", "atop5_1m.csv"))
    c = {h: i for i, h in enumerate(header)}
    spells: dict[tuple[str, int], list[Spell]] = {}
    for r in rows:
        a = int(float(r[c["atopid"]]))
        if a in PAIRS:
            g = lambda k: int(float(r[c[k]] or 0))
            start = _day(g("yrent"), g("moent"), g("dayent"))
            end = _day(g("yrexit"), g("moexit"), g("dayexit")) if g("yrexit") > 0 else _dt.date.max.toordinal()
            spells.setdefault((PAIRS[a], g("member")), []).append((start, end))
    header, rows = _rows(os.path.join(data, "cow-igo-v3", "state_year_format3.csv"))
    cols = {h.lower(): i for i, h in enumerate(header)}
    tally = Tally()
    for r in rows:
        ccode, year = int(float(r[0])), int(float(r[1]))
        for org in set(PAIRS.values()):
            cell = r[cols[org]].strip()
            if cell not in ("0", "1"):
                continue  # -1 (not in existence), -9, associate or observer: not a membership question
            tally.add(spells.get((org, ccode), []), year, cell == "1")
    return tally


def state_system(data: str) -> Tally:
    """COW's state-system dates against the rows COW IGO's state-year file has."""
    header, rows = _rows(os.path.join(data, "cow-igo-v3", "states2016.csv"))
    c = {h: i for i, h in enumerate(header)}
    spells: dict[int, list[Spell]] = {}
    for r in rows:
        g = lambda k: int(float(r[c[k]]))
        end = _day(g("endyear"), g("endmonth"), g("endday")) + 1
        spells.setdefault(g("ccode"), []).append((_day(g("styear"), g("stmonth"), g("stday")), end))
    _h, rows = _rows(os.path.join(data, "cow-igo-v3", "state_year_format3.csv"))
    present = {(int(float(r[0])), int(float(r[1]))) for r in rows}
    years = range(min(y for _c, y in present), max(y for _c, y in present) + 1)
    tally = Tally()
    for ccode, sp in spells.items():
        for year in years:
            tally.add(sp, year, (ccode, year) in present)
    return tally


def table(data: str) -> str:
    """The Markdown table of agreement, rule by rule."""
    lines = ["| reference vs COW IGO v3 cells | " + " | ".join(RULES) + " |", "|---" * (len(RULES) + 1) + "|"]
    lines += memberships(data).rows("ATOP day dates of 7 alliances vs COW membership (1/0)")
    lines += state_system(data).rows("states2016 day dates vs COW IGO state-year rows")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "data")))
