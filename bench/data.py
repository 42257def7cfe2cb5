"""The benchmark's history: one synthetic log, written in each format, and what the peers are given."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from orgsim.events.columns import lazy_log
from orgsim.events.parse import parse_log
from orgsim.events.synth.events import synth_columns
from orgsim.events.synth.plan import SynthSpec
from orgsim.events.synth.write import event_dicts, write_log


@dataclass
class History:
    """The synthetic history's files, its day span, and the random queries every tool answers."""

    spec: SynthSpec
    parquet: str
    small: dict[str, str]      # format -> path of the same kind of log with fewer events
    small_events: int
    first_day: int
    last_day: int
    orgs: list[str]
    queries: list[tuple[str, int]]


def _slice(header: dict, cols: Any, n: int) -> tuple[dict, Any]:
    """The first n events of a synthetic log as their own (valid) log: a prefix of a valid log replays."""
    import dataclasses

    off = cols.actor_offsets[: n + 1]
    return header, dataclasses.replace(
        cols, ids=cols.ids[:n], date_codes=cols.date_codes[:n], kind_codes=cols.kind_codes[:n],
        org_codes=cols.org_codes[:n], target_codes=cols.target_codes[:n], actor_offsets=off,
        actor_codes=cols.actor_codes[: off[-1]], seq=cols.seq[:n], order=cols.order[:n], line=cols.line[:n],
        extra_codes={k: v[:n] for k, v in cols.extra_codes.items()}, _dates={})


def write_jsonl(path: str, header: dict, cols: Any) -> None:
    """JSON lines: the header on the first line, then one event a line (a format for measuring only)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(header) + "\n")
        fh.writelines(json.dumps(d) + "\n" for d in event_dicts(cols))


def load_jsonl(path: str) -> Any:
    """Read JSON lines and validate them as the YAML loader does (json.loads, then parse_log)."""
    with open(path, encoding="utf-8") as fh:
        header = json.loads(fh.readline())
        events = [{**json.loads(line), "__line__": i + 2} for i, line in enumerate(fh)]
    return parse_log({**header, "events": events}, path)


def build(spec: SynthSpec, folder: str, small_events: int, queries: int) -> History:
    """Generate the history once and write it as Parquet (all of it) and as YAML and JSON lines (a prefix)."""
    header, cols = synth_columns(spec)
    parquet = os.path.join(folder, "history.parquet")
    write_log(parquet, header, cols)
    small_events = min(small_events, len(cols))
    small = {}
    if small_events:  # 0: no parsing comparison
        h_small, c_small = _slice(header, cols, small_events)
        small = {"parquet": os.path.join(folder, "small.parquet"), "yaml": os.path.join(folder, "small.yaml"),
                 "jsonl": os.path.join(folder, "small.jsonl")}
        write_log(small["parquet"], h_small, c_small)
        write_log(small["yaml"], h_small, c_small)
        write_jsonl(small["jsonl"], h_small, c_small)
    keys = cols.keys
    rng = np.random.default_rng(spec.seed)
    orgs = list(header["entities"]["organizations"])
    days = rng.integers(int(keys.min()), int(keys.max()) + 1, queries).tolist()
    picks = [orgs[i] for i in rng.integers(0, len(orgs), queries).tolist()]
    return History(spec, parquet, small, small_events, int(keys.min()), int(keys.max()), orgs,
                   list(zip(picks, days)))


def intervals_frame(index: Any) -> pd.DataFrame:
    """Every membership interval as a plain table (org, state, status, start, end): what peers are given.

    ``end`` is one past the last day of the history for a status that still holds.
    """
    t = index.table
    names = np.array(t.names, dtype=object)
    statuses = np.array(t.statuses, dtype=object)
    end = np.where(t.end == np.iinfo(np.int64).max, int(t.start.max()) + 100_000, t.end)
    return pd.DataFrame({"org": pd.Categorical(names[t.ent]), "state": pd.Categorical(names[t.actor]),
                         "status": pd.Categorical(statuses[t.status]), "start": t.start, "end": end})


def lazy(header: dict, cols: Any) -> Any:
    """A Log over columns (no file)."""
    return lazy_log(parse_log({**header, "events": []}, "<bench>"), cols)
