"""A large log's compiled index, kept beside it as ``FILE.orgsim-index`` and reused while FILE is unchanged.

The cache is a NumPy ``.npz`` (read without pickle, so a planted file cannot run code)
holding the interval arrays and, as JSON, the organization facts and the key it was
made for. It is used only if that key matches the log as it is now:

- the index format version (bumped whenever the compile's output changes);
- the log file's size and modification time (nanoseconds);
- a BLAKE2b digest of its first and last MiB (a Parquet file's footer, its schema and
  column statistics, is at the end, so an edit of the same size and time still shows);
- the readings chosen.

Only logs of ``MIN_EVENTS`` or more events are cached (a small log compiles faster than
a file can be checked), and only indexes from the vectorised compile. A cache that
cannot be written (a read-only folder) is simply not written.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
from orgsim.events.columns import columns_of, positions_of
from orgsim.events.model import FrozenDict, Log
from orgsim.events.store import is_store_path

from .columnar import IntervalTable, base_statuses
from .facts import Fact

FORMAT = 1
MIN_EVENTS = 100_000
SUFFIX = ".orgsim-index"
ARRAYS = ("ent", "actor", "status", "start", "end", "spos", "epos", "rank", "o_start", "o_end", "o_rank")


def _key(path: str, readings: Mapping[str, str] | None) -> dict[str, Any] | None:
    try:
        st = os.stat(path)
        with open(path, "rb") as fh:
            head = fh.read(1 << 20)
            fh.seek(max(0, st.st_size - (1 << 20)))
            tail = fh.read(1 << 20)
    except OSError:
        return None
    digest = hashlib.blake2b(head + tail, digest_size=16).hexdigest()
    return {"format": FORMAT, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "digest": digest,
            "readings": sorted((readings or {}).items())}


def _applies(log: Log) -> bool:
    # Not for event stores: a committed append need not change the main file the key is taken from.
    return len(log.events) >= MIN_EVENTS and os.path.isfile(log.path) and not is_store_path(log.path)


def load(log: Log, readings: Mapping[str, str] | None) -> tuple[IntervalTable, dict[str, str]] | None:
    """The cached index of this log, if there is one made for it as it is now."""
    if not _applies(log) or not os.path.isfile(log.path + SUFFIX):
        return None
    key = _key(log.path, readings)
    try:
        with np.load(log.path + SUFFIX, allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode("utf-8"))
            arrays = {name: z[name] for name in ARRAYS}
    except (OSError, ValueError, KeyError):
        return None  # unreadable or from another version: compile afresh
    cols = columns_of(log)
    if key is None or meta.get("key") != json.loads(json.dumps(key)) or meta.get("names") != cols.names:
        return None
    statuses, _ = base_statuses()
    others = [Fact(tuple(k), FrozenDict(v) if isinstance(v, dict) else v, cols.date_at(p), cols.ids[p])
              for k, v, p in meta["others"]]
    o_ender = [None if e < 0 else cols.ids[e] for e in meta["o_epos"]]
    table = IntervalTable(cols=cols, names=cols.names, statuses=statuses, others=others, o_ender=o_ender,
                          **{k: arrays[k] for k in ARRAYS})
    return table, meta["excluded"]


def save(log: Log, readings: Mapping[str, str] | None, table: IntervalTable, excluded: Mapping[str, str]) -> None:
    """Keep a compiled index beside its log (quietly not, where the folder cannot be written)."""
    key = _key(log.path, readings) if _applies(log) else None
    if key is None:
        return
    pos = positions_of(log, {f.event for f in table.others} | {e for e in table.o_ender if e})
    meta = {"key": key, "names": table.names, "excluded": dict(excluded),
            "others": [[list(f.key), f.value, pos[f.event]] for f in table.others],
            "o_epos": [-1 if e is None else pos[e] for e in table.o_ender]}
    blob = np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8)
    tmp = f"{log.path}{SUFFIX}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as fh:
            np.savez(fh, meta=blob, **{k: getattr(table, k) for k in ARRAYS})
        os.replace(tmp, log.path + SUFFIX)
    except OSError:
        pass
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
