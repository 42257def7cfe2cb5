"""The compiled index: every fact with its validity interval, so any date is answered without replay.

The log is replayed once, with a recorder that notes when each fact starts and
ends; a date is then answered by selecting the facts whose interval contains it.
The answer equals a full replay to that date (the tests check this on every
event date of every bundled log).
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from orgsim.events.model import Event, Log

from .facts import Fact, Key
from .replay import Replay, replay

#: End of a fact that never ends.
OPEN_END = np.iinfo(np.int64).max


class FactIndex:
    """Facts with validity intervals ``[start, end)`` in day ordinals, from one recorded replay."""

    def __init__(self, log: Log, readings: Mapping[str, str] | None = None, strict: bool = True) -> None:
        facts: list[Fact] = []
        starts: list[int] = []
        ends: list[int] = []
        enders: list[str | None] = []
        open_at: dict[Key, int] = {}

        def record(key: Key, old: Fact | None, new: Fact | None, ev: Event) -> None:
            if old is not None:
                i = open_at.pop(key)
                ends[i] = ev.date.key
                enders[i] = ev.id
            if new is not None:
                open_at[key] = len(facts)
                facts.append(new)
                starts.append(ev.date.key)
                ends.append(OPEN_END)
                enders.append(None)

        self.log = log
        self.replay: Replay = replay(log, readings=readings, strict=strict, recorder=record)
        self.facts = np.empty(len(facts), dtype=object)
        self.facts[:] = facts
        self.starts = np.asarray(starts, dtype=np.int64)
        self.ends = np.asarray(ends, dtype=np.int64)
        self.enders = enders

    def __len__(self) -> int:
        return len(self.facts)

    def facts_at(self, day: int) -> dict[Key, Fact]:
        """Every fact that holds on this day ordinal, by key."""
        mask = (self.starts <= day) & (self.ends > day)
        return {f.key: f for f in self.facts[mask]}

    def intervals(self, category: str | None = None) -> list[tuple[Fact, int, int, str | None]]:
        """(fact, start, end, ending event id) for every interval, optionally of one category."""
        return [(f, int(s), int(e), x) for f, s, e, x in zip(self.facts, self.starts, self.ends, self.enders)
                if category is None or f.key[0] == category]
