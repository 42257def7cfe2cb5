"""The fair comparison: every tool in a child process of its own, used as its documentation recommends,
asked the same queries (split into non-empty and empty answers), timed from its raw input to its first
answer, and measured by resident memory.

Inputs, written once to a folder: the Parquet log (orgsim's input) and the membership intervals orgsim
derived from it (every peer's input, ``intervals.npz``). Each tool runs in a fresh ``spawn`` process that
reads its input, builds what its queries need, answers, and reports:

- ``first``: seconds from reading the input to the first answer (load, ingest, every structure the
  queries need, one query);
- ``member``: median seconds of one organization's members at a date, for non-empty and for empty answers;
- ``world``: median seconds of every membership at a date;
- ``rss``: growth of the resident set from before reading the input to the peak (``ru_maxrss``), in bytes;
- ``agree``: whether its non-empty answers equal orgsim's (checked on every query, not a sample).
"""

from __future__ import annotations

import bisect
import multiprocessing as mp
import os
import resource
import time
import traceback
from collections.abc import Callable
from importlib import metadata
from typing import Any

import numpy as np

TOOLS = ("orgsim", "orgsim-answers", "numpy", "pandas", "raphtory", "dynetx", "eventsourcing")
#: Tools given only their first N organizations' intervals (set by the caller for each size; see the notes).
PARTS: dict[str, int] = {"dynetx": 3}


def _rss_now() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _reset_peak() -> bool:
    """Start the peak resident set afresh (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _median(fn: Callable[..., Any], args: list[tuple]) -> float | None:
    """Median seconds per call (bench/timing.py), or None when a tool was asked nothing."""
    from .timing import median_call

    return median_call(fn, args, warmup=0) if args else None


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def _intervals(folder: str) -> dict[str, np.ndarray]:
    with np.load(os.path.join(folder, "intervals.npz"), allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


# ---- each tool: build(folder) -> (state, member(state, org, day) -> set, world(state, day) -> int) ----------


def _orgsim(folder: str) -> tuple[Any, Callable, Callable]:
    """Load the Parquet log, compile the index (no cache), answer with members_of / memberships_at."""
    from orgsim.engine.index import FactIndex
    from orgsim.events import load_log

    index = FactIndex(load_log(os.path.join(folder, "history.parquet")), cache=False)

    def member(ix: Any, org: str, day: int) -> set:
        actors, statuses = ix.members_of(org, day)
        return set(zip(actors.tolist(), statuses.tolist()))

    return index, member, lambda ix, day: len(ix.memberships_at(day))


def _orgsim_answers(folder: str) -> tuple[Any, Callable, Callable]:
    """The same index, asked with its answers: every status that may hold, each certain, possible or presumed
    (answers_of / memberships_answers, engine/answers.py) - the query a historian's question needs."""
    from orgsim.engine.index import FactIndex
    from orgsim.events import load_log

    index = FactIndex(load_log(os.path.join(folder, "history.parquet")), cache=False)

    def member(ix: Any, org: str, day: int) -> set:
        actors, statuses, _answers = ix.answers_of(org, day)
        return set(zip(actors.tolist(), statuses.tolist()))

    return index, member, lambda ix, day: len(ix.memberships_answers(day))


def _numpy(folder: str) -> tuple[Any, Callable, Callable]:
    """A plain baseline: intervals sorted by organization, one slice per organization, one mask per query."""
    iv = _intervals(folder)
    order = np.lexsort((iv["start"], iv["org"]))
    org, state, status = iv["org"][order], iv["state"][order], iv["status"][order]
    start, end = iv["start"][order], iv["end"][order]
    names, statuses = iv["names"].tolist(), iv["statuses"].tolist()
    code = {n: i for i, n in enumerate(names)}
    cuts = np.searchsorted(org, np.arange(len(names) + 1))
    everyone_order = np.argsort(start, kind="stable")
    by_start, s_sorted = everyone_order, start[everyone_order]
    data = (code, cuts, state, status, start, end, names, statuses, by_start, s_sorted)

    def member(d: Any, o: str, day: int) -> set:
        code, cuts, state, status, start, end, names, statuses = d[:8]
        c = code.get(o)
        if c is None:
            return set()
        lo, hi = cuts[c], cuts[c + 1]
        hit = np.flatnonzero((start[lo:hi] <= day) & (end[lo:hi] > day)) + lo
        return {(names[s], statuses[t]) for s, t in zip(state[hit].tolist(), status[hit].tolist())}

    def world(d: Any, day: int) -> int:
        start, end, by_start, s_sorted = d[4], d[5], d[8], d[9]
        k = np.searchsorted(s_sorted, day, side="right")
        rows = by_start[:k]
        return int(np.count_nonzero(end[rows] > day))

    return data, member, world


def _pandas(folder: str) -> tuple[Any, Callable, Callable]:
    """pandas as its user guide suggests for repeated lookups: the frame split once by organization."""
    import pandas as pd

    iv = _intervals(folder)
    names, statuses = iv["names"], iv["statuses"]
    df = pd.DataFrame({"org": pd.Categorical(names[iv["org"]]), "state": pd.Categorical(names[iv["state"]]),
                       "status": pd.Categorical(statuses[iv["status"]]), "start": iv["start"], "end": iv["end"]})
    groups = {o: g for o, g in df.groupby("org", observed=True)}

    def member(d: Any, o: str, day: int) -> set:
        g = d[1].get(o)
        if g is None:
            return set()
        hit = g[(g.start.to_numpy() <= day) & (g.end.to_numpy() > day)]
        return set(zip(hit.state.astype(str), hit.status.astype(str)))

    def world(d: Any, day: int) -> int:
        frame = d[0]
        return len(frame[(frame.start.to_numpy() <= day) & (frame.end.to_numpy() > day)])

    return (df, groups), member, world


def _raphtory(folder: str) -> tuple[Any, Callable, Callable]:
    """Raphtory's PersistentGraph, bulk-loaded from pandas (load_edges, load_edge_deletions), asked at(day)."""
    import pandas as pd
    from raphtory import PersistentGraph

    iv = _intervals(folder)
    names, statuses = iv["names"], iv["statuses"]
    frame = pd.DataFrame({"org": names[iv["org"]], "state": names[iv["state"]], "status": statuses[iv["status"]],
                          "start": iv["start"], "end": iv["end"]}).sort_values(["org", "state", "start"],
                                                                              ignore_index=True)
    g = PersistentGraph()
    g.load_edges(pd.DataFrame({"t": frame.start, "src": frame.state, "dst": frame.org, "status": frame.status}),
                 time="t", src="src", dst="dst", properties=["status"])
    same = (frame.org.shift(-1) == frame.org) & (frame.state.shift(-1) == frame.state)
    ends = frame[~(same & (frame.start.shift(-1) == frame.end)) & (frame.end < frame.end.max())]
    g.load_edge_deletions(pd.DataFrame({"t": ends.end, "src": ends.state, "dst": ends.org}), time="t", src="src",
                          dst="dst")

    def member(g: Any, o: str, day: int) -> set:
        node = g.at(day).node(o)
        if node is None:
            return set()
        edges = node.in_edges
        return set(zip(edges.src.id, edges.properties.get("status")))

    return g, member, lambda g, day: len(g.at(day).edges)


def _dynetx(folder: str) -> tuple[Any, Callable, Callable]:
    """DyNetX: one interaction per interval (it stores every time step), asked with neighbors(node, t)."""
    import dynetx as dn

    iv = _intervals(folder)
    names = iv["names"]
    keep = np.isin(iv["org"], np.unique(iv["org"])[:PARTS["dynetx"]])  # its ingest grows with each span's days
    g = dn.DynGraph(edge_removal=True)
    for s, o, a, b in zip(names[iv["state"][keep]].tolist(), names[iv["org"][keep]].tolist(),
                          iv["start"][keep].tolist(), iv["end"][keep].tolist()):
        if b > a:
            g.add_interaction(s, o, a, e=b)

    def member(g: Any, o: str, day: int) -> set:
        return set(g.neighbors(o, day)) if g.has_node(o) else set()

    return g, member, lambda g, day: g.number_of_interactions(t=day)


def _eventsourcing(folder: str, every: int = 50) -> tuple[Any, Callable, Callable]:
    """eventsourcing: an aggregate per organization, snapshots every 50 versions, read back to a version."""
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

    class Registry(Application):
        snapshotting_intervals = {Organization: every}

    iv = _intervals(folder)
    names, statuses = iv["names"].tolist(), iv["statuses"].tolist()
    big = int(iv["end"].max())
    keep = np.ones(len(iv["org"]), bool)
    if PARTS.get("eventsourcing"):  # about 1 ms an interval: a large history is given in part
        keep = np.isin(iv["org"], np.unique(iv["org"])[:PARTS["eventsourcing"]])
    rows = []
    for o, s, st, a, b in zip(iv["org"][keep].tolist(), iv["state"][keep].tolist(), iv["status"][keep].tolist(),
                              iv["start"][keep].tolist(), iv["end"][keep].tolist()):
        rows.append((o, a, 1, s, st))
        if b < big:
            rows.append((o, b, 0, s, None))  # an end sorts before a start on the same day
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    app, ids, days = Registry(), {}, {}
    current: dict[int, Any] = {}
    for o, day, _k, s, st in rows:
        agg = current.get(o)
        if agg is None:
            agg = current[o] = Organization(names[o])
            days[names[o]] = []
        agg.change(names[s], None if st is None else statuses[st], day)
        days[names[o]].append(day)
        if len(agg.pending_events) >= every:  # saved in chunks, so the application takes its snapshots
            app.save(agg)
    for o, agg in current.items():
        app.save(agg)
        ids[names[o]] = agg.id

    def member(d: Any, o: str, day: int) -> set:
        app, ids, days = d
        if o not in ids:
            return set()
        version = 1 + bisect.bisect_right(days[o], day)
        return set(app.repository.get(ids[o], version=version).members.items())

    def world(d: Any, day: int) -> int:
        return sum(len(member(d, o, day)) for o in d[1])

    return (app, ids, days), member, world


BUILDERS = {"orgsim": (_orgsim, "orgsim"), "orgsim-answers": (_orgsim_answers, "orgsim"), "numpy": (_numpy, "numpy"), "pandas": (_pandas, "pandas"),
            "raphtory": (_raphtory, "raphtory"), "dynetx": (_dynetx, "dynetx"),
            "eventsourcing": (_eventsourcing, "eventsourcing")}


def _child(tool: str, folder: str, queries: dict[str, Any], reference: dict, out: Any, parts: dict) -> None:
    PARTS.clear()
    PARTS.update(parts)
    try:
        import numpy  # noqa: F401 - every tool needs it; its import is not the tool's memory
        import pandas  # noqa: F401

        build, dist = BUILDERS[tool]
        part = PARTS.get(tool)
        if part:  # given only some organizations: asked only about them (their own queries)
            queries = queries["parts"][tool]
        _reset_peak()  # the imports' own peak is not the tool's
        base = _rss_now()
        t0 = time.perf_counter()
        state, member, world = build(folder)
        member(state, *queries["nonempty"][0])
        first = time.perf_counter() - t0
        agree = all(member(state, o, d) == reference[(o, d)] for o, d in queries["nonempty"])
        agree = agree and all(not member(state, o, d) for o, d in queries["empty"])
        res = {"tool": tool, "version": _version(dist), "first": first,
               "nonempty": _median(lambda o, d: member(state, o, d), queries["nonempty"]),
               "empty": _median(lambda o, d: member(state, o, d), queries["empty"]),
               "world": _median(lambda d: world(state, d), [(d,) for _o, d in queries["nonempty"][:20]]),
               "rss": _peak() - base, "agree": agree, "asked": len(queries["nonempty"]) + len(queries["empty"])}
        if part:
            res["note"] = f"given the intervals of its first {part} organizations only"
            res["world"] = None  # every membership of a part of the history: not comparable
        if tool == "orgsim-answers":  # it also gives what only possibly holds: the reference must be inside it
            res["note"] = "with answers: also every status that only possibly holds"
            res["agree"] = all(reference[(o, d)] <= member(state, o, d) for o, d in queries["nonempty"])
        if tool == "dynetx":
            res["note"] += "; keeps no status (presence only)"
            res["agree"] = all(member(state, o, d) == {s for s, _st in reference[(o, d)]}
                               for o, d in queries["nonempty"])
        out.put(res)
    except ImportError as exc:
        out.put({"tool": tool, "skipped": f"not installed ({exc.name}): pip install -e '.[bench]'"})
    except Exception as exc:  # noqa: BLE001 - a peer that fails is reported, not fatal to the run
        out.put({"tool": tool, "skipped": f"failed: {exc!r}", "trace": traceback.format_exc()})


def run_tool(tool: str, folder: str, queries: dict[str, list], reference: dict, timeout: float = 3600) -> dict:
    """One tool in a fresh process: its figures, or why it was skipped."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    p = ctx.Process(target=_child, args=(tool, folder, queries, reference, out, dict(PARTS)))
    p.start()
    try:
        return out.get(timeout=timeout)
    except Exception:  # noqa: BLE001
        return {"tool": tool, "skipped": f"no answer within {timeout:.0f} s"}
    finally:
        p.join(10)
        if p.is_alive():
            p.kill()
            p.join()


def write_inputs(folder: str, index: Any) -> None:
    """The intervals every peer is given (org, state, status, start, end), from orgsim's compiled index."""
    t = index.table
    end = np.where(t.end == np.iinfo(np.int64).max, int(t.start.max()) + 100_000, t.end)
    keep = end > t.start  # an interval that ends the day it starts never holds: no tool is given it
    np.savez(os.path.join(folder, "intervals.npz"), org=t.ent[keep].astype(np.int32),
             state=t.actor[keep].astype(np.int32), status=t.status[keep].astype(np.int16), start=t.start[keep],
             end=end[keep], names=np.array(t.names, dtype=str), statuses=np.array([str(s) for s in t.statuses],
                                                                                   dtype=str))


def make_queries(index: Any, n: int, seed: int, first_orgs: int | None = None) -> tuple[dict[str, list], dict]:
    """n non-empty queries (a day inside a random interval) and n empty ones, with orgsim's answers.

    With ``first_orgs``, only about the first organizations (in code order, as the peers given a part take them).
    """
    t = index.table
    rng = np.random.default_rng(seed)
    ent = np.asarray(t.ent)
    codes = np.unique(ent)
    if first_orgs:
        codes = codes[:first_orgs]
    live = np.flatnonzero((t.end > t.start) & np.isin(ent, codes))
    names = t.names
    lo, hi = int(t.start.min()), int(np.where(t.end == np.iinfo(np.int64).max, t.start, t.end).max())
    reference: dict = {}
    nonempty, empty = [], []
    for i in rng.choice(live, n, replace=len(live) < n).tolist():
        end = min(int(t.end[i]), hi + 1)
        nonempty.append((names[t.ent[i]], int(rng.integers(int(t.start[i]), max(end, int(t.start[i]) + 1)))))
    orgs = [names[c] for c in codes.tolist()]
    tries = 0
    while len(empty) < n and tries < 100 * n:
        tries += 1
        q = (orgs[int(rng.integers(len(orgs)))], int(rng.integers(lo - 3650, hi + 3650)))
        actors, _s = index.members_of(*q)
        if not len(actors):
            empty.append(q)
    for q in nonempty + empty:
        actors, statuses = index.members_of(*q)
        reference[q] = set(zip(actors.tolist(), statuses.tolist()))
    return {"nonempty": nonempty, "empty": empty}, reference


__all__ = ["PARTS", "TOOLS", "make_queries", "run_tool", "write_inputs"]
