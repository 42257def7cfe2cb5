r"""The replayed state of a store's log, kept in the store so one more event is checked without a replay.

A strict replay of the whole log ends in a state; an event that sorts after every event of the log
(and founds nothing, so the organizations that exist throughout stay the same) meets its
presuppositions exactly when it applies to that state. So the state is kept, with what the next
append needs besides: the sort key of the last event, how many events are live, and the log hash.
Each is kept for one version and head of the store (``Store.kept``), as JSON signed with this
user's key (``cache_key.py``): a state that does not load, or that this user's key did not sign, is
worked out again from the rows, never trusted.

>>> from orgsim.events import load_log_text
>>> from orgsim.events.dates import ordinal_to_iso
>>> log = load_log_text("orgsim_log: 2\norganization: TA\nevents:\n"
...     "- {id: founded, date: '1990', kind: org_founded, actors: [FRA, BEL], target: TA, rationale: r}\n"
...     "- {id: nld-joins, date: '1991-05', kind: accession, actors: [NLD], target: TA, rationale: r}\n")
>>> again = Replayed.load(Replayed.of(log, "0" * 64).dump())
>>> again.state.value(("member", "TA", "NLD")), ordinal_to_iso(again.last[0]), again.live
('member', '1991-05-01', 2)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from orgsim.events.dates import parse_date
from orgsim.events.model import Event, FrozenDict, Log, thaw

from .apply import apply_event
from .cache_key import signed
from .facts import Fact, FactState
from .replay import FOUNDING_KINDS, replay

NAME = "replayed"  # the name it is kept under in a store
FORMAT = 1  # bumped whenever what a replay leaves in the state changes


def _frozen(value: Any) -> Any:
    """JSON data frozen as the log's values are (``model.freeze``), by type alone: JSON has no other mappings."""
    kind = type(value)
    if kind is dict:
        return FrozenDict({k: _frozen(v) for k, v in value.items()})
    if kind is list:
        return tuple(_frozen(v) for v in value)
    return value


@dataclass
class Replayed:
    """A log's strictly replayed state, the sort key (day, seq) of its last event, its live events, its hash."""

    state: FactState
    last: tuple[int, int]
    live: int
    log_hash: str

    @classmethod
    def of(cls, log: Log, log_hash: str, state: FactState | None = None) -> "Replayed":
        """Keep a log's state (replayed strictly here unless given)."""
        state = state if state is not None else replay(log).state
        last = (log.events[-1].date.key, log.events[-1].seq) if log.events else (-(1 << 62), 0)
        return cls(state, last, len(log.events), log_hash)

    def takes(self, ev: Event) -> bool:
        """Whether applying ``ev`` to this state is what a replay of the log with it would do."""
        return (ev.date.key, ev.seq) >= self.last and ev.kind not in FOUNDING_KINDS

    def then(self, ev: Event, log_hash: str) -> "Replayed":
        """This state with ``ev`` applied (Unmet if a presupposition fails; this state is left unchanged)."""
        state = FactState(None, self.state.external)
        state.facts = dict(self.state.facts)
        state._children = {k: dict(v) for k, v in self.state._children.items()}  # noqa: SLF001
        apply_event(state, ev)
        return Replayed(state, max(self.last, (ev.date.key, ev.seq)), self.live + 1, log_hash)

    def dump(self) -> str | None:
        """The signed JSON text (None if a value is not JSON, or there is no key to sign with)."""
        try:
            body = json.dumps({"format": FORMAT, "last": list(self.last), "live": self.live,
                               "log_hash": self.log_hash, "external": sorted(self.state.external),
                               "facts": [[list(f.key), thaw(f.value), f.since.text, f.event]
                                         for f in self.state.facts.values()]},
                              ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):
            return None
        digest = signed(body.encode())
        return None if digest is None else digest + body

    @classmethod
    def load(cls, text: str | None) -> "Replayed | None":
        """The state kept in ``text``, or None unless this user's key signed it and it is whole."""
        if not text or len(text) < 64 or signed(text[64:].encode()) != text[:64]:
            return None
        try:
            data: Any = json.loads(text[64:])
            if data["format"] != FORMAT:
                return None
            state = FactState(None, frozenset(data["external"]))
            for key, value, since, event in data["facts"]:
                key = tuple(key)
                state.facts[key] = Fact(key, _frozen(value), parse_date(since), event)
                if len(key) > 2:
                    state._children.setdefault((key[0], key[1]), {})[key] = None  # noqa: SLF001
            day, seq = data["last"]
            return cls(state, (int(day), int(seq)), int(data["live"]), str(data["log_hash"]))
        except (KeyError, TypeError, ValueError):
            return None


def strict_state(log: Log) -> FactState:
    """The state a strict replay of the log ends in (its LogError at the first unmet presupposition).

    Taken from the vectorised compile (``engine/vectorised.py``) when it takes the log: the facts still open
    at the end of its table are the replay's final state, and no event is built or applied one by one (a
    million-event import would otherwise spend most of its time here). Any other log is replayed.
    """
    from orgsim.events.columns import columns_of

    from .vectorised import Unsupported, compile_columns, external_of_columns

    try:
        table, _excluded = compile_columns(log)
    except Unsupported:
        return replay(log).state
    cols = table.cols
    state = FactState(None, external_of_columns(log, columns_of(log)))
    open_members = [(int(r), True, i) for i, r in enumerate(table.rank.tolist()) if table.epos[i] < 0]
    open_others = [(int(table.o_rank[i]), False, i) for i, ender in enumerate(table.o_ender) if ender is None]
    for _rank, is_member, i in sorted(open_members + open_others):  # roughly the order a replay set them in
        if is_member:
            pos = int(table.spos[i])
            fact = Fact(("member", table.names[table.ent[i]], table.names[table.actor[i]]),
                        table.statuses[table.status[i]], cols.date_at(pos), cols.ids[pos])
        else:
            fact = table.others[i]
        state.facts[fact.key] = fact
        if len(fact.key) > 2:
            state._children.setdefault((fact.key[0], fact.key[1]), {})[fact.key] = None  # noqa: SLF001
    return state


__all__ = ["NAME", "Replayed", "strict_state"]
