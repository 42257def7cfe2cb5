"""Checking a store's hash chain: the first row that was changed, removed or moved, named with its event.

A row is *changed* when its content or record no longer gives its hash; a row
is *moved* when it is chained to a row other than the one before it; a row is
*removed* when the sequence skips a number, or when a row is chained to a hash
no row has. Rewriting a row together with its hash and every hash after it is
caught only against a head hash recorded elsewhere (a report, an export).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Sequence

from ..canonical import GENESIS, canonical_json
from ..errors import InputError
from .rows import ROW_TYPES, Row, row_hash


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What a check found: counts of each kind of row, the head, and the first problem (None: intact)."""

    rows: int
    headers: int
    events: int
    corrections: int
    retractions: int
    head: str
    problem: str | None


def _label(r: Row) -> str:
    try:
        return r.label
    except Exception:  # noqa: BLE001 - a tampered row may hold any SQLite type in any column
        return f"row {r.seq!r}"


def _fast_json() -> tuple[Any, Any] | None:
    """json's C scanner and encoder, made once (json.loads and json.dumps make their Python wrappers on each call,
    half their time on a row's content); None where this Python lacks them."""
    from json import decoder, encoder, scanner

    if scanner.c_make_scanner is None or encoder.c_make_encoder is None:
        return None
    return (scanner.c_make_scanner(decoder.JSONDecoder()),
            encoder.c_make_encoder(None, None, encoder.encode_basestring, None, ":", ",", True, False, False))


_FAST = _fast_json()


def _canonical_data(content: str) -> tuple[bool, Any]:
    """(True, data) when the content parses, alone, to data whose canonical form it is; else (False, None)."""
    if _FAST is not None:
        try:
            data, end = _FAST[0](content, 0)
            # Parsed JSON has text keys only and no cycles, so the C encoder alone writes its canonical form.
            if end == len(content) and "".join(_FAST[1](data, 0)) == content:
                return True, data
        except (StopIteration, ValueError, TypeError, RecursionError):
            pass
    return False, None


def _content_problem(r: Row) -> str | None:
    if not isinstance(r.content, str):
        return "its content is not text"
    ok, data = _canonical_data(r.content)
    if not ok:  # the slow path words what is wrong
        try:
            data = json.loads(r.content)
            if canonical_json(data) != r.content:
                return "its content is not in the canonical form it was stored in"
        except (ValueError, InputError, RecursionError):  # RecursionError: nested too deep to read back
            return "its content is not valid JSON"
    if r.type not in ROW_TYPES:
        return f"its type {r.type!r} is not a row type"
    if r.type == "event" and (not isinstance(data, dict) or data.get("id") != r.event_id):
        return "its content names another event"
    return None


def _hash_problem(r: Row) -> bool:
    try:
        return row_hash(r.prev_hash, r.type, r.event_id, r.version, r.recorded_at, r.content) != r.hash
    except (TypeError, ValueError):
        return True


def first_problem(rows: Sequence[Row], thorough: bool = True) -> str | None:
    """The first break in the chain, as a sentence naming the row and its event (None if intact).

    Without ``thorough`` the content is not parsed again (the quick check every read of a store makes).
    """
    versions: dict[object, int] = {}
    prev: Row | None = None
    for expected, r in enumerate(rows, start=1):
        if r.seq != expected:
            if isinstance(r.seq, int) and r.seq > expected:
                gone = f"row {expected}" if r.seq == expected + 1 else f"rows {expected}-{r.seq - 1}"
                after = f"from {_label(prev)} " if prev else ""
                return f"{gone} removed: the chain goes {after}to {_label(r)}"
            return f"{_label(r)} is out of place: row {expected} was expected here"
        problem = _content_problem(r) if thorough else None
        if problem or _hash_problem(r):
            return f"{_label(r)} was changed: {problem or 'its content or record no longer matches its hash'}"
        expected_prev = prev.hash if prev else GENESIS
        if r.prev_hash != expected_prev:
            # Looked up only once the chain is broken (the last row with that hash, as a dict of them would give).
            earlier = next((x for x in reversed(rows) if x.hash == r.prev_hash), None)
            if earlier is not None and earlier is not r:
                return f"{_label(r)} was moved: it was recorded right after {_label(earlier)}"
            if prev is None:
                return f"{_label(r)} does not start the chain: the rows before it were removed"
            return (f"the chain breaks between {_label(prev)} and {_label(r)}: a row between them was removed, "
                    f"or {_label(prev)} was rewritten with a new hash")
        if expected == 1 and r.type != "header":
            return f"{_label(r)} should be the log's header: the header was removed"
        key = "" if r.type == "header" else r.event_id
        if r.version != versions.get(key, 0) + 1:
            return (f"{_label(r)} follows version {versions.get(key, 0)}: a version was removed "
                    "or the rows were reordered")
        if prev is not None and r.recorded_at < prev.recorded_at:
            return f"{_label(r)} was recorded before the row it follows: the rows were reordered or backdated"
        versions[key] = r.version
        prev = r
    return None


def check_published(head: str | None, count: int | None) -> None:
    """Refuse a malformed published head or row count (before any row is read)."""
    if head is not None and not re.fullmatch(r"[0-9a-f]{16,64}", head.lower()):
        raise InputError(f"--head {head!r}: give a row hash as printed by orgsim (16 to 64 hex digits)")
    if count is not None and count < 0:
        raise InputError(f"--rows {count}: give a number of rows, 0 or more")


def published_problem(rows: Sequence[Row], head: str | None, count: int | None) -> str | None:
    """What a chain lacks against a head hash (and row count) published earlier: None if it still holds them.

    An intact chain can still have lost its last rows, or have had its tail rewritten with every hash recomputed;
    only a head kept elsewhere tells. The head may be abbreviated to 16 hex digits or more (64 bits).
    """
    check_published(head, count)
    if count is not None and len(rows) < count:
        return (f"the store has {len(rows)} rows, fewer than the {count} published: rows were removed from its end"
                if rows else f"the store is empty, but {count} rows were published: every row was removed")
    if head is None:
        return None
    head = head.lower()
    if count is not None:
        at = rows[count - 1].hash if count else GENESIS
        if not at.startswith(head):
            return (f"row {count} has hash {at[:16]}..., not the published head {head[:16]}...: the rows up to it "
                    "were rewritten")
        return None
    if not any(r.hash.startswith(head) for r in rows):
        return (f"no row has the published head {head[:16]}...: rows were removed from the store's end, "
                "or rewritten with new hashes")
    return None


def check_chain(rows: Sequence[Row]) -> ChainReport:
    """Count the rows and find the first problem of the chain."""
    types = [r.type for r in rows]
    corrections = sum(1 for r in rows if r.type == "event" and r.version != 1)
    return ChainReport(rows=len(rows), headers=types.count("header"),
                       events=types.count("event") - corrections, corrections=corrections,
                       retractions=types.count("retraction"), head=rows[-1].hash if rows else GENESIS,
                       problem=first_problem(rows))
