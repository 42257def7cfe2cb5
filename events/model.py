"""Events as immutable values, and the log that holds them.

>>> from orgsim.events.dates import parse_date
>>> e = Event(id="x", date=parse_date("1993-12"), kind="accession", org="O", actors=("BLR",), target="O")
>>> e.date.text, e.sort_key[0] == parse_date("1993-12-01").key
('1993-12', True)
>>> e.payload["a"] = 1
Traceback (most recent call last):
...
TypeError: event payloads are immutable
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .dates import HistDate


class FrozenDict(dict):
    """A dict that refuses changes, so an event's payload cannot be edited after loading."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("event payloads are immutable")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=repr)))


_LEAVES = frozenset((str, int, float, bool, type(None)))


def freeze(value: Any) -> Any:
    """Deep-freeze plain YAML data: dicts become FrozenDicts, lists become tuples."""
    if isinstance(value, Mapping):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Turn frozen data back into plain dicts and lists (for JSON and YAML output)."""
    if type(value) in _LEAVES:  # most values are text or numbers: no slow typing.Mapping check for them
        return value
    if isinstance(value, dict) or isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Source:
    """One citation: a line of a source file, its original-language quote and an English gloss."""

    source: str
    file: str
    line: int
    quote: str
    gloss: str


@dataclass(frozen=True, slots=True)
class Event:
    """An immutable historical event: what happened, when, to whom, and on whose word."""

    id: str
    date: HistDate
    kind: str
    org: str
    actors: tuple[str, ...] = ()
    target: str | None = None
    payload: Mapping[str, Any] = field(default_factory=FrozenDict)
    sources: tuple[Source, ...] = ()
    provenance: Mapping[str, Any] | None = None
    rationale: str | None = None
    derived_by: str | None = None
    confidence: str = "high"
    note: str | None = None
    seq: int = 0
    order: int = 0  # position in the file: breaks ties after date and seq
    file: str = "<memory>"
    line: int = 0

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Order of replay: by the date's first day, then the explicit sequence, then file order."""
        return (self.date.key, self.seq, self.order)

    @property
    def where(self) -> str:
        """``file:line`` of this event, for error messages."""
        return f"{self.file}:{self.line}"

    @property
    def source_line(self) -> int | None:
        """The principal cited line, if the event cites a source text."""
        return self.sources[0].line if self.sources else None


@dataclass(frozen=True, slots=True)
class Reading:
    """One reading of a contested fact: what it says, where, and which events embody it."""

    id: str
    summary: str
    lines: tuple[int, ...]
    events: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """A place where the sources contradict each other, with every reading and the default."""

    id: str
    question: str
    readings: tuple[Reading, ...]
    default: str
    reason: str
    line: int = 0

    def reading(self, reading_id: str) -> Reading:
        """The reading with this id (KeyError if there is none)."""
        for r in self.readings:
            if r.id == reading_id:
                return r
        raise KeyError(reading_id)


def _clip(text: str, width: int, keep_end: bool = False) -> str:
    """Text cut to a width with an ellipsis (at the start for a path, whose end says most)."""
    if len(text) <= width:
        return text
    return "…" + text[-(width - 1):] if keep_end else text[:width - 1] + "…"


@dataclass(frozen=True)
class Log:
    """A loaded log: its header, conflicts and events in replay order."""

    id: str
    title: str
    organization: str
    path: str
    events: tuple[Event, ...]
    conflicts: tuple[Conflict, ...] = ()
    entities: Mapping[str, Mapping[str, Any]] = field(default_factory=FrozenDict)
    sources: Mapping[str, Any] = field(default_factory=FrozenDict)
    texts: tuple[Mapping[str, Any], ...] = ()
    version: int = 2
    #: What the log claims to record: ``organizations``, ``from`` and ``to`` (see ``engine/coverage.py``).
    coverage: Mapping[str, Any] = field(default_factory=FrozenDict)

    def event(self, event_id: str) -> Event:
        """The event with this id (KeyError if there is none)."""
        return self.by_id[event_id]

    def __repr__(self) -> str:
        # Short on purpose: a notebook shows this, and the events run to hundreds of thousands.
        first, last = (self.events[0].date.text, self.events[-1].date.text) if self.events else ("", "")
        return (f"<Log {_clip(self.id, 40)!r} of {_clip(self.organization, 40)}: {len(self.events)} events "
                f"{_clip(first, 30)}…{_clip(last, 30)}, {len(self.conflicts)} conflicts, {_clip(self.path, 100, True)}>")

    def _repr_html_(self) -> str:
        from .reprs import summary_html

        first, last = (self.events[0].date.text, self.events[-1].date.text) if self.events else ("", "")
        return summary_html(f"Log {self.id}: {self.title}", [
            ("organization", self.organization), ("events", len(self.events)), ("from", first), ("to", last),
            ("conflicts", [c.id for c in self.conflicts]), ("sources", list(self.sources)), ("path", self.path)])

    @property
    def by_id(self) -> dict[str, Event]:
        """Every event by id."""
        cached = self.__dict__.get("_by_id")
        if cached is None:
            cached = {e.id: e for e in self.events}
            object.__setattr__(self, "_by_id", cached)
        return cached

    def with_events(self, events: Iterable[Event]) -> "Log":
        """A copy of this log holding other events (sorted into replay order).

        Its path is marked ``#derived`` so nothing keyed on the file (a cached index) takes it for the file.
        """
        path = self.path if self.path.endswith("#derived") else f"{self.path}#derived"
        return Log(self.id, self.title, self.organization, path,
                   tuple(sorted(events, key=lambda e: e.sort_key)), self.conflicts,
                   self.entities, self.sources, self.texts, self.version, self.coverage)
