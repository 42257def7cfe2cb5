"""Turning parsed YAML into a validated :class:`Log`: every check that needs no replay.

A bad field stops loading with one line naming the file, the line and the event.
Checks that need the state (withdrawing a non-member) belong to the engine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from .dates import DateError, parse_date
from .errors import LogError
from .model import Conflict, Event, FrozenDict, Log, Reading, Source, freeze
from .text import describe_char, shown, xml_invalid
from .upcast import upcast
from .vocabulary import CONFIDENCE, KINDS, SCHEMA_VERSION, STATUSES
from .yamlio import LINE_KEY, load_yaml_text, strip_lines

# Matched with fullmatch and ending in \Z: "$" would also match before a final newline, making "x\n" an id.
ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,127}\Z")
STATE_RE = re.compile(r"[A-Z]{3}\Z")
ENTITY_RE = re.compile(r"[A-Z0-9][A-Z0-9-]*(\.[A-Z0-9][A-Za-z0-9-]*)*\Z")
#: A seq is stored as a 64-bit integer (SQLite, Parquet, numpy): a larger one could not be kept.
SEQ_RANGE = (-(2**63), 2**63 - 1)

EVENT_FIELDS = frozenset({"id", "date", "kind", "org", "actors", "target", "payload", "sources",
                          "provenance", "rationale", "derived_by", "confidence", "note", "seq"})
# `record` is written by `orgsim store export` (recording times and hashes); the engine does not read it.
HEADER_FIELDS = frozenset({"orgsim_log", "id", "title", "organization", "entities", "sources",
                           "texts", "conflicts", "events", "record", "coverage"})
ENTITY_GROUPS = ("organizations", "others", "states")


@lru_cache(maxsize=1)
def iso_alpha3() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code, current and (from ISO 3166-3) former."""
    import pycountry

    codes = {c.alpha_3 for c in pycountry.countries}
    codes |= {getattr(c, "alpha_3", "") for c in pycountry.historic_countries}
    return frozenset(c for c in codes if c)


def _fail(msg: str, path: str, line: int | None, event: str | None = None) -> LogError:
    return LogError(msg, path, line, event)


def _first(names: set) -> Any:
    """The first of some field names in sorted order (YAML keys need not all be text)."""
    return sorted(names, key=repr)[0]


def _line(value: Any, default: int | None) -> int | None:
    return value.get(LINE_KEY, default) if isinstance(value, dict) else default


def check_text(value: Any, path: str, line: int | None, eid: str | None = None, where: str = "") -> None:
    """Refuse text (values and keys, at any depth) holding a character XML cannot carry, naming the field.

    Done once at load, for every string of a log, so no export writes a file an XML parser refuses and no
    escape sequence can reach a terminal from a valid log.
    """
    stack = [(value, line, where)]
    while stack:
        item, ln, at = stack.pop()
        if isinstance(item, str):
            pos = xml_invalid(item)
            if pos is not None:
                raise _fail(f"{at or 'a value'} holds {describe_char(item[pos])}, a character a log may not hold "
                            "(XML cannot carry it)", path, ln, eid)
        elif isinstance(item, dict):
            ln = item.get(LINE_KEY, ln)
            for k, v in item.items():
                if k == LINE_KEY:
                    continue
                name = f"{at}.{k}" if at else str(k)
                stack.append((k, ln, f"the key {name}"))
                stack.append((v, ln, name))
        elif isinstance(item, list):
            stack.extend((v, ln, f"{at}[{i}]") for i, v in enumerate(item))


def nfc(text: str) -> str:
    """An id in Unicode normal form NFC: the one spelling ids are compared in (command-line ids included)."""
    return unicodedata.normalize("NFC", text)


def _mapping(value: Any, what: str, path: str, line: int | None) -> dict:
    """A mapping read from YAML (None counts as empty); anything else is one error."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(f"{what} must be a mapping", path, line)
    return value


def _entities(raw: Any, path: str, line: int | None) -> dict:
    """The header's ``entities``: groups of declared ids, each id with a mapping (its name) or nothing."""
    raw = _mapping(raw, "entities", path, line)
    line = _line(raw, line)
    out = {}
    for group, members in raw.items():
        if group == LINE_KEY:
            continue
        if group not in ENTITY_GROUPS:
            raise _fail(f"unknown entities group {group!r} (use {', '.join(ENTITY_GROUPS)})", path, line)
        members = _mapping(members, f"entities.{group}", path, line)
        pattern = STATE_RE if group == "states" else ENTITY_RE
        for ident, info in members.items():
            if ident != LINE_KEY and (not isinstance(ident, str) or not (info is None or isinstance(info, dict))):
                raise _fail(f"entities.{group}: {ident!r} must be an id with a mapping such as {{name: ...}}",
                            path, _line(members, line))
            if ident != LINE_KEY and not pattern.fullmatch(ident):
                what = "three capital letters" if group == "states" else "capitals, digits, '-' and '.'"
                raise _fail(f"entities.{group}: {ident!r} is not an id ({what})", path, _line(members, line))
        out[group] = strip_lines(members)
    return out


def _header_sources(raw: Any, path: str, line: int | None) -> dict:
    """The header's ``sources``: each key names a mapping with the cited ``file``."""
    raw = _mapping(raw, "sources", path, line)
    for key, info in raw.items():
        if key != LINE_KEY and (not isinstance(key, str) or not isinstance(info, dict)
                                or not isinstance(info.get("file", ""), str)):
            raise _fail(f"sources: {key!r} must be a name with a mapping such as {{file: notes.txt}}", path,
                        _line(raw, line))
        if key != LINE_KEY and nfc(key) != key:
            # Two spellings of one name (NFC and NFD) would be two sources that print the same.
            raise _fail(f"sources: {key!r} is not in Unicode normal form NFC; write it in NFC", path,
                        _line(raw, line))
    return strip_lines(raw)


def _str_list(value: Any, what: str, path: str, line: int, eid: str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(f"{what} must be a list of ids", path, line, eid)
    return tuple(value)


def repeated(ids: Sequence[str]) -> str | None:
    """The first id that appears twice in ``ids`` (None if none does).

    >>> repeated(("FRA", "DEU", "FRA")), repeated(("FRA", "DEU"))
    ('FRA', None)
    """
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            return ident
        seen.add(ident)
    return None


class _Ids:
    """Which actor and target ids a log may use: ISO states plus what its header declares."""

    def __init__(self, entities: dict, path: str) -> None:
        self.states = set(entities.get("states", {}) or {})  # and every ISO code, looked up only when needed
        self.declared = set()
        for group in ("organizations", "others"):
            self.declared |= set(entities.get(group, {}) or {})
        self.path = path

    def check(self, ident: str, line: int, eid: str) -> None:
        if STATE_RE.fullmatch(ident):
            if ident not in self.states and ident not in self.declared and ident not in iso_alpha3():
                raise _fail(f"unknown state code {ident!r} (not ISO 3166-1 alpha-3, not declared in entities)",
                            self.path, line, eid)
        elif not ENTITY_RE.fullmatch(ident):
            raise _fail(f"malformed id {ident!r}", self.path, line, eid)
        elif "." not in ident and ident not in self.declared:
            raise _fail(f"unknown organization {ident!r} (declare it under entities)", self.path, line, eid)


_TEXT = "text"
_ID = "an id"
_IDS = "a list of ids"
#: Payload fields the engine and the rules read, and what each must be; other fields are free.
PAYLOAD_TYPES = {"name": _TEXT, "short": _TEXT, "title": _TEXT, "type": _TEXT, "parent": _ID, "predecessor": _ID,
                 "protocol": _ID, "office": _ID, "user": _ID, "body": _ID, "members": _IDS, "absent": _IDS,
                 "strength": "a number", "term_years": "a whole number",
                 "ended": "true or false", "params": "a mapping"}
PARAMS_TYPES = {"type": _TEXT, "bodies": _IDS, "allowed": _IDS, "excluded": _IDS, "min_per_year": "a number"}


def _is(value: Any, what: str) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return {_TEXT: isinstance(value, str), _ID: isinstance(value, str) and bool(value),
            _IDS: isinstance(value, list) and all(isinstance(v, str) for v in value),
            "a status": value in STATUSES if isinstance(value, str) else False, "a number": number,
            "a whole number": number and isinstance(value, int), "true or false": isinstance(value, bool),
            "a mapping": isinstance(value, dict)}[what]


def _text_keys(value: Any, path: str, line: int, eid: str) -> None:
    """Payload keys must be text: JSON, the store and every export can carry nothing else."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k != LINE_KEY and not isinstance(k, str):
                raise _fail(f"payload key {k!r} is not text (quote it)", path, _line(value, line), eid)
            _text_keys(v, path, line, eid)
    elif isinstance(value, list):
        for v in value:
            _text_keys(v, path, line, eid)


def _payload(payload: Any, kind: str, path: str, line: int, eid: str) -> dict:
    """Check the payload fields the engine reads (a force's strength is a number, a parent an id...)."""
    if not isinstance(payload, dict):
        raise _fail("payload must be a mapping", path, line, eid)
    _text_keys(payload, path, line, eid)
    strength = payload.get("strength")
    if _is(strength, "a number") and not 0 <= strength < float("inf"):
        raise _fail(f"payload.strength must be zero or more, not {strength!r}", path, _line(payload, line), eid)
    types = {**PAYLOAD_TYPES, "status": "a status"} if kind == "membership_attested" else PAYLOAD_TYPES
    for field, what in types.items():
        if field in payload and not _is(payload[field], what):
            raise _fail(f"payload.{field} must be {what}", path, _line(payload, line), eid)
    for field, what in PARAMS_TYPES.items():
        params = payload.get("params") or {}
        if field in params and not _is(params[field], what):
            raise _fail(f"payload.params.{field} must be {what}", path, _line(params, line), eid)
    return payload


def _sources(raw: Any, header_sources: dict, path: str, line: int, eid: str) -> tuple[Source, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise _fail("sources must be a non-empty list", path, line, eid)
    out = []
    for s in raw:
        sline = s.get(LINE_KEY, line) if isinstance(s, dict) else line
        if not isinstance(s, dict):
            raise _fail("each source must be a mapping", path, sline, eid)
        unknown = set(s) - {"source", "line", "quote", "gloss", LINE_KEY}
        if unknown:
            raise _fail(f"unknown source field {_first(unknown)!r}", path, sline, eid)
        key = s.get("source")
        if not isinstance(key, str) or key not in header_sources:
            raise _fail(f"source {key!r} is not declared in the header's sources", path, sline, eid)
        ln, quote, gloss = s.get("line"), s.get("quote"), s.get("gloss")
        if not isinstance(ln, int) or isinstance(ln, bool) or ln < 1:
            raise _fail("a source's line must be a positive whole number", path, sline, eid)
        if not isinstance(quote, str) or not quote.strip() or not isinstance(gloss, str) or not gloss.strip():
            raise _fail("a source needs its original-language quote and an English gloss", path, sline, eid)
        out.append(Source(key, header_sources[key].get("file", key), ln, quote, gloss))
    return tuple(out)


def parse_event(raw: Any, index: int, log_org: str, header_sources: dict, ids: _Ids, path: str) -> Event:
    """Validate one raw event mapping and build the immutable Event."""
    if not isinstance(raw, dict):
        raise _fail(f"event #{index + 1} is not a mapping", path, None)
    line = raw.get(LINE_KEY, 0)
    eid = raw.get("id")
    if not isinstance(eid, str) or not ID_RE.fullmatch(eid):
        given = repr(eid) if isinstance(eid, (str, int, float, bool)) or eid is None else f"(a {type(eid).__name__})"
        raise _fail(f"event id {given} is missing or malformed (use lower case, digits, '.', '_', '-')", path, line)
    unknown = set(raw) - EVENT_FIELDS - {LINE_KEY}
    if unknown:
        raise _fail(f"unknown field {_first(unknown)!r}", path, line, eid)
    check_text(raw, path, line, eid)
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise _fail(f"unknown kind {kind!r} (see `orgsim kinds`)", path, line, eid)
    date_text = raw.get("date")
    if isinstance(date_text, int) and not isinstance(date_text, bool):
        date_text = str(date_text)  # YAML reads an unquoted 1993 as a number
    if not isinstance(date_text, str):
        raise _fail(f"date {date_text!r} must be a date written as text, such as \"1993-12\"", path, line, eid)
    try:
        date = parse_date(date_text)
    except DateError as exc:
        raise _fail(str(exc), path, line, eid) from None
    org = raw.get("org", log_org)
    if not isinstance(org, str):
        raise _fail("org must be an id", path, line, eid)
    actors = _str_list(raw.get("actors"), "actors", path, line, eid)
    twice = repeated(actors)
    if twice is not None:  # one accession of FRA, not two: a repeat is a typo, never two actors
        raise _fail(f"actors names {twice!r} twice", path, line, eid)
    target = raw.get("target")
    if target is not None and not isinstance(target, str):
        raise _fail("target must be one id", path, line, eid)
    if target is None and KINDS[kind].target in ("body", "force", "rule", "office"):
        raise _fail(f"a {kind} event needs a target (the {KINDS[kind].target}'s id)", path, line, eid)
    for ident in (*actors, *([target] if target else []), org):
        ids.check(ident, line, eid)
    if KINDS[kind].actors == "states":  # an organization cannot accede, withdraw or be suspended
        for ident in actors:
            if not STATE_RE.fullmatch(ident):
                raise _fail(f"the actors of {kind} are states; {ident!r} is not a state", path, line, eid)
    payload = _payload(raw.get("payload") or {}, kind, path, line, eid)
    confidence = raw.get("confidence", "high")
    if confidence not in CONFIDENCE:
        raise _fail(f"confidence must be one of {', '.join(CONFIDENCE)}", path, line, eid)
    seq = raw.get("seq", 0)
    if not isinstance(seq, int) or isinstance(seq, bool) or not SEQ_RANGE[0] <= seq <= SEQ_RANGE[1]:
        raise _fail("seq must be a whole number that fits in 64 bits", path, line, eid)
    sources = _sources(raw.get("sources"), header_sources, path, line, eid)
    provenance, rationale = raw.get("provenance"), raw.get("rationale")
    if provenance is not None and not isinstance(provenance, dict):
        raise _fail("provenance must be a mapping (dataset, version, file, row)", path, line, eid)
    if not sources and not provenance and not rationale:
        raise _fail("an event needs sources (or provenance for imports, rationale for scenario inserts)",
                    path, line, eid)
    for name in ("note", "rationale", "derived_by"):
        if raw.get(name) is not None and not isinstance(raw.get(name), str):
            raise _fail(f"{name} must be text", path, line, eid)
    return Event(
        id=eid, date=date, kind=kind, org=org, actors=actors, target=target,
        payload=freeze(strip_lines(payload)), sources=sources,
        provenance=freeze(strip_lines(provenance)) if isinstance(provenance, dict) else None,
        rationale=rationale, derived_by=raw.get("derived_by"), confidence=confidence,
        note=raw.get("note"), seq=seq, order=index, file=path, line=line,
    )


def event_for_log(raw: dict, log: Log, order: int, path: str) -> Event:
    """Validate one more event (a scenario's insert or change) against an already loaded log."""
    ids = _Ids(thaw_entities(log.entities), path)
    return parse_event(raw, order, log.organization, dict(log.sources), ids, path)


def thaw_entities(entities: Any) -> dict:
    """The header's entities as plain dicts."""
    return {k: dict(v or {}) for k, v in (entities or {}).items()}


def _conflicts(raw: Any, path: str, known: set[str]) -> tuple[Conflict, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail("conflicts must be a list", path, None)
    out, seen = [], set()
    for c in raw:
        line = _line(c, None)
        if not isinstance(c, dict):
            raise _fail("each conflict must be a mapping (id, question, readings, default, reason)", path, line)
        cid = c.get("id")
        if not isinstance(cid, str) or cid in seen:
            raise _fail(f"conflict id {cid!r} is missing or repeated", path, line)
        if not ID_RE.fullmatch(cid):  # `--reading CONFLICT=READING` must be able to name it
            raise _fail(f"conflict id {cid!r} is malformed (use lower case, digits, '.', '_', '-')", path, line)
        seen.add(cid)
        raw_readings = c.get("readings") or []
        if not isinstance(raw_readings, list):
            raise _fail(f"conflict {cid!r}: readings must be a list", path, line)
        readings = []
        for r in raw_readings:
            rline = _line(r, line)
            rid = r.get("id") if isinstance(r, dict) else None
            if not isinstance(rid, str):
                raise _fail(f"conflict {cid!r}: each reading needs an id", path, rline)
            if not ID_RE.fullmatch(rid) or rid in {r.id for r in readings}:
                raise _fail(f"conflict {cid!r}: reading id {rid!r} is malformed or repeated (use lower case, "
                            "digits, '.', '_', '-')", path, rline)
            events = _str_list(r.get("events"), f"conflict {cid!r}, reading {rid!r}: events", path, rline, None)
            for e in events:
                if e not in known:
                    raise _fail(f"conflict {cid!r}, reading {rid!r}: no event {e!r} in the log", path, rline)
            lines = r.get("lines") or []
            if not isinstance(lines, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in lines):
                raise _fail(f"conflict {cid!r}, reading {rid!r}: lines must be a list of line numbers", path, rline)
            readings.append(Reading(rid, str(r.get("summary", "")), tuple(lines), events))
        default = c.get("default")
        if len(readings) < 2 or not isinstance(default, str) or default not in {r.id for r in readings}:
            raise _fail(f"conflict {cid!r} needs two or more readings and a default among them", path, line)
        if not str(c.get("reason", "")).strip():
            raise _fail(f"conflict {cid!r} needs the reason for its default", path, line)
        out.append(Conflict(cid, str(c.get("question", "")), tuple(readings), default, str(c["reason"]), line or 0))
    return tuple(out)


def _coverage(raw: Any, path: str) -> dict:
    """The header's ``coverage``: which organizations the log records, from and to which dates."""
    if raw is None:
        return {}
    line = _line(raw, 1)
    raw = strip_lines(_mapping(raw, "coverage", path, line))
    unknown = set(raw) - {"organizations", "from", "to"}
    if unknown:
        raise _fail(f"unknown coverage field {_first(unknown)!r} (use organizations, from, to)", path, line)
    orgs = raw.get("organizations", [])
    if not isinstance(orgs, list) or not all(isinstance(o, str) and o for o in orgs):
        raise _fail("coverage.organizations must be a list of organization ids", path, line)
    for end in ("from", "to"):
        if end in raw:
            try:
                parse_date(str(raw[end]))
            except DateError as exc:
                raise _fail(f"coverage.{end}: {exc}", path, line) from None
    return {k: (str(v) if k != "organizations" else list(v)) for k, v in raw.items()}


def _text_entry(t: dict, path: str) -> None:
    """A text's ``lines`` are a first and last line, and its ``now`` a date: the answers read both."""
    line = _line(t, 1)
    lines = t.get("lines")
    if lines is not None and not (isinstance(lines, list) and len(lines) == 2 and all(
            isinstance(n, int) and not isinstance(n, bool) for n in lines)):
        raise _fail(f"text {t.get('id')!r}: lines must be [first, last], two line numbers", path, line)
    now = t.get("now")
    if now is not None:
        try:
            parse_date(str(now))
        except DateError as exc:
            raise _fail(f"text {t.get('id')!r}: now: {exc}", path, line) from None


def parse_log(data: Any, path: str) -> Log:
    """Validate a parsed YAML document and build the Log (events in replay order)."""
    if not isinstance(data, dict):
        raise _fail("a log must be a YAML mapping with a header and `events:`", path, 1)
    version = data.get("orgsim_log")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _fail("missing `orgsim_log: <schema version>` in the header", path, data.get(LINE_KEY, 1))
    if version > SCHEMA_VERSION:
        raise _fail(f"written by a newer orgsim (log schema {version}; this orgsim reads up to {SCHEMA_VERSION})",
                    path, 1)
    if version < 1:
        raise _fail(f"unknown log schema {version} (versions run from 1 to {SCHEMA_VERSION})", path, 1)
    if not isinstance(data.get("events"), list):
        raise _fail("`events:` must be a list", path, data.get(LINE_KEY, 1))
    data = upcast(data, version)
    unknown = set(data) - HEADER_FIELDS - {LINE_KEY}
    if unknown:
        raise _fail(f"unknown header field {_first(unknown)!r}", path, 1)
    org = data.get("organization")
    if not isinstance(org, str):
        raise _fail("the header needs `organization:` (the default org of its events)", path, 1)
    check_text({k: v for k, v in data.items() if k not in ("events", "record")}, path, 1)
    entities = _entities(data.get("entities"), path, 1)
    entities.setdefault("organizations", {}).setdefault(org, {})
    header_sources = _header_sources(data.get("sources"), path, 1)
    texts = data.get("texts") or []
    if not isinstance(texts, list) or not all(isinstance(t, dict) for t in texts):
        raise _fail("texts must be a list of mappings (id, source, lines, now)", path, _line(data, 1))
    for t in texts:
        _text_entry(t, path)
    coverage = _coverage(data.get("coverage"), path)
    ids = _Ids(entities, path)
    raw_events = data.get("events")
    if not isinstance(raw_events, list):
        raise _fail("`events:` must be a list", path, data.get(LINE_KEY, 1))
    events, lines = [], {}
    for i, raw in enumerate(raw_events):
        ev = parse_event(raw, i, org, header_sources, ids, path)
        if ev.id in lines:
            raise _fail(f"duplicate id (first used at line {lines[ev.id]})", path, ev.line, ev.id)
        lines[ev.id] = ev.line
        events.append(ev)
    conflicts = _conflicts(data.get("conflicts"), path, set(lines))
    return Log(
        id=str(data.get("id", "log")), title=str(data.get("title", "")), organization=org, path=path,
        events=tuple(sorted(events, key=lambda e: e.sort_key)), conflicts=conflicts,
        entities=freeze(entities), sources=freeze(header_sources),
        texts=tuple(freeze(strip_lines(t)) for t in texts), version=SCHEMA_VERSION, coverage=freeze(coverage),
    )


def load_log_text(text: str, name: str = "<text>") -> Log:
    """Load and validate a log from YAML text."""
    return parse_log(load_yaml_text(text, name), name)


__all__ = ["load_log_text", "parse_log", "parse_event", "event_for_log", "FrozenDict"]
