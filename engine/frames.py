"""Pandas views: membership as a DataFrame of intervals, and the events as a table.

>>> from orgsim.engine.history import History
>>> df = membership_frame(History.load_bundled())
>>> df[(df.member == "UZB") & (df.org == "CSTO")].status.tolist()[:3]
['signatory', 'member', 'not_renewed']
"""

from __future__ import annotations

import pandas as pd

from orgsim.events.dates import ordinal_to_iso

from .history import History
from .index import OPEN_END

MEMBERSHIP_COLUMNS = ["org", "member", "status", "start", "start_text", "end", "end_text", "start_event",
                      "end_event", "source_line", "start_earliest", "start_latest", "end_earliest", "end_latest",
                      "attested_until", "precision", "modality"]


def _day(ordinal: int) -> pd.Timestamp:
    return pd.NaT if ordinal == OPEN_END or ordinal <= 0 else pd.Timestamp(ordinal_to_iso(ordinal))


def membership_frame(history: History) -> pd.DataFrame:
    """Every status interval of every actor in every organization and body: one row per interval."""
    by_id = history.log.by_id
    rows = []
    for fact, start, end, ender, b in history.index.spans("member"):
        ev = by_id.get(fact.event)
        rows.append({
            "org": fact.key[1], "member": fact.key[2], "status": fact.value,
            "start": pd.Timestamp(ordinal_to_iso(start)), "start_text": fact.since.text,
            "end": pd.NaT if end == OPEN_END else pd.Timestamp(ordinal_to_iso(end)),
            "end_text": by_id[ender].date.text if ender else None,
            "start_event": fact.event, "end_event": ender,
            "source_line": ev.source_line if ev else None,
            "start_earliest": _day(b.start_earliest), "start_latest": _day(b.start_latest),
            "end_earliest": _day(b.end_earliest), "end_latest": _day(b.end_latest),
            "attested_until": _day(b.attested), "precision": fact.since.precision,
            # An interval some reading holds on every day of is certain; one that no day holds for sure, possible.
            "modality": "certain" if b.start_latest < b.end_earliest else "possible",
        })
    df = pd.DataFrame(rows, columns=MEMBERSHIP_COLUMNS)
    return df.sort_values(["org", "member", "start"], kind="stable").reset_index(drop=True)


def events_frame(history: History, events: list | None = None) -> pd.DataFrame:
    """The events as a table: id, date (as written), first day, kind, actors, target, source line."""
    evs = history.log.events if events is None else events
    return pd.DataFrame([{
        "id": e.id, "date": e.date.text, "first_day": e.date.first.isoformat(), "precision": e.date.precision,
        "earliest": _iso_or_none(e.date.earliest), "latest": _iso_or_none(e.date.latest),
        "kind": e.kind, "org": e.org, "actors": " ".join(e.actors), "target": e.target or "",
        "source_line": e.source_line, "confidence": e.confidence,
    } for e in evs], columns=["id", "date", "first_day", "precision", "earliest", "latest", "kind", "org", "actors",
                               "target", "source_line", "confidence"])


def _iso_or_none(ordinal: int | None) -> str | None:
    """The earliest or latest day a date can mean, as ISO; None where it is open."""
    return None if ordinal is None else ordinal_to_iso(ordinal)
