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
from collections.abc import Mapping
from json.encoder import encode_basestring as _text_json  # json.dumps(text, ensure_ascii=False), in C
from typing import Any, Callable

from .errors import InputError
from .model import Event, FrozenDict, Log, thaw

#: The "previous hash" of the first link of every chain.
GENESIS = "0" * 64


_LEAVES = (str, int, bool, type(None))
_CONTAINERS = frozenset((dict, FrozenDict, list, tuple))


def _plain(value: Any, where: str) -> Any:
    """Frozen data as plain dicts and lists, refusing what JSON cannot carry back unchanged.

    JSON would quietly turn int keys into text and refuse bytes or NaN with a traceback, so those are
    refused here with a sentence. Concrete types are tested first: ``typing.Mapping`` checks cost a
    Python call each, and a million events make millions of them.
    """
    kind = type(value)
    if kind in _LEAVES:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise InputError(f"{where}: {value!r} is not a number JSON can hold")
        return value
    if isinstance(value, dict) or isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise InputError(f"{where}: key {k!r} is not text, so it cannot be stored or hashed")
            out[k] = _plain(v, where)
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(v, where) for v in value]
    if isinstance(value, (str, int)):  # a subclass (an enum of text, say) is written as its value
        return value
    if isinstance(value, float):
        return _plain(float(value), where)
    raise InputError(f"{where}: a {kind.__name__} value cannot be stored or hashed")


def _keys_are_text(value: Any, where: str) -> None:
    # JSON writes int, float, bool and None keys as text without a word: refuse them, visiting containers only.
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            for k, x in v.items():
                if not isinstance(k, str):
                    raise InputError(f"{where}: key {k!r} is not text, so it cannot be stored or hashed")
                if type(x) in _CONTAINERS or isinstance(x, (dict, list, tuple)):
                    stack.append(x)
        else:
            stack.extend(x for x in v if type(x) in _CONTAINERS or isinstance(x, (dict, list, tuple)))


def canonical_json(value: Any, where: str = "content") -> str:
    """The one byte-exact spelling of plain data: sorted keys, no spaces, UTF-8 kept readable."""
    try:
        # Fast path: json writes dicts (FrozenDict too) and tuples itself, refusing NaN and unknown types;
        # only keys need a look of their own.
        if isinstance(value, (dict, list, tuple)):
            _keys_are_text(value, where)
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except InputError:
        raise
    except (ValueError, TypeError, RecursionError):
        text = _slow_canonical(value, where)  # find what it was, to say so (or write other mappings)
    try:
        text.encode("utf-8")  # lone surrogates (from a badly encoded argument) cannot be stored
    except UnicodeEncodeError as exc:
        raise InputError(f"{where}: cannot be written canonically ({exc})") from None
    return text


def _slow_canonical(value: Any, where: str) -> str:
    try:
        plain = _plain(value, where)
        return json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except RecursionError:  # nesting too deep to walk: refused with a sentence, as json.dumps's would be
        raise InputError(f"{where}: cannot be written canonically (nested too deeply)") from None
    # No ValueError or TypeError can come from json.dumps here: _plain leaves only finite numbers, text, bools,
    # None, lists and dicts with text keys.


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
            **({"coverage": thaw(log.coverage)} if log.coverage else {}),
        "conflicts": [{"id": c.id, "question": c.question, "default": c.default, "reason": c.reason,
                       "readings": [{"id": r.id, "summary": r.summary, "lines": list(r.lines),
                                     "events": list(r.events)} for r in c.readings]} for c in log.conflicts],
    }


def file_order(log: Log) -> list[Event]:
    """A log's events in the order they are written (file order; a store's order of first recording)."""
    return sorted(log.events, key=lambda e: (e.order, e.sort_key, e.id))


def log_texts(log: Log) -> tuple[str, list[tuple[str, str]]]:
    """The canonical JSON of a log's header and of each event in file order, with its id (the log hash is kept too)."""
    header = canonical_json(header_content(log), f"{log.path}: header")
    cols = getattr(log.events, "columns", None)  # a columnar log's events, built only on demand
    texts = _column_texts(cols) if cols is not None else None
    if texts is None:
        texts = [(ev.id, canonical_json(event_content(ev), f"{ev.where}: event '{ev.id}'")) for ev in file_order(log)]
    if log.__dict__.get("_head_hash") is None:  # hashing is cheap next to the JSON: keep it while here
        head = chain_link(GENESIS, header)
        for _id, text in texts:
            head = chain_link(head, text)
        _keep(log, head)
    return header, texts


def _fragments(key: str, values: list[Any], keep: Callable[[Any], bool],
               plain: Callable[[Any], Any] = lambda v: v) -> list[str | None]:
    """``"key":JSON`` of each distinct value (None where event_content leaves the key out), and None last,
    so that code -1 (no value) finds it."""
    return [f'"{key}":' + canonical_json(plain(v)) if v is not None and keep(v) else None for v in values] + [None]


def _column_texts(cols: Any) -> list[tuple[str, str]] | None:
    """Each event's canonical JSON in file order, with its id, written from columns: the JSON of each distinct
    value once, then one join an event, with no Event built. None when the columns cannot say (the caller then
    takes the events' own path, which also names the event of any value that cannot be written)."""
    extra = ("payload", "sources", "provenance", "rationale", "derived_by", "confidence", "note")
    if cols.source_events is not None or not all(k in cols.extra_codes for k in extra):
        return None
    n = len(cols.ids)
    perm = cols.order.argsort(kind="stable")
    order = cols.order[perm]
    if n > 1 and not (order[1:] > order[:-1]).all():
        return None  # file positions repeat: file_order's other keys decide, so let it
    try:
        ids = cols.ids.tolist()
        if not all(type(i) is str for i in ids):
            return None
        # A lone surrogate cannot be stored: let the events' path say so (the distinct values are checked below).
        "".join(ids).encode("utf-8")
        names = [canonical_json(v) for v in cols.names]
        ex, vals = cols.extra_codes, cols.extra_values
        date_texts = [t.strip() for t in cols.date_texts]  # HistDate.text is stripped
        "".join(date_texts).encode("utf-8")
        conf = _fragments("confidence", [v or "high" for v in vals["confidence"]], lambda v: v != "high")
        derived = _fragments("derived_by", vals["derived_by"], _always)
        note = _fragments("note", vals["note"], _always)
        payload = _fragments("payload", vals["payload"], bool, thaw)
        provenance = _fragments("provenance", vals["provenance"], _always, thaw)
        rationale = _fragments("rationale", vals["rationale"], _always)
        sources = _fragments("sources", vals["sources"], bool,
                             lambda v: [{"source": s.source, "line": s.line, "quote": s.quote, "gloss": s.gloss}
                                        for s in v])
        kinds = ['"kind":' + canonical_json(k) for k in cols.kinds]
    except (InputError, UnicodeEncodeError):
        return None
    off = cols.actor_offsets.tolist()
    actor_names = [names[a] for a in cols.actor_codes.tolist()]
    # One list an event_content key, in their sorted order; None for a key no event has (it costs nothing).
    columns = [
        [None if lo == hi else '"actors":[' + ",".join(actor_names[lo:hi]) + "]" for lo, hi in zip(off, off[1:])],
        _picked(conf, ex["confidence"]),
        _picked(['"date":' + _text_json(t) for t in date_texts], cols.date_codes),
        _picked(derived, ex["derived_by"]),
        ['"id":' + _text_json(x) for x in ids],
        _picked(kinds, cols.kind_codes),
        _picked(note, ex["note"]),
        _picked(['"org":' + t for t in names], cols.org_codes),
        _picked(payload, ex["payload"]),
        _picked(provenance, ex["provenance"]),
        _picked(rationale, ex["rationale"]),
        [f'"seq":{x}' if x else None for x in cols.seq.tolist()] if cols.seq.any() else None,
        _picked(sources, ex["sources"]),
        _picked(['"target":' + t for t in names] + [None], cols.target_codes),
    ]
    texts = ["{" + ",".join(filter(None, p)) + "}" for p in zip(*(c for c in columns if c is not None))]
    return [(ids[i], texts[i]) for i in perm.tolist()]


def _picked(fragments: list[str | None], codes: Any) -> list[str | None] | None:
    """Each event's fragment by its code (-1 finds the None kept last), or None when no event has one."""
    if all(f is None for f in fragments):
        return None
    return [fragments[c] for c in codes.tolist()]


def _always(_value: Any) -> bool:
    return True


def log_hash(log: Log) -> str:
    """The head of the chain over the log's header and its events in file order (cached on the log)."""
    cached = log.__dict__.get("_head_hash")
    if cached is None:
        cached = chain_link(GENESIS, canonical_json(header_content(log), f"{log.path}: header"))
        for ev in file_order(log):
            cached = chain_link(cached, canonical_json(event_content(ev), f"{ev.where}: event '{ev.id}'"))
        _keep(log, cached)
    return cached


def _keep(log: Log, head: str) -> None:
    object.__setattr__(log, "_head_hash", head)  # Log is frozen; the cache is not part of its value
    for keep in AFTER_LOG_HASH:
        keep(log, head)


#: Called with a log and its hash when the hash was computed: the engine's index cache keeps it, so a large
#: log's hash is computed once (a hook, because events/ never imports the engine).
AFTER_LOG_HASH: list[Callable[[Log, str], None]] = []


__all__ = ["GENESIS", "canonical_json", "chain_link", "event_content", "header_content", "file_order", "log_hash",
           "log_texts"]
