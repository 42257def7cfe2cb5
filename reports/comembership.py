"""Co-membership at a date: states linked by the organizations they belong to together.

The state–organization graph of memberships is projected onto the states
(networkx's ``weighted_projected_graph``): two states are linked if they share
an organization, and the edge's ``weight`` is how many they share. The edge's
``organizations`` attribute names them.
"""

from __future__ import annotations

from typing import Any, Iterable

import networkx as nx
from networkx.algorithms import bipartite

from orgsim.engine.history import History, as_date
from orgsim.events.dates import HistDate

from .exports import is_state, organization_ids

#: Statuses that count as belonging: full and associate membership. Observers, partners,
#: signatories of a treaty not in force and suspended members do not take part as members.
MEMBER_STATUSES = frozenset({"member", "associate"})


def membership_graph(history: History, date: str | HistDate,
                     statuses: Iterable[str] = MEMBER_STATUSES) -> nx.Graph:
    """The bipartite graph of states and the organizations they belong to at a date."""
    wanted = frozenset(statuses)
    orgs = organization_ids(history)
    state = history.at(as_date(date))
    g = nx.Graph(date=state.at.text if state.at else None)
    for key, fact in state.facts.items():
        # Organizations only: the CSTO's own bodies would count the CSTO twice.
        if key[0] == "member" and key[1] in orgs and is_state(key[2], orgs) and fact.value in wanted:
            g.add_node(key[2], bipartite=0, type="state")
            g.add_node(key[1], bipartite=1, type="organization")
            g.add_edge(key[2], key[1], status=fact.value)
    return g


def comembership(history: History, date: str | HistDate, statuses: Iterable[str] = MEMBER_STATUSES) -> nx.Graph:
    """States at a date, linked with weight = number of organizations shared, and which ones."""
    b = membership_graph(history, date, statuses)
    states = [n for n, d in b.nodes(data=True) if d["bipartite"] == 0]
    if not states:  # no member on that date (before any founding, say): networkx refuses to project nothing
        return nx.Graph(**b.graph)
    g = bipartite.weighted_projected_graph(b, states)
    g.graph.update(b.graph)
    for u, v, data in g.edges(data=True):
        data["organizations"] = sorted(set(b[u]) & set(b[v]))
    for n in g.nodes:
        g.nodes[n]["organizations"] = sorted(b[n])
    return g


def comembership_rows(g: nx.Graph) -> list[dict[str, Any]]:
    """One row per pair of states sharing an organization, heaviest first."""
    rows = [{"state_a": min(u, v), "state_b": max(u, v), "weight": d["weight"], "organizations": d["organizations"]}
            for u, v, d in g.edges(data=True)]
    return sorted(rows, key=lambda r: (-r["weight"], r["state_a"], r["state_b"]))


def comembership_data(g: nx.Graph) -> dict[str, Any]:
    """The co-membership graph as plain data: the date, each state's organizations, and the pairs."""
    return {"date": g.graph.get("date"),
            "states": [{"id": n, "organizations": g.nodes[n]["organizations"]} for n in sorted(g.nodes)],
            "pairs": comembership_rows(g)}
