"""What a log covers: which organizations' histories it records, and from when to when.

Outside its coverage a log is silent, and silence is not absence: a state the log
does not place in an organization it covers, on a day it covers, is not a member;
anywhere else its status is ``unknown``.

A log says so in its header (``coverage: {organizations: [...], from: ..., to: ...}``);
what it leaves out is derived:

- ``organizations``: the organizations the log founds (``treaty_signed`` / ``org_founded``);
  an organization it only names (an external one) is never covered, only attested;
- ``from``: the first day of its earliest event;
- ``to``: the last day of the latest present (``now``) of its texts, or of its latest event.

A body is covered with its organization (``CSTO.CSC`` with ``CSTO``).

>>> from orgsim.engine.history import History
>>> cov = coverage_of(History.load_bundled().log)
>>> cov.text, cov.covers("CSTO.CSC"), cov.covers("CIS")
('1992-05-15 to 2019-12-31', True, False)
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from orgsim.events.dates import parse_date
from orgsim.events.model import Log

FOUNDING_KINDS = frozenset({"treaty_signed", "org_founded"})


@dataclass(frozen=True, slots=True)
class Coverage:
    """The organizations a log records and the days it speaks for (ordinals, inclusive)."""

    organizations: frozenset[str]
    start: int
    end: int

    def covers(self, entity: str) -> bool:
        """Whether the log records this organization's (or body's) history."""
        return entity in self.organizations or entity.split(".")[0] in self.organizations

    def inside(self, day: int) -> bool:
        """Whether a day falls within the log's coverage."""
        return self.start <= day <= self.end

    @property
    def text(self) -> str:
        """The span in words, for messages."""
        return f"{iso(self.start)} to {iso(self.end)}"

    def to_dict(self, day: int | None = None) -> dict[str, Any]:
        """JSON form: ``from``, ``to``, ``organizations`` and, for a day, whether it is ``inside``."""
        out: dict[str, Any] = {"from": iso(self.start), "to": iso(self.end),
                               "organizations": sorted(self.organizations)}
        if day is not None:
            out["inside"] = self.inside(day)
        return out


def iso(ordinal: int) -> str:
    """A day ordinal as YYYY-MM-DD."""
    return _dt.date.fromordinal(ordinal).isoformat()


def coverage_of(log: Log) -> Coverage:
    """The log's coverage, from its header where it says, derived where it does not."""
    cached = log.__dict__.get("_coverage")
    if cached is not None:
        return cached
    declared = dict(log.coverage or {})
    orgs = declared.get("organizations")
    if not orgs:
        orgs = _founded(log) or {log.organization}
    start = parse_date(declared["from"]).key if "from" in declared else _first_day(log)
    if "to" in declared:
        to = parse_date(declared["to"])
        end = to.upper if to.upper is not None else to.key
    else:
        end = _last_day(log)
    cov = Coverage(frozenset(orgs), start, max(start, end))
    object.__setattr__(log, "_coverage", cov)
    return cov


def _founded(log: Log) -> set[str]:
    from orgsim.events.columns import columns_of

    cols = columns_of(log)
    founding = {i for i, k in enumerate(cols.kinds) if k in FOUNDING_KINDS}
    if not founding:
        return set()
    import numpy as np

    mask = np.isin(cols.kind_codes, list(founding))
    return {cols.names[c] for c in np.unique(cols.org_of[mask]).tolist()}


def _first_day(log: Log) -> int:
    from orgsim.events.columns import columns_of

    keys = columns_of(log).keys
    return int(keys.min()) if len(keys) else _dt.date(1000, 1, 1).toordinal()


def _last_day(log: Log) -> int:
    nows = [parse_date(str(t["now"])) for t in log.texts if t.get("now")]
    if nows:
        return max(d.upper if d.upper is not None else d.key for d in nows)
    from orgsim.events.columns import columns_of

    cols = columns_of(log)
    if not len(cols):
        return _first_day(log)
    last = 0
    for code in set(cols.date_codes.tolist()):
        d = parse_date(cols.date_texts[code])
        last = max(last, d.upper if d.upper is not None else d.key)
    return last
