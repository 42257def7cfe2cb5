"""orgsim's own measurements: file parsing per format, compile, queries, memory, and the COW import."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from orgsim.engine.history import History as OrgHistory
from orgsim.engine.index import FactIndex
from orgsim.events import load_log

from .data import History, load_jsonl
from .timing import max_rss, median_call, median_repeat, once, traced_peak


def parsing(h: History) -> list[dict[str, Any]]:
    """Seconds to load and validate a log, per format, at the small size and (Parquet) at full size."""
    rows = []
    for fmt, path in h.small.items():
        loader = load_jsonl if fmt == "jsonl" else load_log
        secs, log = once(lambda loader=loader, path=path: loader(path))
        rows.append({"format": fmt, "events": len(log.events), "seconds": secs, "bytes": os.path.getsize(path)})
    secs, log = once(lambda: load_log(h.parquet))
    rows.append({"format": "parquet", "events": len(log.events), "seconds": secs, "bytes": os.path.getsize(h.parquet)})
    return rows


def measure(h: History, repeat: int = 5) -> tuple[dict[str, Any], FactIndex]:
    """Compile time (median of fresh compiles), query medians and peak memory, on the full Parquet log."""
    log = load_log(h.parquet)
    out: dict[str, Any] = {"events": len(log.events)}
    out["compile_first"], index = once(lambda: FactIndex(log, cache=False))
    out["method"] = index.method
    out["compile"] = median_repeat(lambda: FactIndex(log, cache=False), repeat)
    out["intervals"] = len(index.table.ent)
    def full() -> FactIndex:  # the index with both query structures built
        ix = FactIndex(log, cache=False)
        ix.members_of(*h.queries[0])
        ix.memberships_at(h.queries[0][1])
        return ix

    out["peak_bytes"], _ = traced_peak(full)
    out["rss_bytes"] = max_rss()
    out["buckets_first"], _ = once(lambda: index.members_of(*h.queries[0]))  # builds the buckets
    out["members_of"] = median_call(index.members_of, h.queries)
    out["time_buckets_first"], _ = once(lambda: index.memberships_at(h.queries[0][1]))
    out["memberships_at"] = median_call(index.memberships_at, [(d,) for _o, d in h.queries[:100]])
    out["comembership"] = median_call(index.comembership, [(d,) for _o, d in h.queries[:20]])
    out["facts_at"] = median_call(index.facts_at, [(d,) for _o, d in h.queries[:10]])
    cached = FactIndex(log)  # writes FILE.orgsim-index (the log is large)
    out["cache_load"] = median_repeat(lambda: FactIndex(log), repeat)
    out["cache_hit"] = cached.method == "vector" and os.path.exists(h.parquet + ".orgsim-index")
    return out, index


def cow(path: str | None) -> dict[str, Any] | None:
    """The whole COW IGO v3 import (534 organizations), then every membership on 1 July 1975."""
    try:
        from orgsim.events.importers.cow import read_cow
        from orgsim.events.importers.cow_events import cow_logs
    except ImportError:
        return None
    if not path or not os.path.exists(path):
        return None
    from orgsim.events.parse import parse_log

    def imported() -> Any:
        _name, header, events = cow_logs(read_cow(path))[0]
        return parse_log({"orgsim_log": 2, **header, "events": events}, path)

    out: dict[str, Any] = {"file": os.path.basename(path)}
    out["import"], log = once(imported)
    out["events"] = len(log.events)
    out["organizations"] = len(log.entities.get("organizations") or {})
    out["compile"], index = once(lambda: FactIndex(log, cache=False))
    out["method"] = index.method
    day = dt.date(1975, 7, 1).toordinal()
    out["first_answer"], frame = once(lambda: index.memberships_at(day))
    out["memberships_at"] = median_call(index.memberships_at, [(day,)] * 20)
    out["rows_1975"] = len(frame)
    history = OrgHistory(log)
    history.__dict__["index"] = index
    out["state_api"] = median_call(lambda: history.at("1975-07-01").memberships(), [()] * 3)
    return out
