"""The histories a hazard model learns from: logs, stores, or COW and ATOP files read on the fly.

A path is read by what it is: a ``.csv`` file is COW IGO v3 (either layout, ``import cow-igo``),
a folder holding ``atop5_1m.csv`` is ATOP 5.1 (``import atop``), anything else is an orgsim log
or store. The datasets are imported in memory exactly as ``orgsim import`` would write them,
so a backtest on the CSV and one on its imported log agree.
"""

from __future__ import annotations

import os
from typing import Callable, Iterable

from orgsim.engine.history import History
from orgsim.events.errors import InputError
from orgsim.events.model import Log


def _parsed(logs: list, path: str) -> list[Log]:
    from orgsim.events.importers import SCHEMA_VERSION
    from orgsim.events.parse import parse_log

    return [parse_log({"orgsim_log": SCHEMA_VERSION, **header, "events": events}, f"{path} ({name})")
            for name, header, events in logs]


def logs_of(path: str) -> list[Log]:
    """The logs one path holds (a COW CSV or an ATOP folder gives one log of all its organizations)."""
    if not os.path.exists(path):
        raise InputError("no such file or folder", path)
    if os.path.isdir(path):
        from orgsim.events.importers.atop import FILE, atop_logs, read_atop

        if not os.path.exists(os.path.join(path, FILE)):
            raise InputError(f"a folder is read as ATOP 5.1, but it has no {FILE}", path)
        return _parsed(atop_logs(read_atop(path, None)), path)
    if path.lower().endswith(".csv"):
        from orgsim.events.importers.cow import read_cow
        from orgsim.events.importers.cow_events import cow_logs

        return _parsed(cow_logs(read_cow(path)), path)
    from orgsim.events.load import load_any

    return [load_any(path)]


def histories_of(paths: Iterable[str], step: Callable[[str], None] = lambda _s: None) -> list[History]:
    """Every log of every path, replayed (``step`` is told what is being read)."""
    out = []
    for path in paths:
        step(f"reading {path}")
        out += [History(log) for log in logs_of(path)]
    return out


def describe_paths(paths: Iterable[str]) -> list[str]:
    """What each path is, in words a reader can cite: the dataset and its file, or the log's file."""
    out = []
    for path in paths:
        name = os.path.basename(path.rstrip("/"))
        if os.path.isdir(path):
            out.append(f"ATOP 5.1 ({name})")
        elif path.lower().endswith(".csv"):
            out.append(f"COW IGO v3 ({name})")
        else:
            out.append(name)
    return out
