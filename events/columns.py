"""A log's events as columns of integer codes: the form large logs are loaded in and indexed from.

Strings that repeat (kinds, dates, organizations, actors, payloads) are stored once in a
table and referred to by code, so a million events are a few NumPy arrays. The engine's
vectorised compile (``engine/vectorised.py``) reads these arrays; :class:`LazyEvents`
builds an :class:`Event` only when one is asked for, so a Parquet log of a million
events loads without making a million objects.

>>> from orgsim.events import load_log
>>> from orgsim.engine.history import History
>>> log = History.load_bundled().log
>>> cols = columns_of(log)
>>> cols.kinds[cols.kind_codes[0]], cols.event(0) == log.events[0]
('treaty_signed', True)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .dates import HistDate, parse_date
from .model import Event, FrozenDict, Log


class _Table:
    """Distinct values in first-seen order, with their codes (unhashable-safe: values are frozen)."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.codes: dict[Any, int] = {}

    def code(self, value: Any) -> int:
        """The code of a value, adding it if new; None is -1."""
        if value is None:
            return -1
        key = (type(value), value)  # 1 and True are equal as dict keys; keep them apart
        c = self.codes.get(key)
        if c is None:
            c = self.codes[key] = len(self.values)
            self.values.append(value)
        return c


@dataclass
class EventColumns:
    """Every field of a log's events as arrays, in replay order (row ``i`` is ``log.events[i]``)."""

    path: str
    ids: np.ndarray                    # event ids: NumPy strings (a Parquet log's) or objects
    date_codes: np.ndarray             # integer codes into date_texts (int32, or narrower: ``narrowed``)
    date_texts: list[str]
    date_keys: np.ndarray              # int64 per distinct date: the day it applies on
    kind_codes: np.ndarray             # int16 (or narrower) into kinds
    kinds: list[str]
    names: list[str]                   # one table for organizations, targets and actors
    org_codes: np.ndarray              # int32 (or narrower) into names
    target_codes: np.ndarray           # int32 (or narrower) into names, -1 for none
    actor_offsets: np.ndarray          # int64 (or int32), n + 1: actors of row i are actor_codes[off[i]:off[i+1]]
    actor_codes: np.ndarray            # int32 (or narrower) into names
    seq: np.ndarray                    # int64 (or int32 when every value fits)
    order: np.ndarray                  # int64 (or int32): position in the file
    line: np.ndarray                   # int64 (or int32)
    extra_codes: dict[str, np.ndarray]  # payload, sources, provenance, rationale, derived_by, confidence, note
    extra_values: dict[str, list[Any]]
    _dates: dict[int, HistDate] = field(default_factory=dict, repr=False)
    source_events: Sequence[Event] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def keys(self) -> np.ndarray:
        """The day (ordinal) each event applies on."""
        cached = self.__dict__.get("_keys")
        if cached is None:
            cached = self.__dict__["_keys"] = self.date_keys[self.date_codes]
        return cached

    @property
    def org_of(self) -> np.ndarray:
        """Code of the organization (or entity) each event is about: its target, else its org."""
        return np.where(self.target_codes >= 0, self.target_codes, self.org_codes)

    def date_at(self, pos: int) -> HistDate:
        """The parsed date of the event at a position (one parse per distinct text)."""
        code = int(self.date_codes[pos])
        d = self._dates.get(code)
        if d is None:
            d = self._dates[code] = parse_date(self.date_texts[code])
        return d

    def with_extras(self) -> EventColumns:
        """These columns with payload, sources and the like encoded too (encoded from the events if need be)."""
        if not self.extra_codes and self.source_events is not None:
            self.extra_codes, self.extra_values = extras_from_events(self.source_events)
        return self

    def event(self, pos: int) -> Event:
        """Build the Event at a position (or give the one these columns were encoded from)."""
        if self.source_events is not None:
            return self.source_events[pos]
        lo, hi = self.actor_offsets[pos], self.actor_offsets[pos + 1]
        names = self.names
        extra = {k: (None if c[pos] < 0 else self.extra_values[k][c[pos]]) for k, c in self.extra_codes.items()}
        target = int(self.target_codes[pos])
        return Event(id=self.ids[pos], date=self.date_at(pos), kind=self.kinds[self.kind_codes[pos]],
                     org=names[self.org_codes[pos]], actors=tuple(names[a] for a in self.actor_codes[lo:hi]),
                     target=None if target < 0 else names[target],
                     payload=FrozenDict() if extra["payload"] is None else extra["payload"],
                     sources=() if extra["sources"] is None else extra["sources"], provenance=extra["provenance"], rationale=extra["rationale"],
                     derived_by=extra["derived_by"],
                     confidence="high" if extra["confidence"] is None else extra["confidence"], note=extra["note"],
                     seq=int(self.seq[pos]), order=int(self.order[pos]), file=self.path, line=int(self.line[pos]))


EXTRA = ("payload", "sources", "provenance", "rationale", "derived_by", "confidence", "note")


def code_dtype(count: int) -> type:
    """The narrowest signed integer type holding codes -1 .. count - 1."""
    return next(t for t in (np.int8, np.int16, np.int32, np.int64) if count <= np.iinfo(t).max)


def _fit(values: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Values known to lie in [lo, hi] as int32 when they fit (most do), else as they are."""
    return values.astype(np.int32, copy=False) if lo >= -(1 << 31) and hi < 1 << 31 else values


def narrowed(cols: EventColumns) -> EventColumns:
    """The same columns in the narrowest integer types their codes and counts need (a log of a million
    events is then about 40 bytes an event, its ids included, rather than 100)."""
    import dataclasses

    n, n_names = len(cols), len(cols.names)
    seq_lo, seq_hi = (int(cols.seq.min()), int(cols.seq.max())) if n else (0, 0)
    return dataclasses.replace(
        cols, date_codes=cols.date_codes.astype(code_dtype(len(cols.date_texts))),
        kind_codes=cols.kind_codes.astype(code_dtype(len(cols.kinds))),
        org_codes=cols.org_codes.astype(code_dtype(n_names)), target_codes=cols.target_codes.astype(code_dtype(n_names)),
        actor_codes=cols.actor_codes.astype(code_dtype(n_names)),
        actor_offsets=_fit(cols.actor_offsets, 0, int(cols.actor_offsets[-1])), seq=_fit(cols.seq, seq_lo, seq_hi),
        order=_fit(cols.order, 0, n), line=_fit(cols.line, 0, n + 1),
        extra_codes={k: v.astype(code_dtype(len(cols.extra_values[k]))) for k, v in cols.extra_codes.items()})


def _codes(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Codes of plain values (text, None as -1) and the distinct values in first-seen order."""
    table: dict[Any, int] = {}
    codes = [-1 if v is None else table.setdefault(v, len(table)) for v in values]
    return np.array(codes, np.int32), list(table)


def extras_from_events(events: Sequence[Event]) -> tuple[dict[str, np.ndarray], dict[str, list[Any]]]:
    """Payload, sources, provenance and the other text fields as codes (for writing; hashing them is slow)."""
    codes, values = {}, {}
    for k in EXTRA:
        table = _Table()
        codes[k] = np.array([table.code(getattr(e, k)) for e in events], np.int32)
        values[k] = table.values
    return codes, values


def columns_from_events(events: Sequence[Event], path: str = "<memory>") -> EventColumns:
    """Encode Event objects (a YAML log's) as columns: what the engine reads; the rest on demand."""
    date_codes, date_texts = _codes([e.date.text for e in events])
    kind_codes, kinds = _codes([e.kind for e in events])
    names: dict[str, int] = {}
    org_codes = np.array([names.setdefault(e.org, len(names)) for e in events], np.int32)
    target_codes = np.array([-1 if e.target is None else names.setdefault(e.target, len(names)) for e in events],
                            np.int32)
    actor_codes = np.array([names.setdefault(a, len(names)) for e in events for a in e.actors], np.int32)
    offsets = np.zeros(len(events) + 1, np.int64)
    np.cumsum([len(e.actors) for e in events], out=offsets[1:])
    dates = {}
    for c, e in zip(date_codes.tolist(), events):
        dates.setdefault(c, e.date)
    cols = EventColumns(
        path=path, ids=np.array([e.id for e in events], dtype=object), date_codes=date_codes,
        date_texts=date_texts, date_keys=np.array([dates[i].key for i in range(len(date_texts))], np.int64),
        kind_codes=kind_codes.astype(np.int16), kinds=kinds, names=list(names), org_codes=org_codes,
        target_codes=target_codes, actor_offsets=offsets, actor_codes=actor_codes,
        seq=np.array([e.seq for e in events], np.int64), order=np.array([e.order for e in events], np.int64),
        line=np.array([e.line for e in events], np.int64), extra_codes={}, extra_values={}, _dates=dates)
    cols.source_events = events
    return cols


class LazyEvents(Sequence):
    """A log's events, built from columns only when asked for (each at most once)."""

    def __init__(self, columns: EventColumns) -> None:
        self.columns = columns
        self._built: dict[int, Event] = {}  # only those asked for: an index reads a few of a million

    def __len__(self) -> int:
        return len(self.columns)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        ev = self._built.get(i)
        if ev is None:
            ev = self._built[i] = self.columns.event(i)
        return ev

    def __iter__(self) -> Iterator[Event]:
        if len(self) > 1000 and len(self._built) < len(self):
            self._build_all()  # iterating means all of them: build them in one pass over plain lists
        for i in range(len(self)):
            yield self[i]

    def _build_all(self) -> None:
        c = self.columns
        names, kinds, path = c.names, c.kinds, c.path
        dates = [c._dates.get(i) for i in range(len(c.date_texts))]  # by date code (date_at takes a position)
        off = c.actor_offsets.tolist()
        actors = [names[a] for a in c.actor_codes.tolist()]
        extra = {k: [None if x < 0 else c.extra_values[k][x] for x in c.extra_codes[k].tolist()]
                 for k in c.extra_codes}
        empty = FrozenDict()
        for i, (eid, dc, kc, oc, tc, seq, order, line) in enumerate(zip(
                c.ids.tolist(), c.date_codes.tolist(), c.kind_codes.tolist(), c.org_codes.tolist(),
                c.target_codes.tolist(), c.seq.tolist(), c.order.tolist(), c.line.tolist())):
            if i in self._built:
                continue
            date = dates[dc] or c.date_at(i)
            dates[dc] = date
            payload, sources = extra["payload"][i], extra["sources"][i]
            self._built[i] = Event(
                id=eid, date=date, kind=kinds[kc], org=names[oc], actors=tuple(actors[off[i]:off[i + 1]]),
                target=None if tc < 0 else names[tc], payload=empty if payload is None else payload,
                sources=() if sources is None else sources, provenance=extra["provenance"][i],
                rationale=extra["rationale"][i], derived_by=extra["derived_by"][i],
                confidence=extra["confidence"][i] or "high", note=extra["note"][i], seq=seq, order=order,
                file=path, line=line)


class LazyById(Mapping):
    """``Log.by_id`` for a lazy log: an id's position is looked up, and only that event is built."""

    def __init__(self, events: LazyEvents) -> None:
        self.events = events
        self._pos: dict[str, int] | None = None

    def _positions(self) -> dict[str, int]:
        if self._pos is None:
            self._pos = dict(zip(self.events.columns.ids.tolist(), range(len(self.events))))
        return self._pos

    def __getitem__(self, key: str) -> Event:
        return self.events[self._positions()[key]]

    def __contains__(self, key: object) -> bool:
        return key in self._positions()

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions())

    def __len__(self) -> int:
        return len(self.events)


def lazy_log(header: Log, columns: EventColumns) -> Log:
    """A Log whose events are built from columns on demand (its ``by_id`` too)."""
    events = LazyEvents(columns)
    log = Log(header.id, header.title, header.organization, header.path, events,  # type: ignore[arg-type]
              header.conflicts, header.entities, header.sources, header.texts, header.version, header.coverage)
    object.__setattr__(log, "_by_id", LazyById(events))
    return log


def columns_of(log: Log) -> EventColumns:
    """The log's events as columns: those it was loaded from, or encoded once and kept on the log."""
    if isinstance(log.events, LazyEvents):
        return log.events.columns
    cached = log.__dict__.get("_columns")
    if cached is None:
        cached = columns_from_events(log.events, log.path)
        object.__setattr__(log, "_columns", cached)
    return cached


def positions_of(log: Log, ids: Any) -> dict[str, int]:
    """Positions in replay order of some event ids (those present)."""
    wanted = set(ids)
    if not wanted:
        return {}
    cols = columns_of(log)
    hits = np.flatnonzero(ids_in(cols.ids, wanted))
    return {cols.ids[i]: int(i) for i in hits}


def ids_in(ids: np.ndarray, wanted: set[str]) -> np.ndarray:
    """Which of an id column's rows hold one of some ids (a Parquet log's string array or a YAML log's objects)."""
    if ids.dtype == object:
        import pandas as pd  # hashing, not sorting, a million ids

        return pd.Series(ids, copy=False).isin(wanted).to_numpy()
    import pyarrow as pa  # a Parquet log's ids: hashed by Arrow (np.isin sorts, or compares once per id wanted)
    import pyarrow.compute as pc

    return pc.is_in(pa.array(ids), value_set=pa.array(sorted(wanted), pa.string())).to_numpy(zero_copy_only=False)
