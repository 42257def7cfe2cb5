"""The closed vocabulary of event kinds: what each kind means and whom it names.

This is the one list of kinds. The engine gives each kind its effect on the
state (``engine/apply.py``); here a kind is only described, so that a log can
be validated and documented without the engine.

>>> KINDS["accession"].target
'organization'
>>> "coup" in KINDS
False
"""

from __future__ import annotations

from dataclasses import dataclass

#: Version of the log schema this code writes. Older logs are upcast on load.
SCHEMA_VERSION = 2


@dataclass(frozen=True, slots=True)
class Kind:
    """One event kind: its name, meaning, and the roles of actors and target."""

    name: str
    group: str
    meaning: str
    actors: str  # what the actors are: "states", "any", "none"
    target: str  # organization | body | force | rule | office | protocol | entity | none
    since_version: int = 1


def _k(name: str, group: str, meaning: str, actors: str, target: str, since: int = 1) -> Kind:
    return Kind(name, group, meaning, actors, target, since)


_ALL = [
    # --- the organization's own lineage ---
    _k("treaty_signed", "lineage", "A founding treaty is signed; the organization exists (not yet in force) and the actors are signatories. payload: name, short.", "states", "organization"),
    _k("treaty_in_force", "lineage", "The treaty enters into force; every signatory becomes a member. payload: term_years (optional).", "any", "organization"),
    _k("org_founded", "lineage", "An organization is founded outright (no signature phase); the actors are its founding members. payload: name, short, predecessor (an organization it replaces, which ends).", "states", "organization"),
    _k("charter_signed", "lineage", "A charter (a new constitutive form) is signed; recorded, no state change until it is in force. payload: name, short.", "any", "organization"),
    _k("charter_in_force", "lineage", "The charter enters into force; the organization takes the charter's name. payload: name, short.", "any", "organization"),
    _k("org_renamed", "lineage", "The organization takes a new name. payload: name, short.", "none", "organization"),
    _k("org_dissolved", "lineage", "The organization ceases to exist; every membership ends.", "none", "organization"),
    _k("protocol_signed", "lineage", "A protocol or agreement is signed by the actors. payload: protocol (id), title.", "any", "organization"),
    _k("protocol_in_force", "lineage", "A protocol enters into force. payload: protocol (id), title.", "any", "organization"),
    # --- membership ---
    _k("accession", "membership", "States join: members if the treaty is in force, otherwise signatories.", "states", "organization"),
    _k("non_renewal", "membership", "States do not renew their membership when the treaty's term is extended; membership ends.", "states", "organization"),
    _k("withdrawal", "membership", "States leave the organization.", "states", "organization"),
    _k("suspension", "membership", "A member's membership is suspended.", "states", "organization"),
    _k("readmission", "membership", "A former or suspended member becomes a member again.", "states", "organization"),
    _k("observer_status", "membership", "Actors obtain observer status at an organization or one of its bodies. payload: delegation (optional).", "any", "entity"),
    _k("partner_status", "membership", "Actors obtain partner status.", "any", "entity"),
    _k("associate_status", "membership", "Actors become associate members.", "any", "entity"),
    _k("status_ended", "membership", "An observer, partner or associate status ends.", "any", "entity"),
    _k("status_unknown", "membership", "The source codes the actors' status as missing: kept as unknown, never as not a member.", "any", "entity"),
    _k("system_exit", "membership", "The actors leave the state system (a source such as COW codes them -1: no row that year). Their status becomes not_in_system: neither a member nor withdrawn.", "states", "organization"),
    _k("system_return", "membership", "The actors, out of the state system, return to it with the status the source gives them then. payload: status (member, associate, observer, unknown, or none).", "states", "organization"),
    _k("membership_attested", "membership", "A source states who the members are at its date. For an organization whose history the log holds it is checked against the replay and changes nothing; for one it only names (external), it records those statuses from that date. payload: members, status.", "any", "entity"),
    # --- bodies ---
    _k("body_created", "bodies", "A body is created. payload: name, parent (organization or body id), type.", "any", "body"),
    _k("body_renamed", "bodies", "A body takes a new name. payload: name.", "none", "body"),
    _k("body_dissolved", "bodies", "A body ceases to exist.", "none", "body"),
    # --- forces ---
    _k("force_formed", "forces", "A force is formed; actors (if given) are its first contributors. States not named are unknown contributors unless payload.contributors is complete. payload: name, parent (organization or body id), contributors (complete, optional).", "states", "force"),
    _k("force_contribution", "forces", "States join a force or contribute to it. payload: units (optional).", "states", "force"),
    _k("force_strength", "forces", "The force's stated strength. payload: strength (number), unit.", "none", "force"),
    _k("force_disbanded", "forces", "A force is disbanded.", "none", "force"),
    # --- rules and offices ---
    _k("rule_adopted", "rules", "A rule comes into force, or a criterion is stated without being adopted (payload.standing: stated; rule engines may consult it as such). payload: title, text, params (machine-readable, for rule engines), standing (adopted|stated).", "any", "rule"),
    _k("rule_repealed", "rules", "A rule ceases to be in force.", "any", "rule"),
    _k("chair", "offices", "A state takes the rotating chairmanship. payload: office (id), term.", "states", "organization"),
    _k("office_appointment", "offices", "A person is appointed or elected to an office. payload: person, title.", "any", "office"),
    # --- relations between actors ---
    _k("armed_conflict", "relations", "The actors are at war with each other (stated by the source).", "states", "none"),
    _k("base_established", "relations", "A military base is established on the actors' territory. payload: user (state), name.", "states", "none"),
    # --- recorded acts with no structural effect ---
    _k("decision", "acts", "A body or the actors take a decision. payload: title, body (optional).", "any", "entity"),
    _k("session", "acts", "A body meets. payload: body, place, absent (states that stayed away).", "any", "body"),
    _k("request", "acts", "The actors ask for something (assistance, deployment). payload: what.", "any", "entity"),
    _k("proposal", "acts", "The actors propose something. payload: what.", "any", "entity"),
    _k("refusal", "acts", "The actors refuse to sign or join something. payload: what.", "any", "entity"),
    _k("treaty_invoked", "acts", "The treaty's mechanisms are activated. payload: reason.", "any", "organization"),
    _k("agreement_signed", "acts", "A cooperation agreement or memorandum is signed. payload: title, parties.", "any", "entity"),
    _k("exercise", "acts", "A joint exercise is held. payload: name, place, forces.", "any", "entity"),
    _k("operation", "acts", "An operation is carried out or begins. payload: name.", "any", "entity"),
    _k("deployment", "acts", "Troops are deployed. payload: unit, place.", "any", "entity"),
    _k("statement", "acts", "A statement or declaration is adopted or made. payload: title.", "any", "entity"),
]

#: Every kind by name, in documentation order.
KINDS: dict[str, Kind] = {k.name: k for k in _ALL}

#: Membership statuses a state can hold, strongest first.
STATUSES = ("member", "signatory", "suspended", "associate", "observer", "partner",
            "unknown", "not_renewed", "withdrawn", "not_in_system")

#: Statuses that count as belonging to the organization.
ACTIVE_STATUSES = frozenset({"member", "signatory", "suspended", "associate", "observer", "partner", "unknown"})

CONFIDENCE = ("high", "medium", "low")


def kinds_markdown() -> str:
    """Render the vocabulary as a Markdown table (used by ``orgsim kinds`` and the docs)."""
    rows = ["| kind | group | actors | target | meaning |", "|---|---|---|---|---|"]
    rows += [f"| `{k.name}` | {k.group} | {k.actors} | {k.target} | {k.meaning} |" for k in _ALL]
    return "\n".join(rows)
