"""The data an HTML report embeds: the log's head, its fact intervals, events and conflicts, as plain JSON.

The page's time slider answers a date in the browser from ``facts`` with the
engine's own rule (``engine/answers.py``): a fact may hold on day ``d`` when
``start_earliest <= d < end_latest``; it is certain when ``start_latest <= d <
end_earliest``, presumed when that holds but nothing ended it and ``d`` is after its
last attestation or the log's coverage, possible otherwise (an open bound is
``null``). Days are proleptic Gregorian ordinals, as in the engine.

>>> from orgsim.engine.answers import MEANINGS, decide
>>> from orgsim.engine.history import History
>>> h = History.load_bundled()
>>> data = report_data(h)
>>> day = h.at("2007-06-01").at.key
>>> sorted(f["key"][2] for f in facts_on(data, day) if f["key"][:2] == ["member", "CSTO"])[:3]
['ARM', 'AZE', 'BLR']
"""

from __future__ import annotations

import datetime as dt
import os
import platform
from importlib import metadata
from typing import Any

from orgsim.engine.answers import MEANINGS, decide
from orgsim.engine.history import History
from orgsim.engine.index import OPEN_END
from orgsim.engine.state import STATUS_ORDER, State
from orgsim.events.canonical import log_hash
from orgsim.events.dates import ordinal_to_iso
from orgsim.events.model import Event, thaw


def _version() -> str:
    try:
        return metadata.version("orgsim")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        import orgsim

        return orgsim.__version__


def head(history: History) -> dict[str, Any]:
    """The log's head facts and how this report was generated."""
    log = history.log
    org = State(log, {}, None, history.org).name_of(history.org)
    return {
        "title": log.title, "log_id": log.id, "file": os.path.basename(log.path), "path": log.path,
        "schema": log.version, "organization": history.org, "organization_name": org,
        "events": len(log.events), "conflicts": len(log.conflicts), "set_aside": len(history.skipped),
        "readings": dict(history.readings), "log_hash": log_hash(log),
        "generated_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "generator": f"orgsim {_version()}", "python": platform.python_version(),
    }


def fact_rows(history: History) -> list[dict[str, Any]]:
    """Every fact interval of the index: key, value, [start, end) as ordinals and ISO, since text, events."""
    rows = []
    for fact, start, end, ender, b in history.index.spans():
        is_open = end == OPEN_END  # int64 max does not survive a JS number: open ends are null
        rows.append({
            "key": list(fact.key), "value": thaw(fact.value),
            "start": start, "end": None if is_open else end,
            "start_iso": ordinal_to_iso(start), "end_iso": None if is_open else ordinal_to_iso(end),
            "since": fact.since.text, "event": fact.event, "ended_by": ender,
            "start_earliest": b.start_earliest, "start_latest": b.start_latest,
            "end_earliest": _open(b.end_earliest), "end_latest": _open(b.end_latest), "attested": _open(b.attested),
            "bounds": b.words() if b.start_latest < b.end_earliest else "possibly: " + _span_words(b),
        })
    return rows


def _open(ordinal: int) -> int | None:
    return None if ordinal == OPEN_END else ordinal


def _span_words(b: Any) -> str:
    end = "later" if b.end_latest == OPEN_END else ordinal_to_iso(b.end_latest)
    return f"some time between {ordinal_to_iso(b.start_earliest)} and {end}"


def facts_on(data: dict[str, Any], day: int) -> list[dict[str, Any]]:
    """The embedded facts that may hold on a day ordinal, each with its ``modality``: the page's own rule."""
    out = []
    for f in data["facts"]:
        big = lambda v: OPEN_END if v is None else v  # noqa: E731
        modality = decide(day, f["start_earliest"], f["start_latest"], big(f["end_earliest"]), big(f["end_latest"]),
                          big(f["attested"]), data["cover"]["end"])
        if modality:
            out.append({**f, "modality": modality})
    return out


def _sources(ev: Event) -> list[dict[str, Any]]:
    rows = [{"file": s.file, "line": s.line, "quote": s.quote, "gloss": s.gloss} for s in ev.sources]
    if ev.provenance:  # imported events cite a dataset row instead of a text
        p = ev.provenance
        rows.append({"file": p.get("file"), "line": p.get("row"), "quote": "",
                     "gloss": f"{p.get('dataset', '')} {p.get('version', '')}".strip()})
    if ev.rationale:
        rows.append({"file": "(scenario)", "line": None, "quote": "", "gloss": ev.rationale})
    return rows


def event_rows(history: History) -> list[dict[str, Any]]:
    """Every event of the log, in replay order, with its date as written and its sources."""
    skipped = {s.event.id: s.reason for s in history.skipped}
    return [{
        "id": e.id, "date": e.date.text, "precision": e.date.precision, "day": e.date.key,
        "first_day": e.date.first.isoformat(), "kind": e.kind, "org": e.org, "actors": list(e.actors),
        "target": e.target or "", "source_line": e.source_line, "confidence": e.confidence,
        "note": e.note or "", "set_aside": skipped.get(e.id), "sources": _sources(e),
    } for e in history.log.events]


def conflict_rows(history: History) -> list[dict[str, Any]]:
    """The log's source conflicts: question, each reading with lines and events, default and reason."""
    chosen = history.readings
    return [{
        "id": c.id, "question": c.question, "default": c.default, "reason": c.reason,
        "replayed": chosen.get(c.id, c.default),
        "readings": [{"id": r.id, "summary": r.summary, "lines": list(r.lines), "events": list(r.events),
                      "default": r.id == c.default} for r in c.readings],
    } for c in history.log.conflicts]


def names(history: History, facts: list[dict[str, Any]]) -> dict[str, str]:
    """Readable names for every actor the facts or events mention (entities, then ISO 3166)."""
    probe = State(history.log, {}, None, history.org)  # no facts: names come from the header and ISO codes
    ids = {f["key"][2] for f in facts if f["key"][0] in ("member", "contrib")}
    ids |= {a for e in history.log.events for a in e.actors} | {history.org}
    return {i: probe.name_of(i) for i in sorted(ids)}


def report_data(history: History) -> dict[str, Any]:
    """Everything the page's script needs, JSON-ready."""
    facts = fact_rows(history)
    events = history.log.events
    first = min((e.date.key for e in events), default=dt.date.today().toordinal())
    # The slider runs to the last day any event can mean, so the latest facts are reachable.
    last = max([e.date.upper or e.date.key for e in events] + [f["start"] for f in facts] + [first])
    return {
        "head": head(history), "org": history.org,
        "epoch_ordinal": dt.date(1970, 1, 1).toordinal(),  # lets the script turn ordinals into JS dates
        "min_day": first, "max_day": last,
        "change_days": sorted({f["start"] for f in facts} | {f["end"] for f in facts if f["end"] is not None}),
        "status_order": STATUS_ORDER, "names": names(history, facts), "facts": facts,
        "cover": {"start": history.coverage.start, "end": history.coverage.end, "text": history.coverage.text},
        "meanings": MEANINGS,
    }
