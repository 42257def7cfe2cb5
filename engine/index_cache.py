"""A large log's compiled index, kept beside it as ``FILE.orgsim-index`` and reused while FILE is unchanged.

The cache is a NumPy ``.npz`` (read without pickle, so a planted file cannot run code)
holding the interval arrays and, as JSON, the organization facts, the log's hash and the
key it was made for. It is used only if that key matches the log as it is now:

- the index format version (bumped whenever the compile's output changes);
- a keyed BLAKE2b digest of every byte of the log file. The key is a secret kept in the
  user's cache folder (``$XDG_CACHE_HOME/orgsim/index-key``, mode 0600), so a cache made
  anywhere else (planted beside the log, or copied from another log) never matches, and an
  edit anywhere in the file (same size, same time) shows;
- the readings chosen.

Anything else (a cache that does not load, holds arrays of the wrong shape or positions out
of range) is ignored and the index compiled afresh: the cache is never trusted, only checked.
The log hash kept with it spares recomputing the canonical JSON of every event.

Only logs of ``MIN_EVENTS`` or more events are cached (a small log compiles faster than
a file can be checked), and only indexes from the vectorised compile. A cache that
cannot be written (a read-only folder, no cache folder for the key) is simply not written.
"""

from __future__ import annotations

import hashlib
import json
import os
import weakref
from collections.abc import Mapping
from typing import Any

import numpy as np
from orgsim.events.canonical import AFTER_LOG_HASH
from orgsim.events.columns import columns_of, positions_of
from orgsim.events.model import FrozenDict, Log
from orgsim.events.store.chain import is_store_path

from .cache_key import user_key
from .columnar import IntervalTable, base_statuses
from .facts import Fact

FORMAT = 2  # 2: the key is a keyed digest of the whole file; the log hash is kept
MIN_EVENTS = 100_000
SUFFIX = ".orgsim-index"
ARRAYS = ("ent", "actor", "status", "start", "end", "spos", "epos", "rank", "o_start", "o_end", "o_rank")


def _digest(path: str) -> str | None:
    """The keyed BLAKE2b digest of every byte of a file (None if it or the key cannot be read)."""
    secret = user_key()
    if secret is None:
        return None
    # Read every time, never remembered by size and time: an edit may keep both (about 1 GB/s).
    h = hashlib.blake2b(key=secret, digest_size=32)
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 22):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def _key(path: str, readings: Mapping[str, str] | None) -> dict[str, Any] | None:
    digest = _digest(path)
    if digest is None:
        return None
    return {"format": FORMAT, "digest": digest, "readings": sorted((readings or {}).items())}


def _applies(log: Log) -> bool:
    # Not for event stores: a committed append need not change the main file the key is taken from.
    return len(log.events) >= MIN_EVENTS and os.path.isfile(log.path) and not is_store_path(log.path)


def load(log: Log, readings: Mapping[str, str] | None) -> tuple[IntervalTable, dict[str, str]] | None:
    """The cached index of this log, if there is one made for it as it is now (else None: compile afresh)."""
    if not _applies(log) or not os.path.isfile(log.path + SUFFIX):
        return None
    try:
        with np.load(log.path + SUFFIX, allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode("utf-8"))
            key = _key(log.path, readings)
            if key is None or not isinstance(meta, dict) or meta.get("key") != json.loads(json.dumps(key)):
                return None  # made for another file, another state of it, or by someone else
            arrays = {name: z[name] for name in ARRAYS}
        return _table(log, meta, arrays)
    except Exception:  # noqa: BLE001 - whatever is wrong with a cache file, the answer is to compile afresh
        return None


def _table(log: Log, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> tuple[IntervalTable, dict[str, str]]:
    """The index from a cache's contents, after checking that its shapes and positions fit the log."""
    cols = columns_of(log)
    n = len(arrays["ent"])
    if meta.get("names") != cols.names or any(len(arrays[k]) != n for k in ARRAYS[:8]):
        raise ValueError("cache does not fit the log")
    if any(len(arrays[k]) != len(meta["others"]) for k in ARRAYS[8:]) or len(meta["o_epos"]) != len(meta["others"]):
        raise ValueError("cache does not fit the log")
    for name, bound in (("ent", len(cols.names)), ("actor", len(cols.names))):
        if n and (int(arrays[name].min()) < 0 or int(arrays[name].max()) >= bound):
            raise ValueError("cache names an entity the log does not have")
    statuses, _ = base_statuses()
    if n and (int(arrays["status"].min()) < 0 or int(arrays["status"].max()) >= len(statuses)):
        raise ValueError("cache names an unknown status")
    others = [Fact(tuple(k), FrozenDict(v) if isinstance(v, dict) else v, cols.date_at(p), cols.ids[p])
              for k, v, p in meta["others"]]
    o_ender = [None if e < 0 else cols.ids[e] for e in meta["o_epos"]]
    table = IntervalTable(cols=cols, names=cols.names, statuses=statuses, others=others, o_ender=o_ender,
                          **{k: arrays[k] for k in ARRAYS})
    hashed = meta.get("log_hash")
    if isinstance(hashed, str) and len(hashed) == 64 and log.__dict__.get("_head_hash") is None:
        object.__setattr__(log, "_head_hash", hashed)  # bound to these very bytes by the keyed digest
    return table, dict(meta["excluded"])


def save(log: Log, readings: Mapping[str, str] | None, table: IntervalTable, excluded: Mapping[str, str]) -> None:
    """Keep a compiled index beside its log (quietly not, where the folder cannot be written)."""
    key = _key(log.path, readings) if _applies(log) else None
    if key is None:
        return
    pos = positions_of(log, {f.event for f in table.others} | {e for e in table.o_ender if e})
    meta = {"key": key, "names": table.names, "excluded": dict(excluded),
            "others": [[list(f.key), f.value, pos[f.event]] for f in table.others],
            "o_epos": [-1 if e is None else pos[e] for e in table.o_ender]}
    if log.__dict__.get("_head_hash") is not None:
        meta["log_hash"] = log.__dict__["_head_hash"]
    _write(log.path, meta, {k: getattr(table, k) for k in ARRAYS})
    try:
        _SAVED[id(log)] = (weakref.ref(log), meta, weakref.ref(table))
    except TypeError:
        pass


#: Indexes saved by this process without the log's hash: id of the log -> (the log, meta, the table), weakly.
_SAVED: dict[int, tuple[Any, dict[str, Any], Any]] = {}


def _write(path: str, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    blob = np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8)
    tmp = f"{path}{SUFFIX}.tmp-{os.getpid()}"
    try:
        with open(tmp, "wb") as fh:
            np.savez(fh, meta=blob, **arrays)
        os.replace(tmp, path + SUFFIX)
    except OSError:
        pass
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def remember_log_hash(log: Log, digest: str) -> None:
    """Add a log's hash, once computed, to the cache this process saved for it (so it is computed once)."""
    saved = _SAVED.pop(id(log), None)
    if saved is None or saved[0]() is not log or saved[1].get("log_hash") == digest:
        return
    _log, meta, table_ref = saved
    table = table_ref()
    if table is None or _digest(log.path) != meta["key"]["digest"]:
        return  # the index is gone, or the file changed since and that cache is stale already
    _write(log.path, {**meta, "log_hash": digest}, {k: getattr(table, k) for k in ARRAYS})


AFTER_LOG_HASH.append(remember_log_hash)
