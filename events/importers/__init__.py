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
from orgsim.events.dates import MAX_YEAR, MIN_YEAR
from orgsim.events.errors import InputError, LogError
from orgsim.events.vocabulary import SCHEMA_VERSION

_BARE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})
#: An organization's short name (COW's ioname) as an id: letters, digits and '-', at most 64 of them.
SHORT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}\Z")


def read_rows(path: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the rows of a CSV file, each row with its number; a short or long row is an error."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path) from None
    if b"\x00" in raw:  # text files hold no NUL byte: this is binary data, not a CSV file
        raise InputError("binary data (a NUL byte), not a CSV file", path, raw[:raw.index(b"\x00")].count(b"\n") + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # older COW releases are Latin-1; every byte decodes
    reader = csv.reader(io.StringIO(text))

    def read(what: str) -> Any:
        try:
            return next(reader, None)
        except csv.Error as exc:  # a field over the csv module's limit, a stray quote or line break
            raise InputError(f"not a readable CSV {what}: {exc}", path, reader.line_num) from None

    header = read("header")
    if not header:
        raise InputError("empty file: no header row", path, 1)
    header = [h.strip() for h in header]
    seen: set[str] = set()
    for h in header:
        if h.lower() in seen:  # two columns of one name: which one holds the data?
            raise InputError(f"column {h!r} appears twice in the header", path, 1)
        seen.add(h.lower())

    def rows() -> Iterator[tuple[int, list[str]]]:
        while (row := read("row")) is not None:
            if not row:
                continue
            if len(row) != len(header):
                raise InputError(f"row has {len(row)} columns, the header has {len(header)}", path, reader.line_num)
            yield reader.line_num, row

    return header, rows()


def year_cell(text: str, what: str, path: str, row: int) -> int:
    """A year from a cell, within the years a log may hold (``events/dates.py``), or a one-line error."""
    value = whole(text, what, path, row)
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise InputError(f"{what} {value} is outside the years {MIN_YEAR}-{MAX_YEAR}", path, row)
    return value


def short_name(text: str, what: str, path: str, row: int) -> str:
    """An organization's short name that can be its id (and a file name): letters, digits and '-', 64 at most."""
    if not SHORT_NAME.fullmatch(text):
        raise InputError(f"{what} {text[:80]!r} is not a usable short name (letters, digits and '-', at most 64)",
                         path, row)
    return text


def check_logs(logs: list[tuple[str, dict[str, Any], list[dict[str, Any]]]], path: str) -> None:
    """Load every generated log as orgsim would, before anything is written; a refusal names the input row."""
    from orgsim.events.parse import parse_log

    for name, header, events in logs:
        try:
            parse_log({"orgsim_log": SCHEMA_VERSION, **header, "events": events}, name)
        except LogError as exc:
            row = next((e.get("provenance", {}).get("row") for e in events if e.get("id") == exc.event), None)
            raise InputError(f"the imported log would not load: {exc.message}", path, row) from None


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
