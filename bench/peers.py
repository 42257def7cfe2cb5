"""What a user might pick instead, given the same membership history, asked the same questions.

Each peer gets the membership intervals (organization, state, status, start, end) in the
form it takes, as a user would load them, and answers: who belongs to one organization at
a date, and every membership at a date. A sample of answers is checked against orgsim's.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from .timing import median_call, once


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def _run(name: str, dist: str, ingest: Callable[[], Any], member: Callable[[Any, str, int], Any],
         everyone: Callable[[Any, int], Any], queries: list, n_all: int, check: Callable[[Any, str, int], bool],
         note: str = "") -> dict[str, Any]:
    seconds, g = once(ingest)
    sample = queries[:5]
    return {"name": name, "version": _version(dist), "ingest": seconds,
            "members_of": median_call(lambda o, d: member(g, o, d), queries),
            "memberships_at": median_call(lambda d: everyone(g, d), [(d,) for _o, d in queries[:n_all]]),
            "agrees": all(check(member(g, o, d), o, d) for o, d in sample), "note": note}


def pandas_filter(frame: pd.DataFrame, queries: list, reference: Callable, n: int) -> dict[str, Any]:
    """A plain boolean-mask filter on the interval table."""
    def member(df: pd.DataFrame, org: str, day: int) -> pd.DataFrame:
        return df[(df.org == org) & (df.start <= day) & (df.end > day)]

    return _run("pandas (interval filter)", "pandas", lambda: frame, member,
                lambda df, d: df[(df.start <= d) & (df.end > d)], queries, n,
                lambda r, o, d: set(zip(r.state.astype(str), r.status.astype(str))) == reference(o, d))


def raphtory(frame: pd.DataFrame, queries: list, reference: Callable, n: int) -> dict[str, Any]:
    """Raphtory's PersistentGraph, loaded with its bulk pandas loaders, asked through ``at()``."""
    from raphtory import PersistentGraph

    def ingest() -> Any:
        g = PersistentGraph()
        adds = pd.DataFrame({"t": frame.start, "src": frame.state.astype(str), "dst": frame.org.astype(str),
                             "status": frame.status.astype(str)})
        g.load_edges(adds, time="t", src="src", dst="dst", properties=["status"])
        same = (frame.org.shift(-1) == frame.org) & (frame.state.shift(-1) == frame.state)
        ends = frame[~(same & (frame.start.shift(-1) == frame.end)) & (frame.end < frame.end.max())]
        g.load_edge_deletions(pd.DataFrame({"t": ends.end, "src": ends.state.astype(str),
                                            "dst": ends.org.astype(str)}), time="t", src="src", dst="dst")
        return g

    def member(g: Any, org: str, day: int) -> list:
        node = g.at(day).node(org)
        if node is None:
            return []
        edges = node.in_edges
        return list(zip(edges.src.id, edges.properties.get("status")))

    def everyone(g: Any, day: int) -> list:
        edges = g.at(day).edges
        return list(zip(edges.src.id, edges.dst.id, edges.properties.get("status")))

    return _run("Raphtory PersistentGraph", "raphtory", ingest, member, everyone, queries, n,
                lambda r, o, d: set(r) == reference(o, d))


def dynetx(frame: pd.DataFrame, queries: list, reference: Callable, n: int) -> dict[str, Any]:
    """DyNetX: one interaction per interval (state, organization, start, end), asked through ``time_slice``."""
    import dynetx as dn

    def ingest() -> Any:
        g = dn.DynGraph(edge_removal=True)
        for s, o, a, b in zip(frame.state.astype(str), frame.org.astype(str), frame.start.tolist(),
                              frame.end.tolist()):
            if b > a:
                g.add_interaction(s, o, a, e=b)
        return g

    def member(g: Any, org: str, day: int) -> list:
        snap = g.time_slice(day)
        return sorted(snap.neighbors(org)) if snap.has_node(org) else []

    return _run("DyNetX time_slice", "dynetx", ingest, member, lambda g, d: list(g.time_slice(d).edges()),
                queries, n, lambda r, o, d: set(r) == {s for s, _st in reference(o, d)},
                note="keeps no status: presence only")


def eventsourcing(frame: pd.DataFrame, queries: list, reference: Callable, n: int) -> dict[str, Any]:
    """The eventsourcing package: one aggregate per organization, rebuilt by replaying to a version."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Organization(Aggregate):
        @event("Registered")
        def __init__(self, name: str) -> None:
            self.name, self.members = name, {}

        @event("StatusChanged")
        def change(self, actor: str, status: str | None, day: int) -> None:
            if status is None:
                self.members.pop(actor, None)
            else:
                self.members[actor] = status

    def ingest() -> Any:
        app, ids, days = Application(), {}, {}
        same = ((frame.org.shift(-1) == frame.org) & (frame.state.shift(-1) == frame.state)
                & (frame.start.shift(-1) == frame.end)).to_numpy()
        big = int(frame.end.max())
        rows = []
        for i, (o, s, st, a, b) in enumerate(zip(frame.org.astype(str), frame.state.astype(str),
                                                 frame.status.astype(str), frame.start.tolist(), frame.end.tolist())):
            rows.append((o, a, 2 * i, s, st))
            if b < big and not same[i]:
                rows.append((o, b, 2 * i + 1, s, None))
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        for org in dict.fromkeys(r[0] for r in rows):
            days[org] = []
        aggs = {org: Organization(org) for org in days}
        for o, day, _k, s, st in rows:
            aggs[o].change(s, st, day)
            days[o].append(day)
        for org, agg in aggs.items():
            app.save(agg)
            ids[org] = agg.id
        return app, ids, days

    def member(g: Any, org: str, day: int) -> dict:
        app, ids, days = g
        if org not in ids:
            return {}
        version = 1 + bisect.bisect_right(days[org], day)
        return app.repository.get(ids[org], version=version).members

    def everyone(g: Any, day: int) -> list:
        return [member(g, org, day) for org in g[1]]

    return _run("eventsourcing (replay to version)", "eventsourcing", ingest, member, everyone, queries, n,
                lambda r, o, d: set(r.items()) == reference(o, d))


PEERS = {"pandas": pandas_filter, "raphtory": raphtory, "dynetx": dynetx, "eventsourcing": eventsourcing}


def run_peers(frame: pd.DataFrame, queries: list, slow: int, reference: Callable, names: list[str],
              dynetx_orgs: int = 3) -> list:
    """Every peer asked for, or the reason it was skipped.

    DyNetX stores an interaction at every time step of its span (its ingest time grows with the days an
    interval lasts), so it is given only the first ``dynetx_orgs`` organizations' intervals and asked about them.
    """
    out = []
    for name in names:
        fast = name in ("pandas", "raphtory")
        qs, fr = (queries if fast else queries[:slow]), frame
        if name == "dynetx":
            few = list(dict.fromkeys(frame.org.astype(str)))[:dynetx_orgs]
            fr = frame[frame.org.astype(str).isin(few)].reset_index(drop=True)
            qs = [(few[i % len(few)], d) for i, (_o, d) in enumerate(qs)]
        try:
            out.append(PEERS[name](fr, qs, reference, 20 if fast else 3))
            if name == "dynetx":
                out[-1]["note"] += f"; given only the {len(fr):,} intervals of {len(few)} organizations"
                out[-1]["whole"] = False
        except ImportError as exc:
            out.append({"name": name, "skipped": f"not installed ({exc.name}): pip install -e '.[bench]'"})
        print(f"  {out[-1]['name']}: done", flush=True)
    return out


__all__ = ["PEERS", "np", "run_peers"]
