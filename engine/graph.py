"""The state at a date as a networkx graph: typed nodes and typed, dated, sourced edges.

Node ``type``: organization, state, body, force (and ``other`` for parliaments
and unions that hold a status). Edge ``type``: member_of, observer_of,
partner_of, status_unknown (a source's missing code), contributes_to, part_of. Every edge carries ``status``, ``since``
(the EDTF text), ``event`` and ``source_line``.

>>> from orgsim.engine.history import History
>>> g = state_graph(History.load_bundled().at("1995-06-01"))
>>> g.nodes["CSTO"]["type"], g.edges["ARM", "CSTO"]["type"]
('organization', 'member_of')
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol

import networkx as nx

from orgsim.events.dates import HistDate
from orgsim.events.model import Log

Rows = list[dict[str, Any]]


class State(Protocol):
    """What a graph reads of a state (``engine.state.State``, which calls this module, so is not imported)."""

    log: Log
    facts: Mapping
    at: HistDate | None
    org: str

    def name_of(self, ident: str) -> str: ...
    def organization(self, org: str | None = None) -> dict[str, Any] | None: ...
    def members(self, org: str | None = None, status: str | None = None) -> Rows: ...
    def bodies(self, org: str | None = None) -> Rows: ...
    def body_members(self, org: str | None = None) -> Rows: ...
    def forces(self, org: str | None = None) -> Rows: ...

EDGE_TYPE = {"observer": "observer_of", "partner": "partner_of", "unknown": "status_unknown"}
DRAWN_STATUSES = frozenset({"member", "signatory", "suspended", "associate", "observer", "partner", "unknown"})


def _node_type(state: State, ident: str) -> str:
    # Organizations first: some have three-letter ids (SCO) that look like state codes.
    if ("org", ident) in state.facts or ident in (state.log.entities.get("organizations") or {}):
        return "organization"
    if len(ident) == 3 and ident.isupper():
        return "state"
    if ("body", ident) in state.facts:
        return "body"
    if ("force", ident) in state.facts:
        return "force"
    return "other"


def _add_node(g: nx.DiGraph, state: State, ident: str) -> None:
    if ident not in g:
        g.add_node(ident, type=_node_type(state, ident), label=ident, name=state.name_of(ident))


RANK = {"certain": 0, "presumed": 1, "possible": 2}


def _edge(g: nx.DiGraph, state: State, a: str, b: str, etype: str, row: dict) -> None:
    _add_node(g, state, a)
    _add_node(g, state, b)
    if g.has_edge(a, b):
        return  # a second status that may hold under another reading: the stronger one is drawn
    modality = row.get("modality") or "certain"
    g.add_edge(a, b, type=etype, status=row.get("status", ""), since=row["since"], event=row["event"],
               source_line=row.get("source_line"), modality=modality)
    # A node is as sure as the surest thing that puts it in the picture.
    node = g.nodes[a]
    if "modality" not in node or RANK[modality] < RANK[node["modality"]]:
        node["modality"] = modality


def state_graph(state: State, org: str | None = None) -> nx.DiGraph:
    """The organization's network at the state's date (former members are not drawn)."""
    org = org or state.org
    g = nx.DiGraph(date=state.at.text if state.at else None, org=org)
    info = state.organization(org)
    if info is None:
        return g
    _add_node(g, state, org)
    g.nodes[org]["label"] = info.get("short") or org
    g.nodes[org]["name"] = info.get("name") or org
    for row in state.members(org):
        if row["status"] in DRAWN_STATUSES:
            _edge(g, state, row["id"], org, EDGE_TYPE.get(row["status"], "member_of"), row)
    for body in state.bodies(org):
        _edge(g, state, body["id"], body["parent"], "part_of", body)
    for row in state.body_members(org):
        if row["status"] in DRAWN_STATUSES:
            _edge(g, state, row["id"], row["org"], EDGE_TYPE.get(row["status"], "member_of"), row)
    for force in state.forces(org):
        _edge(g, state, force["id"], force["parent"], "part_of", force)
        for c in force["contributors"]:
            _edge(g, state, c["id"], force["id"], "contributes_to", c)
    for part in state.bodies(org) + state.forces(org):
        if part["id"] in g:
            g.nodes[part["id"]]["modality"] = part.get("modality") or "certain"
    g.nodes[org]["modality"] = info.get("modality") or "certain"
    for node, data in g.nodes(data=True):
        data.setdefault("label", node)
        data.setdefault("modality", "certain")
    return g
