"""Each interval's bounds, from the dates of the events that open and close it and the texts behind them.

Computed in columns from either compile's table, so both compiles give the same bounds: per
distinct date its earliest and latest day, per event the last day its texts attest, then one
gather per interval. ``engine/answers.py`` decides from them. The table computes them the first
time an answer asks (``IntervalTable._bounded``): the plain queries never read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from orgsim.events.columns import EventColumns, ids_in
from orgsim.events.dates import parse_date
from orgsim.events.model import Log

from .answers import OPEN_END
from .coverage import Coverage

ATTESTING_KIND = "membership_attested"


def date_days(cols: EventColumns, floor: int) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct date (``cols.date_codes`` index them): the earliest and latest day it can mean (an open
    start reaches back to ``floor``). Kept per date, not per event: the million events of ``python -m bench``'s
    history share 66,000 dates."""
    lo = np.empty(len(cols.date_texts), np.int64)
    hi = np.empty(len(cols.date_texts), np.int64)
    for code, text in enumerate(cols.date_texts):
        d = parse_date(text)
        lo[code] = min(d.key, floor) if d.earliest is None else min(d.earliest, d.key)
        hi[code] = OPEN_END if d.latest is None else max(d.latest, d.key)
    return lo, hi


def text_nows(log: Log) -> list[tuple[str, int, int, int]]:
    """Each text of the log as (source, first line, last line, first day of its present)."""
    out = []
    for t in log.texts:
        lines, now = t.get("lines"), t.get("now")
        if not now or not isinstance(lines, (list, tuple)) or len(lines) != 2:
            continue
        d = parse_date(str(now))
        out.append((str(t.get("source", "")), int(lines[0]), int(lines[1]), d.lower if d.lower is not None else d.key))
    return out


def event_attested(log: Log, cols: EventColumns, hi_d: np.ndarray) -> np.ndarray | None:
    """Per event: the last day its sources attest what it states as current (None: OPEN_END for every event).

    An event states its fact as of its texts' present (a text that tells of an office
    "since 2003" speaks of it at its own date); a ``membership_attested`` event states the
    members on its own date only. A log without texts presumes nothing within its coverage.
    """
    texts = text_nows(log)
    if not texts:
        return None
    hi = hi_d[cols.date_codes]
    out = hi.copy()
    attesting = cols.kinds.index(ATTESTING_KIND) if ATTESTING_KIND in cols.kinds else -1
    for pos, ev in enumerate(log.events):
        if cols.kind_codes[pos] == attesting:
            continue
        if not ev.sources:
            out[pos] = OPEN_END  # a scenario's insert or a dataset's row: nothing a text's date could bound
            continue
        nows = [now for s in ev.sources for (src, a, b, now) in texts if s.source == src and a <= s.line <= b]
        if nows:
            out[pos] = max(int(hi[pos]), max(nows)) if hi[pos] != OPEN_END else max(nows)
    return out


def attach(table: Any, log: Log, cov: Coverage) -> None:
    """Give every interval of an IntervalTable its bounds and last attestation (arrays on the table)."""
    cols = table.cols
    lo_d, hi_d = date_days(cols, cov.start)
    att = event_attested(log, cols, hi_d)

    def lo(pos: np.ndarray) -> np.ndarray:
        return lo_d[cols.date_codes[pos]]

    def hi(pos: np.ndarray) -> np.ndarray:
        return hi_d[cols.date_codes[pos]]

    def attested(pos: np.ndarray) -> np.ndarray:
        return np.full(len(pos), OPEN_END, np.int64) if att is None else att[pos]

    spos, epos = table.spos, table.epos
    table.s_lo, table.s_hi = lo(spos), np.maximum(hi(spos), table.start)
    ended = epos >= 0
    e = np.maximum(epos, 0)
    table.e_lo = np.where(ended, np.maximum(lo(e), table.s_lo), OPEN_END)
    table.e_hi = np.where(ended, np.maximum(hi(e), table.end), OPEN_END)
    del e
    # A fact one event both sets and ends (a same-day conversion) holds on no day under any reading.
    instant = ended & (epos == spos)
    table.e_lo = np.where(instant, table.s_lo, table.e_lo)
    table.e_hi = np.where(instant, table.s_lo, table.e_hi)
    table.att = attested(spos)
    _attestations(table, log, cols)
    pos_of = _positions(cols, [f.event for f in table.others] + [x for x in table.o_ender if x is not None])
    o_spos = np.array([pos_of[f.event] for f in table.others], np.int64)
    o_epos = np.array([-1 if x is None else pos_of[x] for x in table.o_ender], np.int64)
    table.o_s_lo = lo(o_spos) if len(o_spos) else np.empty(0, np.int64)
    table.o_s_hi = np.maximum(hi(o_spos), table.o_start) if len(o_spos) else np.empty(0, np.int64)
    o_ended = o_epos >= 0
    oe = np.maximum(o_epos, 0)
    table.o_e_lo = np.where(o_ended, np.maximum(lo(oe), table.o_s_lo), OPEN_END) if len(o_epos) else np.empty(0, np.int64)
    table.o_e_hi = np.where(o_ended, np.maximum(hi(oe), table.o_end), OPEN_END) if len(o_epos) else np.empty(0, np.int64)
    table.o_att = attested(o_spos) if len(o_spos) else np.empty(0, np.int64)
    _other_attestations(table, cols, att)
    _no_earlier_than_parent(table)


def _no_earlier_than_parent(table: Any) -> None:
    """An open start reaches back no further than what it belongs to: a body's member not before the
    body, a body not before its parent, a membership not before its organization."""
    earliest: dict[str, int] = {}
    for _ in range(8):  # bodies nest a few levels deep; each pass settles one more level
        changed = False
        for i, f in enumerate(table.others):
            if f.key[0] not in ("body", "force", "org", "office"):
                continue
            # An office belongs to the body its id is under (CSTO.PA.CHAIR to CSTO.PA).
            parent = (f.key[1].rsplit(".", 1)[0] if f.key[0] == "office"
                      else f.value.get("parent") if f.key[0] != "org" else None)
            floor = earliest.get(parent, 0) if parent else 0
            if floor > table.o_s_lo[i]:
                table.o_s_lo[i] = min(floor, table.o_start[i])
            new = min(int(table.o_s_lo[i]), earliest.get(f.key[1], 1 << 62))
            if earliest.get(f.key[1]) != new:
                earliest[f.key[1]], changed = new, True
        if not changed:
            break
    if not earliest or not len(table.ent):
        return
    floors = np.array([earliest.get(n, 0) for n in table.names], np.int64)
    floor = np.minimum(floors[table.ent], table.start)
    table.s_lo = np.maximum(table.s_lo, floor)
    _after_previous_status(table)
    table.e_lo = np.where(table.e_lo == OPEN_END, OPEN_END, np.maximum(table.e_lo, table.s_lo))


def _after_previous_status(table: Any) -> None:
    """A status cannot begin before the one it follows did: a withdrawal known "by 2016" from an
    organization joined in 1999 reaches back to 1999, not to the organization's founding."""
    if len(table.ent) < 2:
        return
    # Rows are sorted by (organization, actor, replay order), so a running maximum within each
    # (organization, actor) group is the answer; the group number, shifted above every day
    # ordinal, keeps one group's maximum from leaking into the next.
    new_group = np.ones(len(table.ent), np.int64)
    new_group[1:] = (table.ent[1:] != table.ent[:-1]) | (table.actor[1:] != table.actor[:-1])
    group = np.cumsum(new_group) << 22  # day ordinals stay below 2**22 (the year 2200 is 803,000)
    table.s_lo = np.maximum.accumulate(group + table.s_lo) - group


def _positions(cols: EventColumns, ids: list[str]) -> Mapping[str, int]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {cols.ids[p]: int(p) for p in np.flatnonzero(ids_in(cols.ids, wanted)).tolist()}


def _attestations(table: Any, log: Log, cols: EventColumns) -> None:
    """Raise a membership's last attestation to the date of every source that names it later."""
    if ATTESTING_KIND not in cols.kinds or not text_nows(log):
        return
    code = cols.kinds.index(ATTESTING_KIND)
    name_code = {n: i for i, n in enumerate(table.names)}
    for pos in np.flatnonzero(cols.kind_codes == code).tolist():
        ev = log.events[pos]
        ent = name_code.get(ev.target or ev.org)
        status = ev.payload.get("status", "member")
        if ent is None or status not in table.statuses:
            continue
        actors = [name_code[a] for a in (ev.payload.get("members") or ev.actors) if a in name_code]
        d = ev.date
        day = d.upper if d.upper is not None else d.key
        rows = np.flatnonzero((table.ent == ent) & np.isin(table.actor, actors)
                              & (table.status == table.statuses.index(status))
                              & (table.start <= d.key) & (d.key < table.end))
        table.att[rows] = np.maximum(table.att[rows], day)


def _other_attestations(table: Any, cols: EventColumns, att: np.ndarray | None) -> None:
    """A body, force or organization is attested by every later event about it (a session, a contribution)."""
    if att is None or not len(table.others) or (att == OPEN_END).all():
        return
    name_code = {n: i for i, n in enumerate(cols.names)}
    targets, keys = cols.target_codes, cols.keys
    for i, fact in enumerate(table.others):
        if fact.key[0] not in ("body", "force", "org"):
            continue
        code = name_code.get(fact.key[1])
        if code is None:
            continue
        about = np.flatnonzero((targets == code) & (keys >= table.o_start[i]) & (keys < table.o_end[i]))
        if len(about):
            table.o_att[i] = max(int(table.o_att[i]), int(att[about].max()))
