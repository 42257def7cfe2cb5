"""The state as a set of facts: each fact has a key, a value, the date it holds from, and its event.

Replay only ever sets and ends facts (``engine/apply.py``), which is what lets the
same replay, recorded, become an index of validity intervals (``engine/index.py``).

Fact keys by category (the first element):

=============  ==============================  =======================================
key            value                           meaning
=============  ==============================  =======================================
org, O         name, short, status             organization O exists
member, E, A   status string                   actor A's status in organization/body E
body, B        name, parent, org, type         body B exists
force, F       name, parent, org               force F exists
strength, F    strength, unit                  F's stated strength
contrib, F, S  units                           state S contributes to force F
rule, R        title, text, params, org        rule R is in force
protocol, P    title, status, signatories      protocol P signed / in force
office, X      holder, title, term             office X is held
war, A, B      (empty)                         A and B are at war (A < B)
base, H, U, N  name                            U has base N on H's territory
=============  ==============================  =======================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from orgsim.events.dates import HistDate
from orgsim.events.model import Event, FrozenDict

Key = tuple


@dataclass(frozen=True, slots=True)
class Fact:
    """A value that holds from a date on, set by one event."""

    key: Key
    value: Any
    since: HistDate
    event: str
    #: How it holds on the day a State was asked for (``engine/answers.py``); not part of its identity.
    answer: Any = field(default=None, compare=False)


Recorder = Callable[[Key, "Fact | None", "Fact | None", Event], None]


class FactState:
    """Mutable working state used during replay: facts by key, with a by-parent lookup.

    >>> from orgsim.events.dates import parse_date
    >>> from orgsim.events.model import Event
    >>> ev = Event("e", parse_date("1993"), "accession", "O", ("ARM",), "O")
    >>> st = FactState()
    >>> st.set(("member", "O", "ARM"), "member", ev)
    >>> st.value(("member", "O", "ARM")), [k[2] for k in st.children("member", "O")]
    ('member', ['ARM'])
    """

    __slots__ = ("facts", "_children", "recorder", "external")

    def __init__(self, recorder: Recorder | None = None, external: frozenset[str] = frozenset()) -> None:
        self.facts: dict[Key, Fact] = {}
        self._children: dict[tuple[str, str], dict[Key, None]] = {}
        self.recorder = recorder
        # Organizations a log names but does not found (the UN, say): they exist throughout.
        self.external = external

    def get(self, key: Key) -> Fact | None:
        """The fact under this key, or None."""
        return self.facts.get(key)

    def value(self, key: Key, default: Any = None) -> Any:
        """The value under this key, or the default."""
        fact = self.facts.get(key)
        return default if fact is None else fact.value

    def children(self, category: str, parent: str) -> list[Key]:
        """Keys of one category under one parent, e.g. every ``member`` key of an organization."""
        return list(self._children.get((category, parent), ()))

    def set(self, key: Key, value: Any, ev: Event) -> None:
        """Set a fact from this event on; a changed value starts a new validity interval."""
        if isinstance(value, dict) and not isinstance(value, FrozenDict):
            value = FrozenDict(value)
        old = self.facts.get(key)
        if old is not None and old.value == value:
            return  # unchanged: the fact keeps its original date
        new = Fact(key, value, ev.date, ev.id)
        self.facts[key] = new
        if len(key) > 2:
            self._children.setdefault((key[0], key[1]), {})[key] = None
        if self.recorder:
            self.recorder(key, old, new, ev)

    def end(self, key: Key, ev: Event) -> None:
        """End a fact at this event."""
        old = self.facts.pop(key, None)
        if old is None:
            return
        if len(key) > 2:
            self._children.get((key[0], key[1]), {}).pop(key, None)
        if self.recorder:
            self.recorder(key, old, None, ev)

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts.values())
