"""The whole history, or the state at a date, in formats other tools open: GEXF, GraphML, JSON.

Everything is built from the compiled index's intervals (``history.index.intervals()``),
so an export never replays the log again. Intervals are the index's ``[start, end)``
in day ordinals; each format states how it writes them.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import networkx as nx

from orgsim.engine.graph import DRAWN_STATUSES, EDGE_TYPE, state_graph
from orgsim.engine.history import History, as_date
from orgsim.engine.index import OPEN_END
from orgsim.engine.state import state_name
from orgsim.events.canonical import log_hash
from orgsim.events.dates import HistDate, ordinal_to_iso
from orgsim.events.errors import InputError
from orgsim.events.text import json_safe, xml_invalid

#: Version of the JSON export's structure (documented in ``history_json``).
from orgsim.engine.year_codes import is_state, organization_ids  # noqa: F401  (used here and re-exported)

JSON_FORMAT = "orgsim-history/1"


@dataclass(frozen=True, slots=True)
class Link:
    """One interval of one edge: actor → entity (membership), state → force, or body/force → parent."""

    source: str
    target: str
    relation: str
    status: str
    start: int
    end: int  # OPEN_END: still holds at the end of the log
    start_event: str
    end_event: str | None
    bounds: Any = None  # engine.answers.Answer: the earliest and latest start and end


def links(history: History) -> list[Link]:
    """Every membership, contribution and part-of interval of the whole history."""
    out = []
    for fact, start, end, ender, b in history.index.spans():
        cat, key = fact.key[0], fact.key
        if cat == "member":
            out.append(Link(key[2], key[1], EDGE_TYPE.get(fact.value, "member_of"), fact.value,
                            start, end, fact.event, ender, b))
        elif cat == "contrib":
            out.append(Link(key[2], key[1], "contributes_to", "", start, end, fact.event, ender, b))
        elif cat in ("body", "force"):
            out.append(Link(key[1], fact.value["parent"], "part_of", "", start, end, fact.event, ender, b))
    return out


def existence(history: History) -> dict[str, list[tuple[int, int]]]:
    """When each organization, body and force existed: merged ``[start, end)`` spans."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for fact, start, end, _x in history.index.intervals():
        if fact.key[0] in ("org", "body", "force") and fact.value.get("status") != "dissolved":
            spans.setdefault(fact.key[1], []).append((start, end))
    return {k: merge(v) for k, v in spans.items()}


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join touching or overlapping ``[start, end)`` spans (a renamed CST is still one organization).

    >>> merge([(5, 9), (1, 3), (3, 4), (8, 12)])
    [(1, 4), (5, 12)]
    """
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def node_info(history: History, ident: str) -> dict[str, str]:
    """A node's type, readable name and short label, from the log's latest facts."""
    last = {f.key[0]: f.value for f, *_ in history.index.intervals() if f.key[1:] == (ident,)}
    entities = history.log.entities
    organizations = organization_ids(history)
    if ident in organizations:
        kind = "organization"
    elif is_state(ident, organizations):
        kind = "state"
    else:
        kind = "body" if "body" in last else "force" if "force" in last else "other"
    value = last.get("org") or last.get("body") or last.get("force") or {}
    declared = next((g[ident] for g in entities.values() if isinstance(g, dict) and ident in g), {})
    name = value.get("name") or declared.get("name") or (state_name(ident) if kind == "state" else ident)
    return {"type": kind, "name": name, "label": value.get("short") or ident}


def _day(ordinal: int) -> str:
    return ordinal_to_iso(ordinal)


def _last_day(end: int) -> str | None:
    # GEXF spells are closed intervals: the last day a fact holds is the day before its end.
    return None if end == OPEN_END else _day(end - 1)


def history_gexf_graph(history: History) -> nx.DiGraph:
    """The whole history as a dynamic networkx graph: spells on nodes and edges, status over time."""
    g = nx.DiGraph(mode="dynamic", name=history.log.title, log_hash=log_hash(history.log))
    spans: dict[Any, list[tuple[int, int]]] = {}  # [start, end) ordinals per edge, then per node
    for k in links(history):
        if (k.status and k.status not in DRAWN_STATUSES) or k.end <= k.start:
            continue  # former members are not drawn (as in state_graph); a same-day interval is empty
        g.add_edge(k.source, k.target)
        data = g.edges[k.source, k.target]
        b = k.bounds
        # Spells are the certain interval; an interval that is never certain is spelled over what is possible.
        start, end = (b.start_latest, b.end_earliest) if b.start_latest < b.end_earliest else \
            (b.start_earliest, b.end_latest)
        spans.setdefault((k.source, k.target), []).append((start, end))
        # 'status', 'relation' and 'modality' are dynamic attributes: (value, first day, last day) per interval.
        data.setdefault("status", []).append((k.status, _day(k.start), _last_day(k.end)))
        data.setdefault("relation", []).append((k.relation, _day(k.start), _last_day(k.end)))
        data.setdefault("modality", []).extend(_modality_spells(b))
        data["bounds"] = "; ".join(filter(None, [data.get("bounds"), _bounds_text(b)]))
    for u, v, data in g.edges(data=True):
        data["spells"] = _spells(spans[u, v])
        # 'type' on a GEXF edge means directed/undirected, so the relation goes in the label.
        data["label"] = "/".join(dict.fromkeys(r for r, _s, _e in data["relation"]))
    lifetimes = existence(history)
    for node in g.nodes:
        # A state is on the map while it holds some status; an organization, body or force while it exists.
        own = lifetimes.get(node) or merge([s for e in [*g.in_edges(node), *g.out_edges(node)] for s in spans[e]])
        g.nodes[node].update(node_info(history, node), spells=_spells(own))
    return g


def _modality_spells(b: Any) -> list[tuple[str, str, str | None]]:
    """(answer, first day, last day) over an interval: possible before its latest start and after its earliest end."""
    if b.start_latest >= b.end_earliest:
        return [("possible", _day(b.start_earliest), _last_day(b.end_latest))]
    out = []
    if b.start_earliest < b.start_latest:
        out.append(("possible", _day(b.start_earliest), _last_day(b.start_latest)))
    out.append(("certain", _day(b.start_latest), _last_day(b.end_earliest)))
    if b.end_earliest != OPEN_END and b.end_earliest < b.end_latest:
        out.append(("possible", _day(b.end_earliest), _last_day(b.end_latest)))
    return out


def _bounds_text(b: Any) -> str:
    """An interval's bounds in words: 'start 2006-08-01..2006-08-31, end open'."""
    end = "open" if b.end_earliest == OPEN_END else f"{_day(b.end_earliest)}..{_last_day(b.end_latest) or 'open'}"
    return f"start {_day(b.start_earliest)}..{_day(b.start_latest)}, end {end}"


def _spells(spans: list[tuple[int, int]]) -> list[tuple[str, str | None]]:
    return [(_day(s), _last_day(e)) for s, e in merge(spans)]


def history_gexf(history: History) -> str:
    """GEXF 1.2 of the whole history, dynamic (timeformat date), ready for Gephi's timeline."""
    buf = io.BytesIO()
    g = history_gexf_graph(history)
    nx.write_gexf(g, buf)
    # networkx writes no graph attributes to GEXF: the log hash goes in <meta>'s <description>.
    return checked_xml(buf.getvalue().decode("utf-8").replace(
        "</meta>", f"  <description>orgsim log hash {g.graph['log_hash']}</description>\n  </meta>", 1), "gexf")


def default_date(history: History) -> HistDate:
    """The date a single-date export uses unless told otherwise: the last event's date."""
    return history.event_dates()[-1]


def graphml_graph(history: History, date: str | HistDate | None = None) -> nx.DiGraph:
    """The state graph at a date with GraphML-safe attributes (missing values are left out)."""
    g = state_graph(history.at(as_date(date) if date else default_date(history)))
    g.graph["log_hash"] = log_hash(history.log)  # which log, exactly, the figure was drawn from
    for data in [g.graph, *(d for _n, d in g.nodes(data=True)), *(d for *_e, d in g.edges(data=True))]:
        for key in [k for k, v in data.items() if v is None]:
            del data[key]  # GraphML has no null; an absent attribute says the same
    return g


def state_graphml(history: History, date: str | HistDate | None = None) -> str:
    """GraphML of the organization's network at a date (default: the last event's date)."""
    buf = io.BytesIO()
    nx.write_graphml(graphml_graph(history, date), buf)
    return checked_xml(buf.getvalue().decode("utf-8"), "graphml")


def checked_xml(text: str, what: str) -> str:
    """The XML text, after making sure it is XML: no character XML 1.0 forbids (the loader refuses them too)."""
    # networkx escapes <, > and &, but writes a control character as it is, which no XML parser then reads.
    pos = xml_invalid(text)
    if pos is not None:
        line = text.count("\n", 0, pos) + 1
        raise InputError(f"the {what} export would hold U+{ord(text[pos]):04X} at its line {line}, which XML "
                         "cannot carry; nothing was written")
    return text


def history_json(history: History) -> dict[str, Any]:
    """The history as plain data: nodes, edges with ``[start, end)`` intervals, and events.

    - ``nodes``: ``id``, ``type``, ``name``, ``label``, and ``intervals`` when the node
      exists for a time (organizations, bodies, forces);
    - ``edges``: one per interval: ``source``, ``target``, ``relation``, ``status``,
      ``start`` (first day, ISO), ``end`` (first day it no longer holds; null if it still
      holds at the end of the log), ``start_text``/``end_text`` (the dates as written in
      the log), ``start_event``/``end_event``, and the bounds ``start_earliest``,
      ``start_latest``, ``end_earliest``, ``end_latest`` (null where open) and
      ``attested_until`` (the last day a text attests it);
    - ``events``: ``id``, ``date`` (as written), ``first_day``, ``precision``, ``kind``,
      ``org``, ``actors``, ``target``, ``source_line``, and ``applied`` (false for an
      event set aside by the replay, with ``set_aside`` giving the reason).
    """
    by_id = history.log.by_id
    set_aside = {s.event.id: s.reason for s in history.skipped}
    edges = [{"source": k.source, "target": k.target, "relation": k.relation, "status": k.status,
              "start": _day(k.start), "end": None if k.end == OPEN_END else _day(k.end),
              "start_text": by_id[k.start_event].date.text,
              "end_text": by_id[k.end_event].date.text if k.end_event else None,
              "start_event": k.start_event, "end_event": k.end_event, **_bounds_json(k.bounds)}
             for k in links(history)]
    spans = existence(history)
    ids = sorted({e["source"] for e in edges} | {e["target"] for e in edges} | set(spans))
    nodes = [{"id": i, **node_info(history, i),
              **({"intervals": [{"start": _day(s), "end": None if e == OPEN_END else _day(e)}
                                for s, e in spans[i]]} if i in spans else {})} for i in ids]
    events = [{"id": e.id, "date": e.date.text, "first_day": e.date.first.isoformat(),
               "precision": e.date.precision, "kind": e.kind, "org": e.org, "actors": list(e.actors),
               "target": e.target, "source_line": e.source_line, "applied": e.id not in set_aside,
               **({"set_aside": set_aside[e.id]} if e.id in set_aside else {})} for e in history.log.events]
    return {"format": JSON_FORMAT, "log": {"id": history.log.id, "title": history.log.title,
                                           "organization": history.org, "readings": history.readings,
                                           "log_hash": log_hash(history.log)},
            "intervals": "[start, end): start is the first day, end the first day it no longer holds",
            "nodes": nodes, "edges": edges, "events": events}


def _bounds_json(b: Any) -> dict[str, Any]:
    d = b.to_dict()
    d.pop("modality")
    return d


def history_json_text(history: History) -> str:
    """``history_json`` as JSON text (UTF-8 kept readable)."""
    return json_safe(json.dumps(history_json(history), ensure_ascii=False, indent=2)) + "\n"
