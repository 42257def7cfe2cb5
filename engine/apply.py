"""Applying one event to the state: the one place each kind's effect is defined.

Every handler first checks what its event presupposes (a withdrawal presupposes
a member, a force contribution the force and the membership) and raises
:class:`Unmet` with a reason before it changes anything; only then does it set
or end facts. Replay decides what an unmet presupposition means: an error in a
log, a reported skip in a counterfactual branch.

Nothing here knows any particular organization.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from orgsim.events.model import Event

from .facts import FactState

ACTIVE = frozenset({"member", "signatory", "suspended"})
FORMER = frozenset({"withdrawn", "not_renewed", "suspended"})
SIDE_STATUSES = {"observer_status": "observer", "partner_status": "partner", "associate_status": "associate",
                 "status_unknown": "unknown"}


class Unmet(Exception):
    """An event's presupposition does not hold in the state it is applied to."""


@dataclass(frozen=True, slots=True)
class Finding:
    """Something replay noticed that is not an error: a source's claim that disagrees with the state."""

    event: str
    message: str


Handler = Callable[[FactState, Event, list], None]
HANDLERS: dict[str, Handler] = {}


def handles(*kinds: str) -> Callable[[Handler], Handler]:
    """Register a handler for one or more kinds."""

    def register(fn: Handler) -> Handler:
        for k in kinds:
            HANDLERS[k] = fn
        return fn

    return register


def apply_event(st: FactState, ev: Event, findings: list | None = None) -> None:
    """Apply one event to the state, or raise Unmet (leaving the state unchanged)."""
    HANDLERS.get(ev.kind, _record_only)(st, ev, findings if findings is not None else [])


# --- shared checks ---------------------------------------------------------------

def _org_of(ev: Event) -> str:
    return ev.target or ev.org


def _need(cond: bool, reason: str) -> None:
    if not cond:
        raise Unmet(reason)


def _org(st: FactState, org: str, ev: Event) -> dict:
    fact = st.get(("org", org))
    if fact is None and org in st.external:
        return {"name": org, "short": org, "status": "in_force"}
    _need(fact is not None, f"organization {org} does not exist on {ev.date}")
    _need(fact.value["status"] != "dissolved", f"organization {org} was dissolved ({fact.since})")  # type: ignore
    return fact.value  # type: ignore[union-attr]


def _joinable(st: FactState, org: str, ev: Event) -> dict:
    """What a state joins, leaves and rejoins: an organization, or a body with members of its own."""
    if st.get(("body", org)) is not None:
        return {"status": "in_force"}  # an assembly of delegations is joined like an organization
    if st.get(("force", org)) is not None:
        raise Unmet(f"{org} is a force, not an organization or a body: a {ev.kind} targets an organization or "
                    f"a body, and states join a force by force_contribution")
    _need(st.get(("org", org)) is not None or org in st.external,
          f"a {ev.kind} targets an organization or a body, and there is no organization or body {org} on {ev.date}")
    return _org(st, org, ev)


def _entity_exists(st: FactState, ident: str) -> bool:
    org = st.get(("org", ident))
    if org is not None:
        return org.value["status"] != "dissolved"
    if not ident or st.get(("body", ident)) is not None:
        return True
    return ident.split(".")[0] in st.external


def _status(st: FactState, entity: str, actor: str) -> str | None:
    return st.value(("member", entity, actor))


def _since(st: FactState, key: tuple) -> str:
    fact = st.get(key)
    return f" (since {fact.since})" if fact else ""


def _require_status(st: FactState, ev: Event, entity: str, allowed: frozenset[str], what: str) -> None:
    for a in ev.actors:
        status = _status(st, entity, a)
        _need(status in allowed,
              f"{a} is not {what} of {entity} on {ev.date}: its status is {status or 'none'}"
              f"{_since(st, ('member', entity, a))}")


def _set_all(st: FactState, ev: Event, entity: str, status: str) -> None:
    for a in ev.actors:
        st.set(("member", entity, a), status, ev)


# --- the organization's lineage -----------------------------------------------------

@handles("treaty_signed", "org_founded")
def _founding(st: FactState, ev: Event, _f: list) -> None:
    org = _org_of(ev)
    existing = st.get(("org", org))
    _need(existing is None or existing.value["status"] == "dissolved", f"organization {org} already exists")
    in_force = ev.kind == "org_founded"
    st.set(("org", org), {"name": ev.payload.get("name", org), "short": ev.payload.get("short", org),
                          "status": "in_force" if in_force else "signed"}, ev)
    _set_all(st, ev, org, "member" if in_force else "signatory")
    predecessor = ev.payload.get("predecessor")
    if predecessor and st.get(("org", predecessor)) is not None:
        _end_organization(st, predecessor, ev)  # founded on its basis: the predecessor gives way


def _end_organization(st: FactState, org: str, ev: Event) -> None:
    for key in st.children("member", org):
        st.end(key, ev)
    # An organization the log names but never founds (external) has no fact of its own yet.
    value = st.value(("org", org)) or {"name": org, "short": org}
    st.set(("org", org), {**value, "status": "dissolved"}, ev)


@handles("treaty_in_force")
def _in_force(st: FactState, ev: Event, _f: list) -> None:
    org = _org_of(ev)
    value = _org(st, org, ev)
    _need(value["status"] == "signed", f"the treaty of {org} is already in force or ended ({value['status']})")
    st.set(("org", org), {**value, "status": "in_force"}, ev)
    actors = set(ev.actors)
    for key in st.children("member", org):
        if st.value(key) == "signatory" and (not actors or key[2] in actors):
            st.set(key, "member", ev)


@handles("charter_in_force", "org_renamed")
def _renamed(st: FactState, ev: Event, _f: list) -> None:
    org = _org_of(ev)
    value = _org(st, org, ev)
    st.set(("org", org), {**value, "name": ev.payload.get("name", value["name"]),
                          "short": ev.payload.get("short", value["short"])}, ev)
    if ev.kind == "charter_in_force":
        _protocol(st, ev, _f)


@handles("org_dissolved")
def _dissolved(st: FactState, ev: Event, _f: list) -> None:
    org = _org_of(ev)
    _org(st, org, ev)
    _end_organization(st, org, ev)


@handles("protocol_signed", "charter_signed", "protocol_in_force")
def _protocol(st: FactState, ev: Event, _f: list) -> None:
    org = ev.org
    _org(st, org, ev)
    charter = ev.kind.startswith("charter")
    pid = ev.payload.get("protocol") or (f"{org}.CHARTER" if charter else ev.id)
    old = st.value(("protocol", pid)) or {}
    in_force = ev.kind.endswith("in_force")
    status = "in_force" if in_force else "signed"
    signatories = old.get("signatories", ()) if in_force else tuple(ev.actors)
    st.set(("protocol", pid), {"title": ev.payload.get("title", old.get("title", pid)), "status": status,
                               "signatories": signatories, "org": org}, ev)


# --- membership ------------------------------------------------------------------

@handles("accession")
def _accession(st: FactState, ev: Event, _f: list) -> None:
    org = _org_of(ev)
    value = _joinable(st, org, ev)
    _need(value["status"] != "dissolved", f"{org} is dissolved")
    for a in ev.actors:
        status = _status(st, org, a)
        _need(status not in ACTIVE, f"{a} was already a {status} of {org} on {ev.date}{_since(st, ('member', org, a))}")
    _set_all(st, ev, org, "member" if value["status"] == "in_force" else "signatory")


@handles("non_renewal")
def _non_renewal(st: FactState, ev: Event, _f: list) -> None:
    org = _org_of(ev)
    _require_status(st, ev, org, frozenset({"member", "signatory"}), "a member")
    _set_all(st, ev, org, "not_renewed")


@handles("withdrawal")
def _withdrawal(st: FactState, ev: Event, _f: list) -> None:
    org = _org_of(ev)
    _require_status(st, ev, org, frozenset({"member", "signatory", "suspended", "associate"}), "a member")
    _set_all(st, ev, org, "withdrawn")


@handles("suspension")
def _suspension(st: FactState, ev: Event, _f: list) -> None:
    org = _org_of(ev)
    _require_status(st, ev, org, frozenset({"member"}), "a member")
    _set_all(st, ev, org, "suspended")


@handles("readmission")
def _readmission(st: FactState, ev: Event, _f: list) -> None:
    org = _org_of(ev)
    _joinable(st, org, ev)
    for a in ev.actors:
        status = _status(st, org, a)
        _need(status != "member", f"{a} was already a member of {org} on {ev.date}{_since(st, ('member', org, a))}")
        _need(status in FORMER, f"{a} was never a member of {org} before {ev.date}: its status is {status or 'none'}")
    _set_all(st, ev, org, "member")


@handles("system_exit")
def _system_exit(st: FactState, ev: Event, _f: list) -> None:
    org = _org_of(ev)
    _org(st, org, ev)
    _set_all(st, ev, org, "not_in_system")  # not a withdrawal: the state left the state system, not the organization


RETURN_STATUSES = frozenset({"member", "associate", "observer", "unknown", "none"})


@handles("system_return")
def _system_return(st: FactState, ev: Event, _f: list) -> None:
    org = _org_of(ev)
    _org(st, org, ev)
    status = ev.payload.get("status", "member")
    _need(status in RETURN_STATUSES, f"payload.status must be one of {', '.join(sorted(RETURN_STATUSES))}")
    _require_status(st, ev, org, frozenset({"not_in_system"}), "out of the state system and holding a status")
    for a in ev.actors:
        if status == "none":
            st.end(("member", org, a), ev)
        else:
            st.set(("member", org, a), status, ev)


@handles(*SIDE_STATUSES)
def _side_status(st: FactState, ev: Event, _f: list) -> None:
    entity = _org_of(ev)
    _need(_entity_exists(st, entity), f"{entity} does not exist on {ev.date}")
    if ev.kind != "status_unknown":
        for a in ev.actors:
            status = _status(st, entity, a)
            _need(status not in ACTIVE, f"{a} is a {status} of {entity} on {ev.date}, not a candidate for "
                                        f"{SIDE_STATUSES[ev.kind]} status")
    _set_all(st, ev, entity, SIDE_STATUSES[ev.kind])


@handles("status_ended")
def _status_ended(st: FactState, ev: Event, _f: list) -> None:
    entity = _org_of(ev)
    _require_status(st, ev, entity, frozenset({"observer", "partner", "associate", "unknown"}),
                    "an observer, partner or associate")
    for a in ev.actors:
        st.end(("member", entity, a), ev)


def plural(status: str) -> str:
    """The holders of a status, in the plural.

    >>> plural("member"), plural("signatory"), plural("observer")
    ('members', 'signatories', 'observers')
    """
    return status[:-1] + "ies" if status.endswith("y") else status + "s"


@handles("membership_attested")
def _attested(st: FactState, ev: Event, findings: list) -> None:
    entity = _org_of(ev)
    status = ev.payload.get("status", "member")
    claimed = set(ev.payload.get("members") or ev.actors)
    if entity.split(".")[0] in st.external:
        # The log does not hold this organization's history: the source's statement is its only record.
        for a in sorted(claimed):
            if _status(st, entity, a) is None:
                st.set(("member", entity, a), status, ev)
        return
    actual = {k[2] for k in st.children("member", entity) if st.value(k) == status}
    if claimed != actual:
        parts = []
        if claimed - actual:
            parts.append(f"the source names {', '.join(sorted(claimed - actual))} but the replay does not")
        if actual - claimed:
            parts.append(f"the replay has {', '.join(sorted(actual - claimed))} but the source does not")
        findings.append(Finding(ev.id, f"{plural(status)} of {entity} on {ev.date}: " + "; ".join(parts)))


# --- bodies and forces ---------------------------------------------------------------

def _parent(st: FactState, ev: Event) -> str:
    parent = ev.payload.get("parent") or ev.org
    _need(_entity_exists(st, parent), f"its parent {parent} does not exist on {ev.date}")
    return parent


@handles("body_created")
def _body_created(st: FactState, ev: Event, _f: list) -> None:
    _need(st.get(("body", ev.target)) is None, f"body {ev.target} already exists")
    parent = _parent(st, ev)
    st.set(("body", ev.target), {"name": ev.payload.get("name", ev.target), "parent": parent, "org": ev.org,
                                 "type": ev.payload.get("type", "body")}, ev)
    for a in ev.actors:
        st.set(("member", ev.target, a), "member", ev)


@handles("body_renamed")
def _body_renamed(st: FactState, ev: Event, _f: list) -> None:
    value = st.value(("body", ev.target))
    _need(value is not None, f"body {ev.target} does not exist on {ev.date}")
    st.set(("body", ev.target), {**value, "name": ev.payload.get("name", value["name"])}, ev)


@handles("body_dissolved")
def _body_dissolved(st: FactState, ev: Event, _f: list) -> None:
    _need(st.get(("body", ev.target)) is not None, f"body {ev.target} does not exist on {ev.date}")
    for key in st.children("member", ev.target):
        st.end(key, ev)
    st.end(("body", ev.target), ev)


def _check_contributors(st: FactState, ev: Event, force_org: str) -> None:
    for a in ev.actors:
        status = _status(st, force_org, a)
        _need(status == "member", f"{a} is not a member of {force_org} on {ev.date} (status {status or 'none'}),"
                                  f" so it cannot contribute to {ev.target}")


@handles("force_formed")
def _force_formed(st: FactState, ev: Event, _f: list) -> None:
    _need(st.get(("force", ev.target)) is None, f"force {ev.target} already exists")
    parent = _parent(st, ev)
    _check_contributors(st, ev, ev.org)
    # Unless the source says its list is complete, states it does not name are unknown, not absent.
    st.set(("force", ev.target), {"name": ev.payload.get("name", ev.target), "parent": parent, "org": ev.org,
                                  "contributors_complete": ev.payload.get("contributors") == "complete"}, ev)
    for a in ev.actors:
        st.set(("contrib", ev.target, a), {"units": ev.payload.get("units")}, ev)
    if ev.payload.get("strength") is not None:
        st.set(("strength", ev.target), {"strength": ev.payload["strength"],
                                         "unit": ev.payload.get("unit", "personnel")}, ev)


@handles("force_contribution")
def _force_contribution(st: FactState, ev: Event, _f: list) -> None:
    force = st.value(("force", ev.target))
    _need(force is not None, f"force {ev.target} does not exist on {ev.date}")
    _check_contributors(st, ev, force["org"])
    for a in ev.actors:  # every check before any change: a skipped event must leave no trace
        _need(st.get(("contrib", ev.target, a)) is None, f"{a} already contributes to {ev.target}")
    for a in dict.fromkeys(ev.actors):
        st.set(("contrib", ev.target, a), {"units": ev.payload.get("units")}, ev)


@handles("force_strength")
def _force_strength(st: FactState, ev: Event, _f: list) -> None:
    _need(st.get(("force", ev.target)) is not None, f"force {ev.target} does not exist on {ev.date}")
    st.set(("strength", ev.target), {"strength": ev.payload.get("strength"),
                                     "unit": ev.payload.get("unit", "personnel")}, ev)


@handles("force_disbanded")
def _force_disbanded(st: FactState, ev: Event, _f: list) -> None:
    _need(st.get(("force", ev.target)) is not None, f"force {ev.target} does not exist on {ev.date}")
    for key in st.children("contrib", ev.target):
        st.end(key, ev)
    st.end(("strength", ev.target), ev)
    st.end(("force", ev.target), ev)


# --- rules, offices, relations -----------------------------------------------------

@handles("rule_adopted")
def _rule_adopted(st: FactState, ev: Event, _f: list) -> None:
    _org(st, ev.org, ev)
    # A criterion someone stated but nothing adopted stays usable by rule engines, marked as what it is.
    standing = ev.payload.get("standing", "adopted")
    _need(standing in ("adopted", "stated"), f"payload.standing must be adopted or stated, not {standing!r}")
    st.set(("rule", ev.target), {"title": ev.payload.get("title", ev.target), "text": ev.payload.get("text", ""),
                                 "params": ev.payload.get("params", {}), "org": ev.org, "standing": standing}, ev)


@handles("rule_repealed")
def _rule_repealed(st: FactState, ev: Event, _f: list) -> None:
    _need(st.get(("rule", ev.target)) is not None, f"rule {ev.target} is not in force on {ev.date}")
    st.end(("rule", ev.target), ev)


@handles("chair")
def _chair(st: FactState, ev: Event, _f: list) -> None:
    org = _org_of(ev)
    _org(st, org, ev)
    _require_status(st, ev, org, frozenset({"member"}), "a member")
    office = ev.payload.get("office", f"{org}.CHAIR")
    st.set(("office", office), {"holder": ",".join(ev.actors), "title": ev.payload.get("title", "Chairmanship"),
                                "term": ev.payload.get("term")}, ev)


@handles("office_appointment")
def _appointment(st: FactState, ev: Event, _f: list) -> None:
    _org(st, ev.org, ev)
    holder = ev.payload.get("person") or ",".join(ev.actors)
    _need(bool(holder), "an appointment needs payload.person or actors")
    st.set(("office", ev.target), {"holder": holder, "title": ev.payload.get("title", ev.target),
                                   "term": ev.payload.get("term")}, ev)


@handles("armed_conflict")
def _war(st: FactState, ev: Event, _f: list) -> None:
    _need(len(ev.actors) >= 2, "an armed conflict needs two or more actors")
    pairs = [(a, b) for i, a in enumerate(sorted(ev.actors)) for b in sorted(ev.actors)[i + 1:]]
    for a, b in pairs:
        if ev.payload.get("ended"):
            st.end(("war", a, b), ev)
        else:
            st.set(("war", a, b), {}, ev)


@handles("base_established")
def _base(st: FactState, ev: Event, _f: list) -> None:
    user = ev.payload.get("user")
    _need(isinstance(user, str), "a base needs payload.user (the state whose base it is)")
    for host in ev.actors:
        st.set(("base", host, user, ev.payload.get("name", ev.id)), {"name": ev.payload.get("name", "")}, ev)


@handles("session")
def _session(st: FactState, ev: Event, _f: list) -> None:
    if ev.target and "." in ev.target:
        _need(st.get(("body", ev.target)) is not None, f"body {ev.target} does not exist on {ev.date}")


def _record_only(st: FactState, ev: Event, _f: list) -> None:
    """Acts (decisions, exercises, statements…) are kept in the log and timeline; they set no fact."""
