"""The columnar log format: a Parquet file holding the same header and event fields as YAML.

One row per event, in replay order. The header (everything but ``events``) is JSON in
the file's key-value metadata under ``orgsim_log``. ``payload``, ``sources`` and
``provenance`` are JSON text. Repeated values (kinds, dates, organizations, the
provenance of a generated log) are dictionary-encoded, so loading parses and checks
each distinct value once. Every check the YAML loader makes is made here too; an
event's "line" in an error is its row, counted from 1. Details: ``docs/log-format.md``.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from ..columns import EXTRA, EventColumns, columns_of, lazy_log
from ..errors import LogError
from ..model import Log, thaw
from .read import read_table_columns

#: Largest Parquet file read (bytes), and most rows: a file past these is refused before it is read.
MAX_PARQUET_BYTES = 4 * 1024**3
MAX_PARQUET_ROWS = 50_000_000
META_KEY = b"orgsim_log"
COLUMNS = ("id", "date", "kind", "org", "actors", "target", *EXTRA, "seq")


def _dict_array(codes: np.ndarray, values: list[Any]) -> Any:
    """A dictionary-encoded Arrow column (null where the code is -1)."""
    import pyarrow as pa

    idx = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(idx, pa.array(values, pa.string()))


def _json_values(name: str, values: list[Any]) -> list[str]:
    if name == "sources":
        return [json.dumps([{"source": s.source, "line": s.line, "quote": s.quote, "gloss": s.gloss} for s in v],
                           ensure_ascii=False) for v in values]
    return [json.dumps(thaw(v), ensure_ascii=False, sort_keys=True) for v in values]


def header_of(log: Log) -> dict[str, Any]:
    """A loaded log's header as plain data (the YAML header, without ``events``)."""
    conflicts = [{"id": c.id, "question": c.question, "default": c.default, "reason": c.reason,
                  "readings": [{"id": r.id, "summary": r.summary, "lines": list(r.lines), "events": list(r.events)}
                               for r in c.readings]} for c in log.conflicts]
    return {"orgsim_log": log.version, "id": log.id, "title": log.title, "organization": log.organization,
            "entities": thaw(log.entities), "sources": thaw(log.sources), "texts": [thaw(t) for t in log.texts],
            **({"coverage": thaw(log.coverage)} if log.coverage else {}),
            "conflicts": conflicts}


def write_parquet(path: str, header: dict[str, Any], cols: EventColumns) -> None:
    """Write columns (in replay order) and a header as a Parquet log, through a temporary file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = pa.array(cols.names, pa.string())
    actors = pa.ListArray.from_arrays(pa.array(cols.actor_offsets.astype(np.int32)), names.take(cols.actor_codes))
    arrays = {"id": pa.array(cols.ids.tolist(), pa.string()),
              "date": _dict_array(cols.date_codes, cols.date_texts),
              "kind": _dict_array(cols.kind_codes, cols.kinds),
              "org": _dict_array(cols.org_codes, cols.names), "actors": actors,
              "target": _dict_array(cols.target_codes, cols.names)}
    for name in EXTRA:
        values = cols.extra_values[name]
        if name in ("payload", "sources", "provenance"):
            values = _json_values(name, values)
        arrays[name] = _dict_array(cols.extra_codes[name], values)
    arrays["seq"] = pa.array(cols.seq, pa.int64())
    # A column with no value at all is left out: the reader takes a missing column as empty.
    arrays = {k: v for k, v in arrays.items() if k in ("id", "date", "kind") or v.null_count < len(v)}
    table = pa.table(arrays).replace_schema_metadata({META_KEY: json.dumps(header, ensure_ascii=False)})
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        pq.write_table(table, tmp, compression="zstd", row_group_size=1 << 20)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_parquet(log: Log, path: str) -> None:
    """Write any loaded log (a YAML one, say) as a Parquet log."""
    write_parquet(path, header_of(log), columns_of(log).with_extras())


def load_parquet(path: str) -> Log:
    """Load and validate a Parquet log: the same checks as YAML, one per distinct value where it can."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise LogError(f"cannot read: {exc.strerror}", path) from None
    if size > MAX_PARQUET_BYTES:
        raise LogError(f"file is {size:,} bytes, larger than the {MAX_PARQUET_BYTES:,} a Parquet log may be", path)
    try:
        present = pq.read_schema(path).names
        pf = pq.ParquetFile(path, read_dictionary=[c for c in present if c in COLUMNS and
                                                   c not in ("id", "actors", "seq")])
        meta = pf.schema_arrow.metadata or {}
        if pf.metadata.num_rows > MAX_PARQUET_ROWS:
            raise LogError(f"{pf.metadata.num_rows:,} rows, more than the {MAX_PARQUET_ROWS:,} a log may hold", path)
        unknown = sorted(set(pf.schema_arrow.names) - set(COLUMNS))
        if unknown:
            raise LogError(f"unknown column {unknown[0]!r} (columns: {', '.join(COLUMNS)})", path)
        table = _OneColumnAtATime(pf, path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        if isinstance(exc, LogError):
            raise
        raise _unreadable(exc, path) from None
    if META_KEY not in meta:
        raise LogError("no orgsim_log header in the Parquet metadata (not an orgsim log)", path)
    try:
        header = json.loads(meta[META_KEY].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise LogError("the orgsim_log header is not JSON text", path) from None
    if not isinstance(header, dict):
        raise LogError("the orgsim_log header must be a JSON object", path)
    if header.get("orgsim_log") != 2 or "events" in header:
        raise LogError("a Parquet log's header must say orgsim_log: 2 and hold no events", path)
    head, cols = read_table_columns(table, header, path)
    pa.default_memory_pool().release_unused()
    return lazy_log(head, cols)


def _unreadable(exc: Exception, path: str) -> LogError:
    return LogError(f"not a readable Parquet log: {str(exc).splitlines()[0][:200]}", path)


class _OneColumnAtATime:
    """A Parquet file's columns, each read when the reader asks for it: the whole table at once would sit
    beside the arrays made from it (about 110 MB more at a million events)."""

    def __init__(self, pf: Any, path: str) -> None:
        self.pf, self.path = pf, path
        self.column_names, self.num_rows = pf.schema_arrow.names, pf.metadata.num_rows

    def column(self, name: str) -> Any:
        """One column, read from the file (each is asked for once)."""
        import pyarrow as pa

        # Arrow's allocator keeps the pages of the column read before; give them back first.
        pa.default_memory_pool().release_unused()
        try:
            return self.pf.read(columns=[name]).column(0)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise _unreadable(exc, self.path) from None


__all__ = ["MAX_PARQUET_BYTES", "header_of", "load_parquet", "save_parquet", "write_parquet"]
