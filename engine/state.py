"""The state of an organization at a date: plain views over the facts that hold then.

A :class:`State` is derived, never edited: it is whatever the facts valid on
its date say, seen as members, bodies, forces, rules and office holders.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

from orgsim.events.dates import HistDate
from orgsim.events.model import Log, thaw
from orgsim.events.vocabulary import STATUSES

from .answers import MEANINGS
from .facts import Fact, Key

STATUS_ORDER = {s: i for i, s in enumerate(STATUSES)}  # strongest first, as the vocabulary lists them


@lru_cache(maxsize=4096)
def state_name(code: str) -> str:
    """A state's common name from its ISO 3166-1 alpha-3 code (the code itself if unknown)."""
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


class State:
    """The state at one date: facts by key, with views for each kind of thing.

    ``facts`` are those the reference replay holds on the date (each event on the first day
    its date can mean); ``alternatives`` are facts that hold that day under another reading
    of imprecise dates only. Every fact from an index carries its ``answer`` (certain,
    possible, presumed) and every view row says it.
    """

    def __init__(self, log: Log, facts: dict[Key, Fact], at: HistDate | None, org: str | None = None,
                 alternatives: Iterable[Fact] = (), coverage: Any = None) -> None:
        self.log = log
        self.facts = facts
        self.alternatives = list(alternatives)
        self.at = at
        self.org = org or log.organization
        self.coverage = coverage

    @classmethod
    def from_answers(cls, log: Log, answers: Iterable[tuple[Fact, Any, bool]], at: HistDate, org: str | None,
                     coverage: Any, certain_only: bool = False) -> "State":
        """A state from an index's answers on a day; ``certain_only`` keeps what holds under every reading."""
        facts: dict[Key, Fact] = {}
        others = []
        for fact, answer, in_reference in answers:
            if certain_only and answer.modality != "certain":
                continue
            fact = Fact(fact.key, fact.value, fact.since, fact.event, answer)
            if in_reference:
                facts[fact.key] = fact
            else:
                others.append(fact)
        return cls(log, facts, at, org, others, coverage)

    # --- helpers ---
    def _all(self) -> Iterable[Fact]:
        yield from self.facts.values()
        yield from self.alternatives

    def _of(self, category: str) -> Iterable[Fact]:
        return (f for f in self._all() if f.key[0] == category)

    def _cite(self, fact: Fact) -> dict[str, Any]:
        ev = self.log.by_id.get(fact.event)
        out = {"since": fact.since.text, "event": fact.event, "source_line": ev.source_line if ev else None}
        if fact.answer is not None:
            out.update(fact.answer.to_dict())
            out["answer"] = fact.answer.words()
        return out

    @property
    def inside(self) -> bool:
        """Whether the date lies within the log's coverage (True when the coverage is not known)."""
        return self.coverage is None or self.at is None or self.coverage.inside(self.at.key)

    def status_of(self, entity: str, actor: str) -> list[dict[str, Any]]:
        """An actor's statuses in an organization or body: [] if the log says it holds none,
        ``[{"status": "unknown", ...}]`` where the log does not cover that organization or day."""
        rows = [r for r in self.memberships(entity) if r["id"] == actor]
        if rows:
            return rows
        if self.coverage is not None and (not self.coverage.covers(entity) or not self.inside):
            return [{"org": entity, "id": actor, "status": "unknown", "modality": "unknown"}]
        return []

    def name_of(self, ident: str) -> str:
        """A readable name for any id in this log."""
        for group in ("organizations", "others", "states"):
            entry = (self.log.entities.get(group) or {}).get(ident)
            if entry:
                return entry.get("name", ident)
        for cat in ("body", "force", "org"):
            fact = self.facts.get((cat, ident))
            if fact is not None:
                return fact.value.get("name", ident)
        return state_name(ident) if len(ident) == 3 and ident.isupper() else ident

    # --- views ---
    def organization(self, org: str | None = None) -> dict[str, Any] | None:
        """The organization's name, short name and treaty status (None before it exists)."""
        org = org or self.org
        fact = self.facts.get(("org", org))
        if fact is None:
            return None
        return {"id": org, **thaw(fact.value), **self._cite(fact)}

    def memberships(self, entity: str | None = None) -> list[dict[str, Any]]:
        """Every actor's status in one organization or body (or all), strongest status first."""
        rows = [{"org": f.key[1], "id": f.key[2], "name": self.name_of(f.key[2]), "status": f.value, **self._cite(f)}
                for f in self._of("member") if entity is None or f.key[1] == entity]
        return sorted(rows, key=lambda r: (r["org"], STATUS_ORDER.get(r["status"], 99), r["id"]))

    def members(self, org: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        """The organization's members (all statuses, or one)."""
        rows = self.memberships(org or self.org)
        return [r for r in rows if status is None or r["status"] == status]

    def bodies(self, org: str | None = None) -> list[dict[str, Any]]:
        """Bodies in existence, with their parent."""
        org = org or self.org
        rows = [{"id": f.key[1], **thaw(f.value), **self._cite(f)} for f in self._of("body") if f.value["org"] == org]
        return sorted(rows, key=lambda r: r["id"])

    def body_members(self, org: str | None = None) -> list[dict[str, Any]]:
        """Statuses held in the organization's bodies (observers of an assembly, say)."""
        bodies = {b["id"] for b in self.bodies(org)} | {f.key[1] for f in self._of("member") if
                                                        f.key[1].startswith(f"{org or self.org}.")}
        return [r for r in self.memberships() if r["org"] in bodies]

    def forces(self, org: str | None = None) -> list[dict[str, Any]]:
        """Forces in existence, with contributing states and stated strength."""
        org = org or self.org
        out = []
        for f in self._of("force"):
            if f.value["org"] != org:
                continue
            fid = f.key[1]
            strength = self.facts.get(("strength", fid))
            contributors = sorted(({"id": c.key[2], **self._cite(c)} for c in self._of("contrib")
                                   if c.key[1] == fid), key=lambda r: r["id"])
            value = thaw(f.value)
            # A force whose source does not list every contributor leaves the others unknown, not absent.
            value["contributors_complete"] = bool(value.get("contributors_complete"))
            out.append({"id": fid, **value, **self._cite(f), "contributors": contributors,
                        "strength": strength.value["strength"] if strength else None,
                        "strength_unit": strength.value["unit"] if strength else None,
                        "strength_since": strength.since.text if strength else None})
        return sorted(out, key=lambda r: r["id"])

    def _prefixed(self, category: str, org: str | None) -> list[dict[str, Any]]:
        org = org or self.org
        rows = [{"id": f.key[1], **thaw(f.value), **self._cite(f)} for f in self._of(category)
                if f.key[1].startswith(f"{org}.") or f.value.get("org") == org]
        return sorted(rows, key=lambda r: r["id"])

    def rules(self, org: str | None = None) -> list[dict[str, Any]]:
        """Rules in force."""
        return self._prefixed("rule", org)

    def all_rules(self) -> list[dict[str, Any]]:
        """Rules in force in every organization of the log."""
        return sorted(({"id": f.key[1], **thaw(f.value), **self._cite(f)} for f in self._of("rule")),
                      key=lambda r: r["id"])

    def offices(self, org: str | None = None) -> list[dict[str, Any]]:
        """Offices and who holds them (chair, secretary general…)."""
        return self._prefixed("office", org)

    def protocols(self, org: str | None = None) -> list[dict[str, Any]]:
        """Protocols signed or in force."""
        return self._prefixed("protocol", org)

    def relations(self) -> list[dict[str, Any]]:
        """Wars between states and foreign bases, as the log states them."""
        rows = [{"type": "armed_conflict", "between": [f.key[1], f.key[2]], **self._cite(f)} for f in self._of("war")]
        rows += [{"type": "base", "host": f.key[1], "user": f.key[2], "name": f.key[3], **self._cite(f)}
                 for f in self._of("base")]
        return rows

    def other_memberships(self) -> list[dict[str, Any]]:
        """Statuses in the other organizations of the log (overlapping memberships)."""
        mine = {self.org} | {b["id"] for b in self.bodies()}
        return [r for r in self.memberships() if r["org"] not in mine and not r["org"].startswith(f"{self.org}.")]

    def to_dict(self) -> dict[str, Any]:
        """Everything, as plain JSON-ready data; ``members`` is the organization's own membership."""
        coverage = self.coverage.to_dict(self.at.key if self.at else None) if self.coverage is not None else None
        return {
            "date": self.at.text if self.at else None,
            "log": self.log.id,
            "coverage": coverage,
            "answers": MEANINGS,
            "organization": self.organization(),
            "members": self.members(),
            "body_members": self.body_members(),
            "bodies": self.bodies(),
            "forces": self.forces(),
            "rules": self.rules(),
            "offices": self.offices(),
            "protocols": self.protocols(),
            "relations": self.relations(),
            "other_memberships": self.other_memberships(),
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, State) and self.facts == other.facts and self.alternatives == other.alternatives

    def __repr__(self) -> str:
        n = len(self.members(status="member"))
        return f"<State of {self.org} at {self.at}: {n} members, {len(self.facts)} facts>"

    # --- the notebook vocabulary, shared with History (frames and graphs live in frames.py and graph.py) ---
    def to_frame(self, what: str = "memberships") -> Any:
        """A view as a pandas DataFrame: memberships (default), members, bodies, forces, rules, offices, protocols."""
        from .frames import state_frame

        return state_frame(self, what)

    def graph(self) -> Any:
        """The organization's network at this date (networkx, typed nodes and edges)."""
        from .graph import state_graph

        return state_graph(self)

    def _repr_html_(self) -> str:
        from orgsim.events.reprs import summary_html

        org = self.organization()
        rows = [(st, [m["id"] for m in self.members(status=st)]) for st in STATUS_ORDER]
        return summary_html(f"{org['name'] if org else self.org} on {self.at}",
                            [(st, ids) for st, ids in rows if ids] + [
                                ("bodies", len(self.bodies())), ("forces", len(self.forces())),
                                ("rules", len(self.rules())), ("facts", len(self.facts))])
