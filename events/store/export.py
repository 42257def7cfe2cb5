"""A store as one YAML log and back, losslessly: export, import and export again give identical bytes.

The export is an ordinary log (its header and the current version of each
event, so every command reads it) followed by ``record:``, which lists every
stored row with its recording time and hash, and the content of the rows the
log above no longer shows (earlier versions, retractions, earlier headers).
Importing it into an empty store rebuilds every row exactly, after checking
each hash, so an export edited by hand is refused rather than silently taken.
"""

from __future__ import annotations

from typing import Any, Sequence

import yaml

from ..canonical import GENESIS, canonical_json, log_hash
from ..yamlio import load_yaml_file, strip_lines
from .rows import Row, StoreError
from .verify import first_problem
from .view import current, view_log

#: Version of the ``record:`` section's layout.
EXPORT_FORMAT = "orgsim-store/1"
HEADER_KEYS = ("orgsim_log", "id", "title", "organization", "entities", "sources", "texts", "conflicts")
EVENT_KEYS = ("id", "date", "kind", "org", "actors", "target", "payload", "confidence", "sources", "provenance",
              "rationale", "derived_by", "note", "seq")
PREAMBLE = ("# An orgsim event store, exported: the log (its header and the current version of each event),\n"
            "# then `record:`, every stored row with its recording time and hash. `orgsim store import` rebuilds\n"
            "# the store exactly from it; to import an edited copy as a new log, delete `record:`.\n")


class _Flow(list):
    """A list written on one line (a row of the record, a list of actors)."""


class _Dumper(yaml.SafeDumper):
    """PyYAML's pure-Python safe dumper: the same bytes on every machine, with or without libyaml."""


_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def _ordered(content: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    out = {k: content[k] for k in keys if k in content}
    out.update({k: content[k] for k in sorted(content) if k not in out})  # keys this orgsim does not know yet
    if isinstance(out.get("actors"), list):
        out["actors"] = _Flow(out["actors"])
    return out


def export_yaml(rows: Sequence[Row], path: str) -> str:
    """The rows as one YAML document: a log any command reads, and the record that makes it lossless."""
    header, events = current(rows)
    log = view_log(rows, path)  # an export is always a log that loads
    shown = {r.seq for r in events} | ({header.seq} if header else set())
    doc = _ordered(header.data if header else {}, HEADER_KEYS)
    doc["events"] = [_ordered(r.data, EVENT_KEYS) for r in events]
    doc["record"] = {
        "format": EXPORT_FORMAT, "head": rows[-1].hash, "log_hash": log_hash(log),
        "rows": [_Flow([r.seq, r.type, r.event_id, r.version, r.recorded_at, r.hash]) for r in rows],
        "contents": [{"row": r.seq, "content": r.data} for r in rows if r.seq not in shown],
    }
    body = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return PREAMBLE + body


def _fail(message: str, path: str) -> StoreError:
    return StoreError(f"record: {message} (remove `record:` to import the file as a new log)", path)


def rows_from_export(data: Any, path: str, check: bool = True) -> list[Row] | None:
    """Rebuild the stored rows from an export's parsed YAML, checking every hash; None if it has no record."""
    if not isinstance(data, dict) or "record" not in data:
        return None
    data = strip_lines(data)
    record = data["record"]
    if not isinstance(record, dict) or record.get("format") != EXPORT_FORMAT or not isinstance(record.get("rows"),
                                                                                              list):
        raise _fail(f"not an {EXPORT_FORMAT} record", path)
    contents = {c.get("row"): c.get("content") for c in record.get("contents") or [] if isinstance(c, dict)}
    header = {k: v for k, v in data.items() if k not in ("events", "record")}
    events = {e.get("id"): e for e in data.get("events") or [] if isinstance(e, dict)}
    rows, prev, used = [], GENESIS, set()
    for item in record["rows"]:
        if not (isinstance(item, list) and len(item) == 6 and isinstance(item[0], int)):
            raise _fail(f"row {item!r} is not [seq, type, event_id, version, recorded_at, hash]", path)
        seq, type_, event_id, version, recorded_at, digest = item
        if seq in contents:
            content = contents[seq]
        elif type_ == "header":
            content = header
        elif event_id in events and event_id not in used:
            content = events[event_id]
            used.add(event_id)
        else:
            raise _fail(f"row {seq}: no content for {type_} {event_id!r}", path)
        rows.append(Row(seq, type_, event_id, version, str(recorded_at), canonical_json(content, f"row {seq}"),
                        prev, str(digest)))
        prev = str(digest)
    extra = sorted(set(events) - used, key=str)
    if extra:
        raise _fail(f"event {extra[0]!r} is not in the record: the file was edited after export", path)
    problem = first_problem(rows) if check else None
    if problem:
        raise _fail(f"{problem}: the file was changed after export", path)
    if check and rows and record.get("head") != rows[-1].hash:
        raise _fail("its head is not the last row's hash", path)
    return rows


def export_rows(path: str) -> list[Row]:
    """The rows recorded in an export file (an error if the file is a log with no record)."""
    rows = rows_from_export(load_yaml_file(path), path)
    if rows is None:
        raise StoreError("has no recording times: it is a log, not a store or a store's export", path)
    return rows
