"""The index's storage: membership intervals as columns, other facts as objects, and fast queries.

A membership fact is five integers (organization, actor, status, first event, ending
event), so a million of them are a few arrays, and a date is answered by one mask
over them. Facts are built as :class:`Fact` objects only for the dates asked about.
Other facts (organizations, bodies, forces…) are few and stay objects.

Every interval carries a ``rank``: the order a recorded replay would have produced
it in, so ``intervals()`` and ``facts_at()`` list facts in the same order whichever
way the index was compiled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from orgsim.events.columns import EventColumns
from orgsim.events.vocabulary import STATUSES

from .answers import MODALITIES, Answer, decide_codes
from .facts import Fact, Key

#: End of a fact that never ends.
OPEN_END = np.iinfo(np.int64).max
#: Statuses that count as belonging, for co-membership (as ``orgsim comembership``).
COMEMBER_STATUSES = ("member", "associate")


@dataclass
class IntervalTable:
    """Membership intervals ``[start, end)`` in day ordinals, sorted by (organization, actor code, start)."""

    cols: EventColumns
    names: list[str]           # organization and actor ids (codes index this)
    statuses: list[Any]        # STATUSES first, then any other value a log gives (an attested status)
    ent: np.ndarray            # int32
    actor: np.ndarray          # int32
    status: np.ndarray         # int16
    start: np.ndarray          # int64 day
    end: np.ndarray            # int64 day, OPEN_END if open
    spos: np.ndarray           # int64: position of the event that set it
    epos: np.ndarray           # int64: position of the event that ended it, -1 if open
    rank: np.ndarray           # int64
    others: list[Fact] = field(default_factory=list)
    o_start: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    o_end: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    o_ender: list[str | None] = field(default_factory=list)
    o_rank: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    # Bounds of each interval (``engine/bounds.py``), computed from ``bounds_of`` (the log and its coverage)
    # the first time an answer needs them: the plain queries never read them (five int64 an interval).
    bounds_of: Any = None
    s_lo: Any = None
    s_hi: Any = None
    e_lo: Any = None
    e_hi: Any = None
    att: Any = None
    o_s_lo: Any = None
    o_s_hi: Any = None
    o_e_lo: Any = None
    o_e_hi: Any = None
    o_att: Any = None
    cover_end: int = int(OPEN_END)

    def __post_init__(self) -> None:
        pair = self.ent.astype(np.int64) * len(self.names) + self.actor
        if len(pair) > 1 and ((np.diff(pair) < 0) | ((np.diff(pair) == 0) & (np.diff(self.spos) < 0))).any():
            order = np.lexsort((self.spos, pair))
            for name in ("ent", "actor", "status", "start", "end", "spos", "epos", "rank"):
                setattr(self, name, getattr(self, name)[order])
        self._views: Any = None  # OrgBuckets, built on the first members_of
        self._time: Any = None   # TimeBuckets, built on the first memberships_at
        self._cats: Any = None

    def __len__(self) -> int:
        return len(self.ent) + len(self.others)

    # --- facts, as the rest of the engine sees them ---
    def _member_fact(self, i: int) -> Fact:
        pos = int(self.spos[i])
        return Fact(("member", self.names[self.ent[i]], self.names[self.actor[i]]), self.statuses[self.status[i]],
                    self.cols.date_at(pos), self.cols.ids[pos])

    def _merged(self, members: np.ndarray, others: np.ndarray) -> Iterable[tuple[bool, int]]:
        """Member and other rows in rank order: (is_member, row)."""
        ranks = np.concatenate([self.rank[members], self.o_rank[others]])
        is_member = np.concatenate([np.ones(len(members), bool), np.zeros(len(others), bool)])
        rows = np.concatenate([members, others])
        order = np.argsort(ranks, kind="stable")
        return zip(is_member[order].tolist(), rows[order].tolist())

    def facts_at(self, day: int) -> dict[Key, Fact]:
        """Every fact that holds on this day ordinal, by key."""
        members = np.flatnonzero((self.start <= day) & (self.end > day))
        others = np.flatnonzero((self.o_start <= day) & (self.o_end > day))
        out = {}
        for is_member, i in self._merged(members, others):
            f = self._member_fact(i) if is_member else self.others[i]
            out[f.key] = f
        return out

    # --- facts with their answers (``engine/answers.py``) ---
    def _bounded(self) -> None:
        """Compute every interval's bounds, once, if they are not there yet."""
        if self.s_lo is None and self.bounds_of is not None:
            from .bounds import attach

            attach(self, *self.bounds_of)

    def _codes(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        m = decide_codes(day, self.s_lo, self.s_hi, self.e_lo, self.e_hi, self.att, self.cover_end)
        o = decide_codes(day, self.o_s_lo, self.o_s_hi, self.o_e_lo, self.o_e_hi, self.o_att, self.cover_end)
        return m, o

    def _answer(self, is_member: bool, i: int, code: int) -> Answer:
        if is_member:
            b = (self.s_lo[i], self.s_hi[i], self.e_lo[i], self.e_hi[i], self.att[i])
        else:
            b = (self.o_s_lo[i], self.o_s_hi[i], self.o_e_lo[i], self.o_e_hi[i], self.o_att[i])
        return Answer(MODALITIES[code], *(int(x) for x in b))  # type: ignore[arg-type]

    def answers_at(self, day: int) -> list[tuple[Fact, Answer, bool]]:
        """Every fact that holds on a day under some reading: (fact, answer, in the reference replay)."""
        self._bounded()
        m, o = self._codes(day)
        members, others = np.flatnonzero(m), np.flatnonzero(o)
        out = []
        for is_member, i in self._merged(members, others):
            if is_member:
                f, ref = self._member_fact(i), bool(self.start[i] <= day < self.end[i])
                out.append((f, self._answer(True, i, int(m[i])), ref))
            else:
                f, ref = self.others[i], bool(self.o_start[i] <= day < self.o_end[i])
                out.append((f, self._answer(False, i, int(o[i])), ref))
        return out

    def answers_of(self, org: str, day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Actor ids, statuses and answer codes of everyone who may hold a status in one organization on a day."""
        self._bounded()
        rows = self._org_rows(org)
        codes = decide_codes(day, self.s_lo[rows], self.s_hi[rows], self.e_lo[rows], self.e_hi[rows],
                             self.att[rows], self.cover_end)
        keep = codes > 0
        names, statuses = self._name_arrays()
        return names[self.actor[rows][keep]], statuses[self.status[rows][keep]], codes[keep]

    def _org_rows(self, org: str) -> slice:
        """The contiguous rows of one organization (the table is sorted by organization code)."""
        if self.__dict__.get("_org_code") is None:
            self.__dict__["_org_code"] = {n: i for i, n in enumerate(self.names)}
        code = self.__dict__["_org_code"].get(org)
        if code is None:
            return slice(0, 0)
        lo, hi = np.searchsorted(self.ent, [code, code + 1])
        return slice(int(lo), int(hi))

    def _name_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        cached = self.__dict__.get("_name_arrays_")
        if cached is None:
            names = np.array(self.names + [None], dtype=object)[:-1]
            statuses = np.array(list(self.statuses) + [None], dtype=object)[:-1]
            cached = self.__dict__["_name_arrays_"] = (names, statuses)
        return cached

    def memberships_answers(self, day: int) -> Any:
        """Every organization's memberships that may hold on a day, with answer and bounds (a DataFrame)."""
        import pandas as pd

        self._bounded()
        codes = decide_codes(day, self.s_lo, self.s_hi, self.e_lo, self.e_hi, self.att, self.cover_end)
        rows = np.flatnonzero(codes)
        return pd.DataFrame({
            **self._who(rows),
            "modality": pd.Categorical.from_codes(codes[rows] - 1, categories=list(MODALITIES[1:])),
            "start_earliest": _days(self.s_lo[rows]), "start_latest": _days(self.s_hi[rows]),
            "end_earliest": _days(self.e_lo[rows]), "end_latest": _days(self.e_hi[rows])}, copy=False)

    def spans(self, category: str | None = None) -> list[tuple[Fact, int, int, str | None, Answer]]:
        """(fact, start, end, ending event id, bounds) for every interval; the bounds' answer is blank."""
        self._bounded()
        out = []
        ranked = self._ranked(category)
        for is_member, i in ranked:
            if is_member:
                e = int(self.epos[i])
                out.append((self._member_fact(i), int(self.start[i]), int(self.end[i]),
                            None if e < 0 else self.cols.ids[e], self._answer(True, i, 0)))
            else:
                out.append((self.others[i], int(self.o_start[i]), int(self.o_end[i]), self.o_ender[i],
                            self._answer(False, i, 0)))
        return out

    def _ranked(self, category: str | None) -> Iterable[tuple[bool, int]]:
        members = np.arange(len(self.ent)) if category in (None, "member") else np.empty(0, np.int64)
        others = np.array([i for i, f in enumerate(self.others) if category is None or f.key[0] == category],
                          np.int64)
        return self._merged(members, others)

    def intervals(self, category: str | None = None) -> list[tuple[Fact, int, int, str | None]]:
        """(fact, start, end, ending event id) for every interval, optionally of one category."""
        members = np.arange(len(self.ent)) if category in (None, "member") else np.empty(0, np.int64)
        others = np.array([i for i, f in enumerate(self.others) if category is None or f.key[0] == category],
                          np.int64)
        out = []
        for is_member, i in self._merged(members, others):
            if is_member:
                e = int(self.epos[i])
                out.append((self._member_fact(i), int(self.start[i]), int(self.end[i]),
                            None if e < 0 else self.cols.ids[e]))
            else:
                out.append((self.others[i], int(self.o_start[i]), int(self.o_end[i]), self.o_ender[i]))
        return out

    # --- fast queries ---
    def members_of(self, org: str, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Actor ids and their statuses in one organization on a day ordinal (``engine/buckets.py``)."""
        if self._views is None:
            from .buckets import OrgBuckets

            self._views = OrgBuckets(self.names, self.statuses, self.ent, self.actor, self.status, self.start,
                                     self.end)
        return self._views.members_of(org, day)

    def memberships_at(self, day: int) -> Any:
        """Every organization's memberships on a day ordinal: a DataFrame (org, member, status, since)."""
        import pandas as pd

        rows = self._rows_at(day)
        return pd.DataFrame({**self._who(rows), "since": self.start[rows]}, copy=False)

    def _who(self, rows: np.ndarray) -> dict[str, Any]:
        """Organization, member and status of some rows, as categorical columns sharing the table's codes."""
        import pandas as pd

        if self._cats is None:
            self._cats = pd.Index(self.names), pd.Index(self.statuses, dtype=object)
        names, statuses = self._cats
        return {"org": pd.Categorical.from_codes(self.ent[rows], categories=names, validate=False),
                "member": pd.Categorical.from_codes(self.actor[rows], categories=names, validate=False),
                "status": pd.Categorical.from_codes(self.status[rows], categories=statuses, validate=False)}

    def _rows_at(self, day: int) -> np.ndarray:
        """Rows whose interval holds on a day (through time buckets, built on first use)."""
        if self._time is None:
            from .buckets import TimeBuckets

            self._time = TimeBuckets(self.start, self.end)
        return self._time.rows_at(day)

    def comembership(self, day: int, statuses: Iterable[str] = COMEMBER_STATUSES) -> Any:
        """States linked by the organizations they share on a day (networkx; ``weight`` = how many)."""
        import networkx as nx

        wanted = np.array([self.statuses.index(s) for s in statuses if s in self.statuses], np.int16)
        rows = self._rows_at(day)
        rows = rows[np.isin(self.status[rows], wanted)]
        # Organizations only: a body's id is dotted below its organization, which would count it twice.
        orgs_ok = np.array(["." not in n for n in self.names], bool)
        rows = rows[orgs_ok[self.ent[rows]]]
        actors, a_idx = np.unique(self.actor[rows], return_inverse=True)
        ents, e_idx = np.unique(self.ent[rows], return_inverse=True)
        incidence = np.zeros((len(actors), len(ents)), np.float32)
        incidence[a_idx, e_idx] = 1.0
        weights = incidence @ incidence.T  # shared organizations per pair of actors, by BLAS
        u, v = np.nonzero(np.triu(weights, 1))
        g = nx.Graph()
        g.add_nodes_from(self.names[a] for a in actors.tolist())
        names = [self.names[a] for a in actors.tolist()]
        g.add_weighted_edges_from(zip([names[i] for i in u.tolist()], [names[j] for j in v.tolist()],
                                      weights[u, v].astype(int).tolist()))
        return g


def _days(ordinals: np.ndarray) -> np.ndarray:
    """Day ordinals as datetime64[D] (NaT where open)."""
    days = (ordinals - _EPOCH).astype("datetime64[D]")
    days[(ordinals == OPEN_END) | (ordinals <= 0)] = np.datetime64("NaT")
    return days


_EPOCH = 719163  # ordinal of 1970-01-01


def status_code(statuses: list[Any], index: dict[Any, int], value: Any) -> int:
    """The code of a status value in a table, adding it if new."""
    key = (type(value), value)
    code = index.get(key)
    if code is None:
        code = index[key] = len(statuses)
        statuses.append(value)
    return code


def base_statuses() -> tuple[list[Any], dict[Any, int]]:
    """A fresh status table holding the vocabulary's statuses in order (codes 0..8)."""
    statuses = list(STATUSES)
    return statuses, {(str, s): i for i, s in enumerate(statuses)}
