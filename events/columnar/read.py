"""Checking a Parquet log's columns and turning them into :class:`EventColumns`.

The checks are the YAML loader's (``events/parse.py``), made once per distinct value
(a kind, a date, an id, a JSON payload) rather than once per row; an error names the
first row that uses the bad value.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.dtypes import StringDType

from ..columns import EXTRA, EventColumns, narrowed
from ..dates import DateError, parse_date
from ..errors import LogError
from ..model import Log, freeze
from ..parse import _conflicts, _Ids, _sources, check_text, parse_log, thaw_entities
from ..vocabulary import CONFIDENCE, KINDS
from ..yamlio import LINE_KEY, strip_lines
from .order import in_replay_order, referenced

ID_RE2 = r"^[a-z0-9][a-z0-9._-]{0,127}\z"  # events/parse.py's ID_RE, in RE2 (Arrow's regex engine)
_PLAIN = re.compile(r"[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-[0-9]{2})?)?")


def _dictionary(col: Any, name: str, path: str) -> tuple[np.ndarray, list[Any]]:
    """Codes (-1 for null) and distinct values of a text column (repeated dictionary values merged)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(col, pa.ChunkedArray):
        col = pa.chunked_array([col], col.type)
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col)
    if not (pa.types.is_string(col.type.value_type) or pa.types.is_large_string(col.type.value_type)):
        raise LogError(f"column {name!r} must hold text, not {col.type.value_type}", path)
    col = col.unify_dictionaries()  # one dictionary for every chunk, whatever the file held
    values = col.chunk(0).dictionary.to_pylist() if col.num_chunks else []
    indices = pa.chunked_array([c.indices for c in col.chunks], col.type.index_type)
    codes = pc.fill_null(indices, -1).to_numpy().astype(np.int32)
    first: dict[Any, int] = {}
    remap = np.array([first.setdefault(v, len(first)) for v in values] + [-1], np.int32)
    if len(first) < len(values):  # a dictionary may repeat a value: one code per value
        codes = remap[codes]
    return codes, list(first)


def _first_row(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _refuse_repeated_actors(r: "_Reader", codes: np.ndarray, values: list[Any], rows: np.ndarray,
                            lengths: np.ndarray) -> None:
    """A row naming one actor twice is refused, as the YAML loader refuses it (the first such row is named)."""
    several = lengths[rows] > 1  # most events have one actor: only the others can repeat one
    if not several.any():
        return
    width = np.int64(len(values) + 1)
    pairs = np.sort(rows[several].astype(np.int64) * width + codes[several])
    same = pairs[1:][pairs[1:] == pairs[:-1]]
    if len(same):
        row, code = divmod(int(same[0]), int(width))
        raise r.fail(f"actors names {values[code]!r} twice", row)


class _Reader:
    """One Parquet table being checked (anything with ``column_names``, ``num_rows`` and ``column(name)``):
    its path, row count and ids, for error messages."""

    def __init__(self, table: Any, path: str) -> None:
        self.table, self.path, self.n = table, path, table.num_rows
        self.ids: np.ndarray = np.empty(0, object)

    def fail(self, msg: str, row: int | None) -> LogError:
        eid = self.ids[row] if row is not None and row < len(self.ids) else None
        return LogError(msg, self.path, None if row is None else row + 1, eid)

    def text(self, name: str, required: bool = False) -> tuple[np.ndarray, list[Any]]:
        if name not in self.table.column_names:
            if required:
                raise self.fail(f"missing column {name!r}", None)
            return np.full(self.n, -1, np.int8), []  # no such column: every row without
        codes, values = _dictionary(self.table.column(name), name, self.path)
        if required and (codes < 0).any():
            raise self.fail(f"{name} is missing", _first_row(codes < 0))
        return codes, values

    def each(self, codes: np.ndarray, values: list[Any], check: Callable[[Any, int], Any]) -> list[Any]:
        """Check (and convert) each distinct value, naming the first row that uses a bad one."""
        first = np.full(len(values), -1, np.int64)
        used = codes >= 0
        rows = np.flatnonzero(used)
        first[codes[rows[::-1]]] = rows[::-1]  # the last write wins: each value's first row
        return [check(v, int(first[i])) if first[i] >= 0 else None for i, v in enumerate(values)]

    def read_ids(self) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        if "id" not in self.table.column_names:
            raise self.fail("missing column 'id'", None)
        col = self.table.column("id")
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            raise self.fail(f"column 'id' must hold text, not {col.type}", None)
        ok = pc.fill_null(pc.match_substring_regex(col, ID_RE2), False).to_numpy(zero_copy_only=False)
        if not ok.all():
            row = _first_row(~ok)
            raise LogError(f"event id {col[row].as_py()!r} is missing or malformed (use lower case, digits, "
                           "'.', '_', '-')", self.path, row + 1)
        self.ids = id_array(col)
        if len(pc.unique(col)) != self.n:
            import pandas as pd

            dup = pd.Series(self.ids.astype(object)).duplicated().to_numpy()
            row = _first_row(dup)
            raise self.fail(f"duplicate id (first used at line {_first_row(self.ids == self.ids[row]) + 1})", row)


def id_array(col: Any) -> np.ndarray:
    """Event ids as one NumPy string array (16 bytes an id up to 15 bytes long), not a Python str per event."""
    out = np.empty(len(col), StringDType())
    step = 1 << 16  # through Python strings a slice at a time: a few MB of short-lived objects at most
    for lo in range(0, len(col), step):
        out[lo:lo + step] = col.slice(lo, step).to_numpy(zero_copy_only=False)
    return out


def date_keys(reader: _Reader, codes: np.ndarray, texts: list[str]) -> np.ndarray:
    """The day each distinct date applies on: plain YYYY[-MM[-DD]] at once, other EDTF one by one."""
    keys = np.empty(len(texts), np.int64)
    plain = np.array([bool(_PLAIN.fullmatch(t)) for t in texts], bool)
    try:
        days = np.array([t for t, p in zip(texts, plain) if p], dtype="datetime64[D]").astype(np.int64)
        years = np.array([int(t[:4]) for t, p in zip(texts, plain) if p], np.int64)
        if ((years < 1000) | (years > 2200)).any():
            raise ValueError("year out of range")
        keys[plain] = days + 719163  # 1970-01-01 is day 719163 of the proleptic Gregorian calendar
    except ValueError:
        plain[:] = False  # an impossible day or year: let parse_date find it and say what is wrong

    def parse(text: str, row: int) -> int:
        try:
            return parse_date(text).key
        except DateError as exc:
            raise reader.fail(str(exc), row) from None

    slow = [i for i in range(len(texts)) if not plain[i]]
    if slow:
        sub = np.full(len(texts), -1, np.int64)
        sub[slow] = np.arange(len(slow))
        got = reader.each(sub[codes], [texts[i] for i in slow], parse)
        keys[slow] = [-1 if g is None else g for g in got]
    return keys


def _names(reader: _Reader, head: Log, org_codes: np.ndarray, orgs: list[str], target_codes: np.ndarray,
           targets: list[str], actor_codes: np.ndarray, actors: list[str], actor_rows: np.ndarray) -> Any:
    """One table of ids for org, target and actors; every id checked as the YAML loader checks it."""
    ids = _Ids(thaw_entities(head.entities), reader.path)
    table: dict[str, int] = {}
    remapped = []
    for codes, values, rows in ((org_codes, orgs, None), (target_codes, targets, None),
                                (actor_codes, actors, actor_rows)):
        def check(v: str, row: int, rows: Any = rows) -> int:
            where = row if rows is None else int(rows[row])
            ids.check(v, where + 1, reader.ids[where])
            return table.setdefault(v, len(table))
        mapping = np.array([-1 if c is None else c for c in reader.each(codes, values, check)] + [-1], np.int64)
        remapped.append(np.where(codes >= 0, mapping[codes], -1).astype(np.int32))
    return list(table), remapped


def _json(reader: _Reader, name: str, head: Log) -> tuple[np.ndarray, list[Any]]:
    codes, texts = reader.text(name)
    header_sources = dict(head.sources)

    def parse(text: str, row: int) -> Any:
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise reader.fail(f"{name} is not JSON text", row) from None
        check_text(value, reader.path, row + 1, reader.ids[row], name)
        if LINE_KEY in text and _has_key(value, LINE_KEY):
            raise reader.fail(f"{name}: the key {LINE_KEY!r} is reserved for orgsim's line numbers", row)
        if name == "payload":
            value = value or {}
            if not isinstance(value, dict):
                raise reader.fail("payload must be a mapping", row)
            return freeze(strip_lines(value))
        if name == "sources":
            return _sources(value, header_sources, reader.path, row + 1, reader.ids[row])
        if value is not None and not isinstance(value, dict):
            raise reader.fail("provenance must be a mapping (dataset, version, file, row)", row)
        return freeze(strip_lines(value)) if value is not None else None
    return codes, reader.each(codes, texts, parse)


def _has_key(value: Any, key: str) -> bool:
    """Whether a key appears in parsed JSON at any depth."""
    if isinstance(value, dict):
        return key in value or any(_has_key(v, key) for v in value.values())
    return isinstance(value, list) and any(_has_key(v, key) for v in value)


def _allowed(reader: _Reader, allowed: Any, message: str) -> Callable[[Any, int], Any]:
    """A check that a value is one of a closed set (the message may show the value with {!r})."""

    def check(value: Any, row: int) -> Any:
        if value not in allowed:
            raise reader.fail(message.format(value), row)
        return value
    return check


def read_table_columns(table: Any, header: dict[str, Any], path: str) -> tuple[Log, EventColumns]:
    """Check a Parquet log's header and rows; return its header (as a Log) and its columns in replay order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    head = parse_log({**header, "events": [], "conflicts": None}, path)
    r = _Reader(table, path)
    r.read_ids()
    kind_codes, kinds = r.text("kind", required=True)
    r.each(kind_codes, kinds, _allowed(r, KINDS, "unknown kind {!r} (see `orgsim kinds`)"))
    date_codes, date_texts = r.text("date", required=True)
    keys_u = date_keys(r, date_codes, date_texts)
    org_codes, orgs = r.text("org")
    target_codes, targets = r.text("target")
    if (org_codes < 0).any():  # no org: the header's organization, as in YAML
        orgs = orgs + [head.organization]
        org_codes = np.where(org_codes < 0, len(orgs) - 1, org_codes).astype(np.int32)
    lengths = np.zeros(r.n, np.int64)
    flat = pa.array([], pa.string())
    if "actors" in table.column_names:
        col = table.column("actors").combine_chunks()
        if not (pa.types.is_list(col.type) or pa.types.is_large_list(col.type)):
            raise r.fail(f"column 'actors' must be a list of ids, not {col.type}", None)
        lengths = pc.fill_null(pc.list_value_length(col), 0).to_numpy(zero_copy_only=False).astype(np.int64)
        flat = pc.list_flatten(col)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    actor_rows = np.repeat(np.arange(r.n), lengths)
    a_codes, a_values = _dictionary(flat, "actors", path)
    if (a_codes < 0).any():
        raise r.fail("actors must be a list of ids", int(actor_rows[_first_row(a_codes < 0)]))
    _refuse_repeated_actors(r, a_codes, a_values, actor_rows, lengths)
    names, (org_codes, target_codes, a_codes) = _names(r, head, org_codes, orgs, target_codes, targets,
                                                       a_codes, a_values, actor_rows)
    extra_codes, extra_values = {}, {}
    for name in EXTRA:
        if name in ("payload", "sources", "provenance"):
            codes, values = _json(r, name, head)
        else:
            codes, values = r.text(name)
            r.each(codes, values, lambda v, row, name=name: check_text(v, path, row + 1, r.ids[row], name))
        extra_codes[name], extra_values[name] = codes, values
    conf = extra_codes["confidence"]
    r.each(conf, extra_values["confidence"],
           _allowed(r, CONFIDENCE, f"confidence must be one of {', '.join(CONFIDENCE)}"))
    truthy = {k: np.array([bool(v) for v in extra_values[k]] + [False], bool)[extra_codes[k]]
              for k in ("sources", "provenance", "rationale")}
    cited = truthy["sources"] | truthy["provenance"] | truthy["rationale"]
    if not cited.all():
        raise r.fail("an event needs sources (or provenance for imports, rationale for scenario inserts)",
                     _first_row(~cited))
    position = np.int32 if r.n < 1 << 31 else np.int64  # file order and line
    seq = np.zeros(r.n, np.int64)
    if "seq" in table.column_names:
        col = table.column("seq")
        if not pa.types.is_integer(col.type) or col.null_count or pa.types.is_uint64(col.type) and len(col) \
                and pc.max(col).as_py() > 2**63 - 1:
            raise r.fail("seq must be a whole number that fits in 64 bits", None)
        seq = col.to_numpy().astype(np.int64)
    cols = EventColumns(path=path, ids=r.ids, date_codes=date_codes, date_texts=date_texts, date_keys=keys_u,
                        kind_codes=kind_codes.astype(np.int16), kinds=kinds, names=names, org_codes=org_codes,
                        target_codes=target_codes, actor_offsets=offsets, actor_codes=a_codes, seq=seq,
                        order=np.arange(r.n, dtype=position), line=np.arange(1, r.n + 1, dtype=position),
                        extra_codes=extra_codes, extra_values=extra_values)
    cols = narrowed(in_replay_order(cols))
    conflicts = _conflicts(header.get("conflicts"), path, referenced(header, cols))
    return dataclasses.replace(head, conflicts=conflicts), cols
