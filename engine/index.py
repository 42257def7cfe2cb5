"""The compiled index: every fact with its validity interval, so any date is answered without replay.

Two ways to compile it give the same facts:

- a recorded replay: the log is replayed once with a recorder that notes when each
  fact starts and ends (any log);
- the vectorised compile (``engine/vectorised.py``) for logs whose events are all
  membership, lineage or acts: array operations over every (event, actor) row, fast
  enough for a million events.

A date is then answered by selecting the facts whose interval contains it. The answer
equals a full replay to that date (the tests check this on every event date of every
bundled log, and on random logs through both compiles). A large log's compiled index
is kept beside it (``engine/index_cache.py``) and reused while the file is unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from orgsim.events.columns import columns_of
from orgsim.events.model import Event, Log

from .columnar import OPEN_END, IntervalTable, base_statuses, status_code
from .facts import Fact, Key
from .replay import Replay, Skipped, replay

__all__ = ["OPEN_END", "FactIndex", "recorded_table"]


def recorded_table(log: Log, readings: Mapping[str, str] | None, strict: bool) -> tuple[IntervalTable, Replay]:
    """Replay the log once, recording every fact's interval into a table."""
    cols = columns_of(log)
    pos_of = dict(zip(cols.ids.tolist(), range(len(cols))))
    names = list(cols.names)
    name_code = {n: i for i, n in enumerate(names)}
    statuses, status_index = base_statuses()
    m: list[list[int]] = []            # ent, actor, status, spos, epos, start, end, rank
    others: list[list[Any]] = []       # fact, start, end, ender, rank
    open_at: dict[Key, tuple[bool, int]] = {}
    rank = [0]

    def code(name: str) -> int:
        return name_code.setdefault(name, len(name_code))

    def record(key: Key, old: Fact | None, new: Fact | None, ev: Event) -> None:
        if old is not None:
            is_member, i = open_at.pop(key)
            if is_member:
                m[i][4], m[i][6] = pos_of[ev.id], ev.date.key
            else:
                others[i][2], others[i][3] = ev.date.key, ev.id
        if new is not None:
            rank[0] += 1
            if key[0] == "member":
                open_at[key] = (True, len(m))
                m.append([code(key[1]), code(key[2]), status_code(statuses, status_index, new.value),
                          pos_of[new.event], -1, ev.date.key, OPEN_END, rank[0]])
            else:
                open_at[key] = (False, len(others))
                others.append([new, ev.date.key, OPEN_END, None, rank[0]])

    result = replay(log, readings=readings, strict=strict, recorder=record)
    names.extend(list(name_code)[len(names):])
    arr = np.array(m, np.int64).reshape(-1, 8)
    table = IntervalTable(
        cols=cols, names=names, statuses=statuses, ent=arr[:, 0].astype(np.int32),
        actor=arr[:, 1].astype(np.int32), status=arr[:, 2].astype(np.int16), spos=arr[:, 3].copy(),
        epos=arr[:, 4].copy(), start=arr[:, 5].copy(), end=arr[:, 6].copy(), rank=arr[:, 7].copy(),
        others=[o[0] for o in others], o_start=np.array([o[1] for o in others], np.int64),
        o_end=np.array([o[2] for o in others], np.int64), o_ender=[o[3] for o in others],
        o_rank=np.array([o[4] for o in others], np.int64))
    return table, result


class _VectorReplay:
    """What a replay would report for a log compiled by arrays: nothing skipped but the readings' events."""

    def __init__(self, log: Log, excluded: Mapping[str, str]) -> None:
        from orgsim.events.columns import positions_of

        pos = sorted(positions_of(log, excluded).items(), key=lambda kv: kv[1])
        self.log = log
        self.skipped = [Skipped(log.events[p], excluded[i]) for i, p in pos]
        self.findings: list = []
        self._excluded = frozenset(excluded)

    @property
    def applied(self) -> list[Event]:
        """Every event the replay applies (built on demand: a large log's events are lazy)."""
        return [e for e in self.log.events if e.id not in self._excluded]


class FactIndex:
    """Facts with validity intervals ``[start, end)`` in day ordinals, compiled once per log."""

    def __init__(self, log: Log, readings: Mapping[str, str] | None = None, strict: bool = True,
                 method: str = "auto", cache: bool = True) -> None:
        from . import index_cache
        from .vectorised import Unsupported, compile_columns

        if method not in ("auto", "vector", "replay"):
            raise ValueError(f"method must be auto, vector or replay, not {method!r}")
        self.log = log
        self.method = "replay"
        table = None
        if method != "replay":
            hit = index_cache.load(log, readings) if cache else None
            try:
                table, excluded = hit or compile_columns(log, readings)
                self.method = "vector"
                self.replay: Any = _VectorReplay(log, excluded)
                if cache and hit is None:
                    index_cache.save(log, readings, table, excluded)
            except Unsupported as exc:
                if method == "vector":
                    raise ValueError(f"the vectorised compile does not take this log: {exc}") from None
            except Exception:
                if strict:
                    raise
                table = None  # lenient replay skips what fails and goes on: only the replay does that
        if table is None:
            table, self.replay = recorded_table(log, readings, strict)
        from .coverage import coverage_of

        self.coverage = coverage_of(log)
        table.cover_end = self.coverage.end
        table.bounds_of = (log, self.coverage)  # computed when an answer first needs them
        self.table: IntervalTable = table

    def __len__(self) -> int:
        return len(self.table)

    def facts_at(self, day: int) -> dict[Key, Fact]:
        """Every fact that holds on this day ordinal, by key."""
        return self.table.facts_at(day)

    def intervals(self, category: str | None = None) -> list[tuple[Fact, int, int, str | None]]:
        """(fact, start, end, ending event id) for every interval, optionally of one category."""
        return self.table.intervals(category)

    def answers_at(self, day: int) -> list[tuple[Fact, Any, bool]]:
        """Every fact that may hold on a day: (fact, Answer, whether the reference replay holds it then)."""
        return self.table.answers_at(day)

    def answers_of(self, org: str, day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fast: actor ids, statuses and answer codes (1 certain, 2 possible, 3 presumed) in one organization."""
        return self.table.answers_of(org, day)

    def memberships_answers(self, day: int) -> Any:
        """Fast: every membership that may hold on a day, with its answer and bounds, as a DataFrame."""
        return self.table.memberships_answers(day)

    def spans(self, category: str | None = None) -> list[tuple[Fact, int, int, str | None, Any]]:
        """(fact, start, end, ending event id, Answer with the bounds) for every interval."""
        return self.table.spans(category)

    def members_of(self, org: str, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Fast: actor ids and statuses in one organization on a day ordinal (arrays, in table order)."""
        return self.table.members_of(org, day)

    def memberships_at(self, day: int) -> Any:
        """Fast: every organization's memberships on a day ordinal, as a DataFrame."""
        return self.table.memberships_at(day)

    def comembership(self, day: int, statuses: tuple[str, ...] = ("member", "associate")) -> Any:
        """States linked by the organizations they share on a day ordinal (networkx, ``weight``)."""
        return self.table.comembership(day, statuses)

    # The arrays the first index exposed, kept for callers that read them directly.
    @property
    def facts(self) -> np.ndarray:
        """Every interval's fact, in recording order."""
        out = np.empty(len(self), dtype=object)
        out[:] = [f for f, *_ in self.intervals()]
        return out

    @property
    def starts(self) -> np.ndarray:
        """Every interval's first day."""
        return np.array([s for _f, s, _e, _x in self.intervals()], np.int64)

    @property
    def ends(self) -> np.ndarray:
        """Every interval's end (the day it no longer holds; OPEN_END if it still does)."""
        return np.array([e for _f, _s, e, _x in self.intervals()], np.int64)

    @property
    def enders(self) -> list[str | None]:
        """The event that ended each interval, or None."""
        return [x for *_rest, x in self.intervals()]
