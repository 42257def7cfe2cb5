"""Four answers, not two: the one place where whether a fact holds on a day is decided.

Replay gives each fact a reference interval ``[start, end)``: it applies an event on the
first day its date can mean. But a date known to the month is any day of that month, a
date known "by 2002" (``../2002``) any day up to the end of 2002, and a fact nobody ended
is only carried forward by assumption after the last text that speaks of it. So every
interval also carries its **bounds**:

- ``start_earliest`` / ``start_latest``: the first and last day its opening event can mean
  (an open start reaches back to the log's coverage; ``~``/``?`` widen by a documented margin,
  ``events/dates.py``);
- ``end_earliest`` / ``end_latest``: the same for the event that ends it (open: never);
- ``attested``: the last day a text attests it as current (the present, ``now``, of the texts
  that state it; the date of a ``membership_attested`` that names it). A log without texts
  attests every fact to the end of its coverage.

On a day, a fact is

- ``certain``: it holds under every reading of those dates (``start_latest <= day < end_earliest``);
- ``possible``: it holds under some reading only (``start_earliest <= day < end_latest``);
- ``presumed``: it would be certain, but nothing ended it and the day is after its last
  attestation, or outside the log's coverage: carried forward by assumption;
- absent otherwise. ``unknown`` is not a fact's answer but a day's or an organization's: what
  the log's coverage (``engine/coverage.py``) does not include.

>>> decide(5, 1, 3, 8, 9, 100, 100), decide(2, 1, 3, 8, 9, 100, 100), decide(9, 1, 3, 8, 9, 100, 100)
('certain', 'possible', None)
>>> decide(50, 1, 3, OPEN_END, OPEN_END, 40, 100)
'presumed'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: End of a fact that never ends (as ``engine/columnar.py``).
OPEN_END = int(np.iinfo(np.int64).max)

ABSENT, CERTAIN, POSSIBLE, PRESUMED = 0, 1, 2, 3
#: Answer codes as words; code 0 is absent (None).
MODALITIES: tuple[str | None, ...] = (None, "certain", "possible", "presumed")
#: What each answer means, in words a reader of a table or a report needs.
MEANINGS = {
    "certain": "holds under every reading of the dates that open and close it",
    "possible": "holds under some reading only: the day falls inside the uncertainty of its start or end",
    "presumed": "nothing ended it, but no text attests it this late: carried forward by assumption",
    "unknown": "outside what the log covers: the log does not say",
}


def decide_codes(day: Any, s_lo: Any, s_hi: Any, e_lo: Any, e_hi: Any, attested: Any, cover_end: int) -> Any:
    """The answer codes (0 absent, 1 certain, 2 possible, 3 presumed) for arrays of bounds on a day."""
    held = (s_lo <= day) & (day < e_hi)
    sure = (s_hi <= day) & (day < e_lo)
    carried = ((e_lo == OPEN_END) & (day > attested)) | (day > cover_end)
    return np.where(held, np.where(sure, np.where(carried, PRESUMED, CERTAIN), POSSIBLE), ABSENT)


def decide(day: int, s_lo: int, s_hi: int, e_lo: int, e_hi: int, attested: int, cover_end: int) -> str | None:
    """The answer for one fact's bounds on one day: certain, possible, presumed, or None (absent)."""
    return MODALITIES[int(decide_codes(day, s_lo, s_hi, e_lo, e_hi, attested, cover_end))]


@dataclass(frozen=True, slots=True)
class Answer:
    """How a fact holds on a day, and the bounds that decide it (day ordinals; OPEN_END if open)."""

    modality: str
    start_earliest: int
    start_latest: int
    end_earliest: int
    end_latest: int
    attested: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the answer and its bounds as ISO dates (None where open)."""
        return {"modality": self.modality, "start_earliest": _iso(self.start_earliest),
                "start_latest": _iso(self.start_latest), "end_earliest": _iso(self.end_earliest),
                "end_latest": _iso(self.end_latest), "attested_until": _iso(self.attested)}

    def words(self) -> str:
        """The answer in plain words for a table: empty when certain."""
        if self.modality == "certain":
            return ""
        if self.modality == "presumed":
            return f"presumed: last attested {_iso(self.attested)}" if self.attested != OPEN_END else "presumed"
        parts = []
        if self.start_earliest != self.start_latest:
            parts.append(f"began between {_iso(self.start_earliest)} and {_iso(self.start_latest)}")
        if self.end_earliest != OPEN_END and self.end_earliest != self.end_latest:
            end = "later" if self.end_latest == OPEN_END else _iso(self.end_latest)
            parts.append(f"ended between {_iso(self.end_earliest)} and {end}")
        return "possibly: " + "; ".join(parts) if parts else "possibly"


def _iso(ordinal: int) -> str | None:
    import datetime as _dt

    if ordinal == OPEN_END or ordinal <= 0:
        return None
    return _dt.date.fromordinal(int(ordinal)).isoformat()
