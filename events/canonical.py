"""Canonical content of a log and its hash chain: one definition for YAML logs and the event store.

An event's canonical content is the plain data that means it (the date as
written, ids, payload, sources), with defaults left out, written as JSON with
sorted keys and no spaces. A log's hash chains its header and then each event,
in log order: ``h = sha256(previous hash + "\\n" + canonical JSON)``. The same
log gives the same hash whether it is read from YAML, from a store, or from a
store's export.

>>> from orgsim.events import load_log_text
>>> a = load_log_text("orgsim_log: 2\\norganization: TA\\nsources: {n: {file: n}}\\nevents:\\n"
...                   "- {id: x, date: '1990', kind: treaty_signed, target: TA, confidence: high,\\n"
...                   "   sources: [{source: n, line: 1, quote: q, gloss: g}]}\\n")
>>> canonical_json(event_content(a.events[0]))
'{"date":"1990","id":"x","kind":"treaty_signed","org":"TA","sources":[{"gloss":"g","line":1,"quote":"q","source":"n"}],"target":"TA"}'
>>> len(log_hash(a)), log_hash(a) == log_hash(a.with_events(a.events))
(64, True)
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any, Mapping

from .errors import InputError
from .model import Event, Log, thaw

#: The "previous hash" of the first link of every chain.
GENESIS = "0" * 64


def _check(value: Any, where: str) -> None:
    # JSON would quietly turn int keys into text and refuse bytes or NaN with a traceback:
    # anything it cannot carry back unchanged is refused here, with a sentence.
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                raise InputError(f"{where}: key {k!r} is not text, so it cannot be stored or hashed")
            _check(v, where)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check(v, where)
    elif isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{where}: {value!r} is not a number JSON can hold")
    elif value is not None and not isinstance(value, (str, int, float, bool)):
        raise InputError(f"{where}: a {type(value).__name__} value cannot be stored or hashed")


def canonical_json(value: Any, where: str = "content") -> str:
    """The one byte-exact spelling of plain data: sorted keys, no spaces, UTF-8 kept readable."""
    try:
        _check(value, where)
    except RecursionError:  # nesting too deep to walk: refused with a sentence, as json.dumps's would be
        raise InputError(f"{where}: cannot be written canonically (nested too deeply)") from None
    try:
        text = json.dumps(thaw(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
        text.encode("utf-8")  # lone surrogates (from a badly encoded argument) cannot be stored
    except (ValueError, TypeError, RecursionError) as exc:
        raise InputError(f"{where}: cannot be written canonically ({exc})") from None
    return text


def chain_link(previous: str, text: str) -> str:
    """The next hash of a chain: sha256 over the previous hash, a newline and the canonical text."""
    return hashlib.sha256(f"{previous}\n{text}".encode("utf-8")).hexdigest()


def event_content(ev: Event) -> dict[str, Any]:
    """What an event says, as plain data a log or a store can hold (and ``parse_event`` accepts)."""
    out: dict[str, Any] = {"id": ev.id, "date": ev.date.text, "kind": ev.kind, "org": ev.org}
    if ev.actors:
        out["actors"] = list(ev.actors)
    if ev.target is not None:
        out["target"] = ev.target
    if ev.payload:
        out["payload"] = thaw(ev.payload)
    if ev.confidence != "high":
        out["confidence"] = ev.confidence
    if ev.sources:
        # The file comes from the header's `sources`, so only the key is the event's own content.
        out["sources"] = [{"source": s.source, "line": s.line, "quote": s.quote, "gloss": s.gloss}
                          for s in ev.sources]
    if ev.provenance is not None:
        out["provenance"] = thaw(ev.provenance)
    for name in ("rationale", "derived_by", "note"):
        if getattr(ev, name) is not None:
            out[name] = getattr(ev, name)
    if ev.seq:
        out["seq"] = ev.seq
    return out


def header_content(log: Log) -> dict[str, Any]:
    """A log's header (everything but its events) as plain data, in the shape of a YAML log's header."""
    return {
        "orgsim_log": log.version, "id": log.id, "title": log.title, "organization": log.organization,
        "entities": thaw(log.entities), "sources": thaw(log.sources), "texts": [thaw(t) for t in log.texts],
        "conflicts": [{"id": c.id, "question": c.question, "default": c.default, "reason": c.reason,
                       "readings": [{"id": r.id, "summary": r.summary, "lines": list(r.lines),
                                     "events": list(r.events)} for r in c.readings]} for c in log.conflicts],
    }


def file_order(log: Log) -> list[Event]:
    """A log's events in the order they are written (file order; a store's order of first recording)."""
    return sorted(log.events, key=lambda e: (e.order, e.sort_key, e.id))


def log_hash(log: Log) -> str:
    """The head of the chain over the log's header and its events in file order (cached on the log)."""
    cached = log.__dict__.get("_head_hash")
    if cached is None:
        cached = chain_link(GENESIS, canonical_json(header_content(log), f"{log.path}: header"))
        for ev in file_order(log):
            cached = chain_link(cached, canonical_json(event_content(ev), f"{ev.where}: event '{ev.id}'"))
        object.__setattr__(log, "_head_hash", cached)  # Log is frozen; the cache is not part of its value
    return cached


__all__ = ["GENESIS", "canonical_json", "chain_link", "event_content", "header_content", "file_order", "log_hash"]
