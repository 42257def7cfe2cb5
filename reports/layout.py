"""A stable layout for an organization's network: every node keeps its place across dates.

States (and other actors holding a status) stand in a column on the left, the
organization in the middle, its bodies and forces as an indented tree on the
right. Rows are fixed from every node that ever exists in the history, so two
diagrams of different dates can be compared side by side, and one label per
row means labels cannot overlap however many nodes there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from orgsim.engine.graph import state_graph
from orgsim.engine.history import History

LEFT_X, ORG_X, RIGHT_X, INDENT = 0.0, 3.0, 5.0, 0.45


@dataclass(frozen=True)
class Layout:
    """Node positions for the whole history, and the size of the canvas they need."""

    pos: dict[str, tuple[float, float]]
    types: dict[str, str]
    rows: int
    #: The body each node is part of (from any date): a column-width figure folds sub-bodies into their parent.
    parents: dict[str, str] = field(default_factory=dict)

    def __contains__(self, node: str) -> bool:
        return node in self.pos


def universe(history: History, dates: list | None = None) -> nx.DiGraph:
    """Every node and edge that appears in the organization's network on any key date."""
    g = nx.DiGraph()
    first: dict[str, int] = {}
    for d in list(history.key_dates()) + list(dates or []):
        sg = state_graph(history.at(d))
        for n, data in sg.nodes(data=True):
            g.add_node(n, **data)
            first.setdefault(n, d.key)
        g.add_edges_from(sg.edges(data=True))
    nx.set_node_attributes(g, first, "first")
    return g


def _depth(g: nx.DiGraph, node: str, org: str) -> int:
    depth, seen = 0, {node}
    while True:
        parents = [v for _, v, t in g.out_edges(node, data="type") if t == "part_of"]
        if not parents or parents[0] == org or parents[0] in seen:
            return depth
        node = parents[0]
        seen.add(node)
        depth += 1


def stable_layout(history: History, dates: list | None = None) -> Layout:
    """Positions for every node the history ever has, fixed once for all dates."""
    g = universe(history, dates)
    org = history.org
    types = dict(g.nodes(data="type"))
    # Another organization can be an observer or partner (kinds whose actors may be anything): it stands with the
    # states, or it would have no place and the drawing would fail.
    left = sorted((n for n in g if types[n] in ("state", "other") or (types[n] == "organization" and n != org)),
                  key=lambda n: (g.nodes[n]["first"], n))
    right = sorted((n for n in g if types[n] in ("body", "force")), key=lambda n: (types[n] != "body", n))
    rows = max(len(left), len(right), 1)
    pos: dict[str, tuple[float, float]] = {org: (ORG_X, (rows - 1) / 2)}

    def spread(nodes: list[str]) -> list[float]:
        step = (rows - 1) / max(len(nodes) - 1, 1) if len(nodes) > 1 else 0
        top = rows - 1 if len(nodes) > 1 else (rows - 1) / 2
        return [top - i * step for i in range(len(nodes))]

    for n, y in zip(left, spread(left)):
        pos[n] = (LEFT_X, y)
    for n, y in zip(right, spread(right)):
        pos[n] = (RIGHT_X + INDENT * _depth(g, n, org), y)
    parents = {a: b for a, b, t in g.edges(data="type") if t == "part_of"}
    return Layout(pos, types, rows, parents)
