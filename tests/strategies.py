"""Hypothesis strategies: small valid logs (schema 2), and hostile variations of them for fuzzing.

``log_documents()`` draws the plain data of a log that replays strictly: a few
organizations, ISO alpha-3 states, and membership, body, force, office and rule
events whose dates are written at mixed precision (``1995``, ``1995-06``,
``1995-06-01~``, ``../1995-06``, ``1995-06-01/1995-07-02``) but never sort
before an earlier event. Several events often fall on one day, so that order
within a day is exercised. Every event is drawn from what the state allows at
its date, mirroring ``engine/apply.py``, and every kind of
``events/vocabulary.py`` can be drawn (``ALL_KINDS``; a test checks it).
"""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import strategies as st

STATES = ("FRA", "DEU", "BEL", "NLD", "ITA", "ESP")
ORGS = ("OA", "OB")
ACTIVE = {"member", "signatory", "suspended"}
SIDE = {"observer", "partner", "associate", "unknown"}
#: Acts: recorded, no effect on the state (besides `statement`).
ACTS = ("decision", "request", "proposal", "refusal", "treaty_invoked", "agreement_signed", "exercise", "operation",
        "deployment")

# Text that YAML must carry unchanged: quotes, colons, '#', Thai, line breaks, leading blanks. Not the characters
# XML cannot carry (C0 controls but tab and line breaks, U+FFFE, U+FFFF): a log may not hold them (issue 14).
_NOT_XML = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])) + "\ufffe\uffff"
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufeff" + _NOT_XML), min_size=1,
               max_size=12).filter(lambda s: s.strip() != "")


def dump(data: object) -> str:
    """Plain data as YAML text (no anchors, which the loader refuses)."""

    class NoAlias(yaml.SafeDumper):
        def ignore_aliases(self, data: object) -> bool:
            return True

    return yaml.dump(data, Dumper=NoAlias, sort_keys=False, allow_unicode=True)


def _date_texts(day: int) -> list[str]:
    """Ways to write a date whose first day is ``day`` (a proleptic ordinal)."""
    d = dt.date.fromordinal(day)
    iso = d.isoformat()
    out = [iso, iso + "~", f"../{iso}", f"{iso}/{dt.date.fromordinal(day + 31).isoformat()}"]
    if d.day == 1:
        out += [iso[:7], iso[:7] + "?", f"../{iso[:7]}"]
        if d.month == 1:
            out += [iso[:4], iso[:4] + "%"]
    return out


class _Model:
    """What the engine will hold, so that each drawn event is one it accepts."""

    def __init__(self, orgs: tuple[str, ...]) -> None:
        self.orgs = {o: None for o in orgs}  # org -> None | "signed" | "in_force" | "dissolved"
        self.status = {o: {} for o in orgs}  # org -> state -> status
        self.bodies: dict[str, str] = {}  # body id -> org
        self.forces: dict[str, set] = {}  # force id -> contributors
        self.rules: set[str] = set()
        self.protocols: dict[str, str] = {}  # protocol id -> org, signed and not yet in force
        self.charters: set[str] = set()  # orgs with a charter signed
        self.counter = 0

    def with_status(self, org: str, allowed: set) -> list[str]:
        return [s for s in STATES if self.status[org].get(s) in allowed]

    def new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"


def _choices(m: _Model) -> list[tuple]:
    """(kind, org, candidates) for every kind of event the state allows now."""
    out = []
    for org, status in m.orgs.items():
        if status is None:
            out += [("treaty_signed", org, STATES), ("org_founded", org, STATES)]
            continue
        if status == "dissolved":
            continue
        if status == "signed":
            out.append(("treaty_in_force", org, ()))
        outside = [s for s in STATES if m.status[org].get(s) not in ACTIVE]
        candidates = [s for s in outside if m.status[org].get(s) not in SIDE]
        pairs = [("accession", outside),
                 ("withdrawal", m.with_status(org, {"member", "signatory", "suspended", "associate"})),
                 ("suspension", m.with_status(org, {"member"})),
                 ("readmission", m.with_status(org, {"withdrawn", "not_renewed", "suspended"})),
                 ("non_renewal", m.with_status(org, {"member", "signatory"})),
                 ("observer_status", candidates), ("partner_status", candidates), ("associate_status", candidates),
                 ("status_unknown", outside), ("status_ended", m.with_status(org, SIDE)),
                 ("membership_attested", m.with_status(org, {"member"})),
                 ("chair", m.with_status(org, {"member"})), ("statement", STATES), ("act", STATES),
                 ("body_created", ("-",)), ("office_appointment", ("-",)), ("rule_adopted", ("-",)),
                 ("org_renamed", ("-",)), ("org_dissolved", ("-",)), ("protocol_signed", STATES),
                 ("charter_signed", STATES), ("charter_in_force", ("-",) if org in m.charters else ()),
                 ("armed_conflict", STATES), ("base_established", STATES),
                 ("system_exit", STATES), ("system_return", m.with_status(org, {"not_in_system"}))]
        out += [(k, org, c) for k, c in pairs if c]
        out += [("force_formed", org, ("-",))]
    if m.protocols:
        out.append(("protocol_in_force", None, tuple(sorted(m.protocols))))
    if m.bodies:
        out += [("body_dissolved", None, tuple(sorted(m.bodies))), ("body_renamed", None, tuple(sorted(m.bodies))),
                ("session", None, tuple(sorted(m.bodies)))]
    if m.forces:
        out += [("force_strength", None, tuple(sorted(m.forces))), ("force_disbanded", None, tuple(sorted(m.forces))),
                ("force_contribution", None, tuple(sorted(m.forces)))]
    if m.rules:
        out.append(("rule_repealed", None, tuple(sorted(m.rules))))
    return out


def _event(draw, m: _Model, kind: str, org: str | None, cands: tuple) -> dict | None:
    """Draw one event of this kind and apply it to the model (None if the state allows none)."""
    ev: dict = {"kind": kind}
    if kind in ("treaty_signed", "org_founded"):
        actors = draw(st.lists(st.sampled_from(STATES), min_size=1, max_size=3, unique=True))
        ev.update(target=org, actors=actors, payload={"name": f"Org {org}", "short": org})
        m.orgs[org] = "in_force" if kind == "org_founded" else "signed"
        for a in actors:
            m.status[org][a] = "member" if kind == "org_founded" else "signatory"
    elif kind == "treaty_in_force":
        ev.update(target=org)
        m.orgs[org] = "in_force"
        for a, s in m.status[org].items():
            if s == "signatory":
                m.status[org][a] = "member"
    elif kind in ("accession", "withdrawal", "suspension", "readmission", "non_renewal", "observer_status",
                  "status_ended", "chair"):
        actors = draw(st.lists(st.sampled_from(list(cands)), min_size=1, max_size=2, unique=True))
        ev.update(target=org, actors=actors)
        new = {"accession": "member" if m.orgs[org] == "in_force" else "signatory", "withdrawal": "withdrawn",
               "suspension": "suspended", "readmission": "member", "non_renewal": "not_renewed",
               "observer_status": "observer", "status_ended": None}.get(kind, "same")
        if kind == "chair":
            ev.update(actors=actors[:1], payload={"term": draw(st.sampled_from(["one year", "2 years"]))})
        for a in ev["actors"]:
            if new is None:
                m.status[org].pop(a, None)
            elif new != "same":
                m.status[org][a] = new
    elif kind == "system_exit":  # a state leaves the state system: neither member nor withdrawn
        ev.update(target=org, actors=draw(st.lists(st.sampled_from(list(cands)), min_size=1, max_size=2, unique=True)))
        for a in ev["actors"]:
            m.status[org][a] = "not_in_system"
    elif kind == "system_return":
        status = draw(st.sampled_from(["member", "associate", "observer", "unknown", "none"]))
        ev.update(target=org, actors=draw(st.lists(st.sampled_from(list(cands)), min_size=1, max_size=2, unique=True)),
                  payload={"status": status})
        for a in ev["actors"]:
            if status == "none":
                m.status[org].pop(a, None)
            else:
                m.status[org][a] = status
    elif kind in ("partner_status", "associate_status", "status_unknown"):
        ev.update(target=org, actors=draw(st.lists(st.sampled_from(list(cands)), min_size=1, max_size=2, unique=True)))
        for a in ev["actors"]:
            m.status[org][a] = {"partner_status": "partner", "associate_status": "associate"}.get(kind, "unknown")
    elif kind == "membership_attested":
        # What the replay holds: a source that agrees (a disagreement is a finding, tested elsewhere).
        ev.update(target=org, payload={"members": list(cands), "status": "member"})
    elif kind == "statement":
        ev.update(target=org, actors=draw(st.lists(st.sampled_from(STATES), max_size=2, unique=True)),
                  payload={"title": draw(TEXT)})
    elif kind == "act":
        ev.update(kind=draw(st.sampled_from(ACTS)), target=org,
                  actors=draw(st.lists(st.sampled_from(STATES), max_size=2, unique=True)),
                  payload={"what": draw(TEXT)})
    elif kind == "org_renamed":
        ev.update(target=org, payload={"name": f"Renamed {org} {m.new_id('')}", "short": org})
    elif kind == "org_dissolved":
        ev.update(target=org)
        m.orgs[org] = "dissolved"
        m.status[org] = {}
        m.protocols = {p: o for p, o in m.protocols.items() if o != org}
        m.charters.discard(org)
    elif kind in ("protocol_signed", "charter_signed"):
        actors = draw(st.lists(st.sampled_from(list(cands)), min_size=1, max_size=3, unique=True))
        ev.update(org=org, target=org, actors=actors)
        if kind == "protocol_signed":
            pid = m.new_id(f"{org}.P")
            ev["payload"] = {"protocol": pid, "title": f"Protocol {pid}"}
            m.protocols[pid] = org
        else:
            ev["payload"] = {"name": f"Charter organization {org}", "short": org}
            m.charters.add(org)
    elif kind == "protocol_in_force":
        pid = draw(st.sampled_from(list(cands)))
        org = m.protocols.pop(pid)
        ev.update(org=org, target=org, payload={"protocol": pid, "title": f"Protocol {pid}"})
    elif kind == "charter_in_force":
        ev.update(org=org, target=org, payload={"name": f"Charter organization {org}", "short": org})
        m.charters.discard(org)
    elif kind == "armed_conflict":
        ev.update(actors=draw(st.lists(st.sampled_from(list(cands)), min_size=2, max_size=3, unique=True)))
        if draw(st.booleans()):
            ev["payload"] = {"ended": True}
    elif kind == "base_established":
        host, user = draw(st.lists(st.sampled_from(list(cands)), min_size=2, max_size=2, unique=True))
        ev.update(actors=[host], payload={"user": user, "name": f"Base {m.new_id('')}"})
    elif kind in ("body_renamed", "session"):
        body = draw(st.sampled_from(list(cands)))
        ev.update(org=m.bodies[body], target=body)
        if kind == "body_renamed":
            ev["payload"] = {"name": f"Body {body} renamed {m.new_id('')}"}
        else:
            ev["payload"] = {"absent": draw(st.lists(st.sampled_from(STATES), max_size=2, unique=True))}
    elif kind == "body_created":
        body = m.new_id(f"{org}.B")
        ev.update(target=body, payload={"name": f"Body {body}", "parent": org, "type": "council"})
        m.bodies[body] = org
    elif kind == "body_dissolved":
        body = draw(st.sampled_from(list(cands)))
        ev.update(org=m.bodies.pop(body), target=body)
    elif kind == "force_formed":
        force = m.new_id(f"{org}.F")
        members = m.with_status(org, {"member"})
        actors = draw(st.lists(st.sampled_from(members), max_size=2, unique=True)) if members else []
        ev.update(org=org, target=force, actors=actors, payload={"name": f"Force {force}", "parent": org})
        if draw(st.booleans()):
            ev["payload"]["strength"] = draw(st.integers(100, 20000))
        m.forces[force] = set(actors)
    elif kind in ("force_strength", "force_disbanded", "force_contribution"):
        force = draw(st.sampled_from(list(cands)))
        org = force.split(".")[0]
        ev.update(org=org, target=force)
        if kind == "force_strength":
            ev["payload"] = {"strength": draw(st.integers(100, 20000)), "unit": "personnel"}
        elif kind == "force_disbanded":
            del m.forces[force]
        else:
            free = [s for s in m.with_status(org, {"member"}) if s not in m.forces[force]]
            if not free:
                return None
            ev["actors"] = draw(st.lists(st.sampled_from(free), min_size=1, max_size=2, unique=True))
            m.forces[force] |= set(ev["actors"])
    elif kind == "office_appointment":
        ev.update(org=org, target=f"{org}.SG",
                  payload={"person": draw(st.sampled_from(["A. Person", "B. Person", "C. Person"])),
                           "title": "Secretary General"})
    elif kind == "rule_adopted":
        rule = m.new_id(f"{org}.R.X")
        ev.update(org=org, target=rule, payload={"title": "A rule", "params": {"type": "participation_consensus",
                                                                               "bodies": sorted(m.bodies)}})
        m.rules.add(rule)
    elif kind == "rule_repealed":
        rule = draw(st.sampled_from(list(cands)))
        ev.update(org=rule.split(".")[0], target=rule)
        m.rules.discard(rule)
    if ev.get("target") is None:
        ev.pop("target", None)
    return ev


@st.composite
def log_documents(draw, max_events: int = 14) -> dict:
    """The plain data of a small, valid schema-2 log."""
    orgs = ORGS[:draw(st.integers(1, 2))]
    model = _Model(orgs)
    day = dt.date(1990, 1, 1).toordinal() + draw(st.integers(0, 3)) * 365
    events: list[dict] = []
    conflicts: list[dict] = []
    same_day_seq, explicit_day = 0, False
    for i in range(draw(st.integers(1, max_events))):
        step = draw(st.sampled_from(["same", "same", "same", "day", "month", "year"])) if events else "year"
        if step == "day":
            day += 1
        elif step == "month":
            d = dt.date.fromordinal(day)
            day = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1).toordinal()
        elif step == "year":
            day = dt.date(dt.date.fromordinal(day).year + 1, 1, 1).toordinal()
        same_day_seq = same_day_seq + 1 if step == "same" else 0
        explicit_day = explicit_day and step == "same"
        choices = _choices(model)
        if not choices:  # every organization dissolved: the log ends here
            break
        # The first events found the organizations, so every later event has its organization.
        founding = [c for c in choices if c[0] in ("treaty_signed", "org_founded")]
        kind, org, cands = draw(st.sampled_from(founding or choices))
        ev = _event(draw, model, kind, org, cands)
        if ev is None:
            continue
        ev = {"id": f"e{i}-{ev['kind'].replace('_', '-')}", "date": draw(st.sampled_from(_date_texts(day))), **ev}
        citation = draw(st.sampled_from(["sources", "sources", "sources", "provenance", "rationale"]))
        if citation == "sources":
            ev["sources"] = [{"source": "notes", "line": i + 1, "quote": draw(TEXT), "gloss": draw(TEXT)}]
        elif citation == "provenance":
            ev["provenance"] = {"dataset": "cow-igo", "version": "3.0", "file": "igo.csv", "row": i + 2}
        else:
            ev["rationale"] = draw(TEXT)
        if draw(st.integers(0, 5)) == 0:
            ev["confidence"] = draw(st.sampled_from(["medium", "low"]))
        if draw(st.integers(0, 5)) == 0:
            ev["note"] = draw(TEXT)
        if explicit_day or (step == "same" and draw(st.integers(0, 3)) == 0):
            ev["seq"] = same_day_seq  # explicit, and the same order as the file's
            explicit_day = True
        events.append(ev)
        if kind in ("withdrawal", "suspension") and draw(st.integers(0, 3)) == 0:
            # The sources disagree: the other reading says it was only a statement.
            alt = {"id": f"e{i}-alt", "date": ev["date"], "kind": "statement", "target": ev["target"],
                   "actors": ev["actors"], "rationale": "the other source"}
            events.append(alt)
            conflicts.append({"id": f"c{i}", "question": f"What happened at e{i}?",
                              "readings": [{"id": "left", "summary": kind, "lines": [i + 1], "events": [ev["id"]]},
                                           {"id": "stayed", "summary": "a statement only", "lines": [i + 1],
                                            "events": [alt["id"]]}],
                              "default": "left", "reason": "the formal record"})
    doc = {"orgsim_log": 2, "id": "gen", "title": draw(TEXT), "organization": orgs[0],
           "entities": {"organizations": {o: {"name": f"Org {o}"} for o in orgs}},
           "sources": {"notes": {"file": "notes.txt", "language": "en"}}}
    if draw(st.booleans()):
        doc["texts"] = [{"id": "t1", "source": "notes", "lines": [1, 40], "now": "2001~"}]
    if conflicts:
        doc["conflicts"] = conflicts
    doc["events"] = events
    return doc


def log_texts(max_events: int = 14) -> st.SearchStrategy[str]:
    """Valid logs as YAML text."""
    return log_documents(max_events).map(dump)


# --- hostile variations -------------------------------------------------------------

FIELD_NAMES = ("id", "date", "kind", "org", "actors", "target", "payload", "sources", "provenance", "rationale",
               "confidence", "note", "seq", "source", "line", "quote", "gloss", "events", "readings", "default",
               "entities", "organizations", "orgsim_log", "organization", "name", "parent", "strength", "members",
               "status", "params", "bodies", "__line__", "texts", "conflicts", "interventions", "remove", "change",
               "set", "insert", "move", "to", "rule", "mode", "reading", "choose", "stochastic", "runs")

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3000), st.floats(allow_nan=False), st.sampled_from(FIELD_NAMES),
    st.sampled_from(["1993", "1993-12", "2009-02-30", "2001/2000", "2999", "../2016-11", "199X", "2009-21",
                     "FRA", "ATL", "OA", "OA.B1", "accession", "withdrawal", "coup", "", " ", "high", "csto",
                     "e0-org-founded", "notes", "x" * 70]),
    st.text(max_size=8))

VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.integers(0, 3)),
                                                 inner, max_size=3)), max_leaves=8)


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, prefix + (i,))
    return out


@st.composite
def mutated(draw, documents: st.SearchStrategy) -> object:
    """A document with a few values replaced, keys dropped or added: wrong types, unknown fields, bad ids."""
    import copy

    doc = copy.deepcopy(draw(documents))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        if not path:
            if draw(st.integers(0, 9)) == 0:
                doc = draw(VALUES)
            continue
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        key = path[-1]
        action = draw(st.sampled_from(["replace", "replace", "drop", "add", "duplicate"]))
        if action == "replace":
            parent[key] = draw(VALUES)
        elif action == "drop":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(FIELD_NAMES))] = draw(VALUES)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return doc


@st.composite
def mangled_text(draw, texts: st.SearchStrategy[str]) -> str:
    """YAML text cut, spliced or sprinkled with characters YAML or orgsim must refuse."""
    text = draw(texts)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 40)))
        piece = draw(st.one_of(
            st.sampled_from(["", "\x00", "\t", "&a ", "*a", "!!binary ", "!!python/object:os.system ", "[", "]",
                             "{", "}", ": ", "- ", "\n  ", "\n- ", "'", '"', "%YAML 1.1\n", "---\n", "...\n", "? ",
                             "<<: ", "\ufeff", "\u2028", "#", "|\n", ">-\n", "~", "null", "2009-02-30", "1e999"]),
            st.text(max_size=5)))
        text = text[:i] + piece + text[j:]
    return text
