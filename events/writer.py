"""Writing a loaded log back to schema-2 YAML, losslessly: loading what is written gives the same log.

The header, the source conflicts and every event are written with their dates as
written (``1993-12`` stays ``1993-12``), their sources, provenance or rationale,
in file order, so each event keeps its place among same-day events. Fields at
their default (``org`` equal to the header's organization, ``confidence: high``,
``seq: 0``) are left out, as an author would. No anchors or aliases are written:
the loader refuses them.

>>> from orgsim.events import load_log_text
>>> log = load_log_text("orgsim_log: 2\\norganization: TA\\nsources: {n: {file: n.txt}}\\nevents:\\n"
...                     "- {id: x, date: '1993-12', kind: treaty_signed, target: TA,\\n"
...                     "   sources: [{source: n, line: 1, quote: q, gloss: g}]}\\n")
>>> text = dump_log(log)
>>> load_log_text(text).events[0].date.text, dump_log(load_log_text(text)) == text
('1993-12', True)
"""

from __future__ import annotations

import os
from typing import Any

import yaml

from .errors import InputError
from .canonical import event_content
from .model import Conflict, Event, Log, thaw
from .vocabulary import SCHEMA_VERSION

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _NoAliasDumper(_Dumper):  # type: ignore[misc, valid-type]
    """A safe dumper that never writes an anchor (the same list twice is written twice)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def event_data(ev: Event, organization: str) -> dict[str, Any]:
    """One event as the plain mapping a log file holds (``org`` only where it is not the log's own)."""
    out = event_content(ev)
    if out["org"] == organization:
        del out["org"]
    return out


def _conflict_data(c: Conflict) -> dict[str, Any]:
    return {"id": c.id, "question": c.question,
            "readings": [{"id": r.id, "summary": r.summary, "lines": list(r.lines), "events": list(r.events)}
                         for r in c.readings],
            "default": c.default, "reason": c.reason}


def log_data(log: Log) -> dict[str, Any]:
    """The whole log as the plain data of a schema-2 file: header, conflicts, events in file order."""
    data: dict[str, Any] = {"orgsim_log": SCHEMA_VERSION, "id": log.id, "title": log.title,
                            "organization": log.organization}
    if log.entities:
        data["entities"] = thaw(log.entities)
    if log.sources:
        data["sources"] = thaw(log.sources)
    if log.texts:
        data["texts"] = [thaw(t) for t in log.texts]
    if log.conflicts:
        data["conflicts"] = [_conflict_data(c) for c in log.conflicts]
    data["events"] = [event_data(e, log.organization) for e in sorted(log.events, key=lambda e: e.order)]
    return data


def dump_log(log: Log) -> str:
    """The log as schema-2 YAML text."""
    return yaml.dump(log_data(log), Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True,
                     width=1_000_000, default_flow_style=False)


def write_log(log: Log, path: str) -> None:
    """Write the log to a YAML file through a temporary file and a rename, so it is never half-written."""
    text = dump_log(log)
    tmp = os.path.join(os.path.dirname(os.path.abspath(path)), f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise InputError(f"cannot write: {exc.strerror or exc}", path) from None
