"""Importers: published data sets (COW IGO v3, ATOP 5.1) turned into orgsim logs (schema 2).

An importer reads a data file, refuses a malformed row with one line naming
the file and the row (the file's line number: the header is row 1), and
returns logs as plain data. Imported events carry ``provenance`` (data set,
version, file, row) instead of ``sources``. Nothing here knows the engine: the
importers build their events so that a strict replay accepts them, and the
tests replay every import to check it.

>>> print(flow({"id": "x", "date": "2002", "actors": ["RUS"], "provenance": {"dataset": "COW IGO", "row": 7}}))
{id: x, date: "2002", actors: [RUS], provenance: {dataset: "COW IGO", row: 7}}
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator
from typing import Any

import yaml
from orgsim.events.errors import InputError
from orgsim.events.vocabulary import SCHEMA_VERSION

_BARE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


def read_rows(path: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the rows of a CSV file, each row with its number; a short or long row is an error."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # older COW releases are Latin-1; every byte decodes
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise InputError("empty file: no header row", path, 1)
    header = [h.strip() for h in header]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                raise InputError(f"row has {len(row)} columns, the header has {len(header)}", path, reader.line_num)
            yield reader.line_num, row

    return header, rows()


def clean_text(text: str) -> str:
    """A name as printable text: Mac Roman bytes read as Latin-1 are repaired, other control characters dropped.

    A few names in the igoR conversion of COW IGO hold Mac Roman accents as C1 control characters
    ("Comit\x8e"), which YAML refuses.

    >>> clean_text("Comit\x8e r\x8egional")
    'Comité régional'
    """
    if any("\x80" <= ch <= "\x9f" for ch in text):
        try:
            text = text.encode("latin-1").decode("mac_roman")
        except UnicodeError:
            pass
    return "".join(ch for ch in text if ch.isprintable()).strip()


def whole(text: str, what: str, path: str, row: int) -> int:
    """A whole number from a cell (``2002`` or ``2002.0``), or a one-line error naming the row."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value != int(value):
        raise InputError(f"{what} {text!r} is not a whole number", path, row)
    return int(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return "null"
    text = str(value)
    if _BARE.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def flow(value: Any) -> str:
    """One YAML flow value on one line (events are written one a line: a large import stays quick to read)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return _scalar(value)


def _block(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False) if data else ""


def log_yaml(header: dict[str, Any], events: list[dict[str, Any]]) -> str:
    """A whole log as YAML text: the header in block style with one entity a line, then one event a line."""
    head = {"orgsim_log": SCHEMA_VERSION, **{k: v for k, v in header.items() if k != "entities"}}
    tail = {k: head.pop(k) for k in ("sources", "texts", "conflicts") if k in head}
    parts = [_block(head), "entities:\n"]
    for group, entries in (header.get("entities") or {}).items():
        parts.append(f"  {group}:\n" + "".join(f"    {_scalar(k)}: {flow(v)}\n" for k, v in entries.items()))
    parts.append(_block(tail))
    return "".join(parts) + "events:\n" + "".join(f"- {flow(e)}\n" for e in events)


def check_unique(events: list[dict[str, Any]]) -> None:
    """Fail loudly (a bug, not bad input) if two generated events share an id."""
    seen: set[str] = set()
    for e in events:
        if e["id"] in seen:
            raise AssertionError(f"duplicate generated event id {e['id']!r}")
        seen.add(e["id"])


def slug(text: str) -> str:
    """An id fragment: lower case, other characters as ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
