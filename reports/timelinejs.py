"""The log's events as TimelineJS3 JSON, each dated no more precisely than its source.

A slide's ``start_date`` (and ``end_date`` for a range) carries only the parts the
EDTF date states: "1993-12" gives a year and a month, never a day. ``display_date``
shows the date as written. TimelineJS3 shows a ``credit`` only under a slide's
media, so the source's quote is the media (a blockquote) and the file, line and
gloss are its credit.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from orgsim.engine.history import History
from orgsim.events.canonical import log_hash
from orgsim.events.dates import HistDate, parse_date
from orgsim.events.model import Event
from orgsim.events.text import json_safe
from orgsim.events.vocabulary import KINDS

#: The parts of a date TimelineJS may show, by precision.
PARTS = {"day": ("year", "month", "day"), "month": ("year", "month")}


def date_object(date: HistDate) -> dict[str, int]:
    """A TimelineJS date with only the parts this (single, not range) date states."""
    first = date.first
    # Seasons, decades and approximate years give the year only: TimelineJS has no way to say more.
    return {part: getattr(first, part) for part in PARTS.get(date.precision, ("year",))}


def date_span(date: HistDate) -> tuple[dict[str, int], dict[str, int] | None]:
    """Start and end dates of an event: a range "A/B" gives both sides, each at its own precision."""
    if date.precision != "range":
        return date_object(date), None
    start, _, end = date.text.partition("/")
    if start in ("", ".."):  # "../2016-11": attested by then, start unknown: shown at the attesting date
        return date_object(parse_date(end)), None
    return date_object(parse_date(start)), (None if end in ("", "..") else date_object(parse_date(end)))


def credit(event: Event) -> str:
    """Where the event comes from: file, line and English gloss of each source (or provenance, rationale)."""
    parts = [f"{s.file}, line {s.line}: {s.gloss}" for s in event.sources]
    if event.provenance:
        p = event.provenance
        parts.append(f"{p.get('dataset', '')} {p.get('version', '')}, {p.get('file', '')}, row {p.get('row', '')}")
    if event.rationale:
        parts.append(f"scenario: {event.rationale}")
    return "; ".join(parts)


def headline(event: Event) -> str:
    """A short title: the kind, who acted, and on what."""
    what = event.kind.replace("_", " ").capitalize()
    who = ", ".join(event.actors)
    on = f" → {event.target}" if event.target else ""
    return f"{what}: {who}{on}" if who else f"{what}{on}"


def body_text(event: Event) -> str:
    """The slide's text (HTML): the glosses, the note, the confidence and the event id."""
    out = [f"<p>{escape(s.gloss)}</p>" for s in event.sources]
    if event.note:
        out.append(f"<p><i>Note:</i> {escape(event.note)}</p>")
    out.append(f"<p>Confidence: {escape(event.confidence)}. Event <code>{escape(event.id)}</code>.</p>")
    return "".join(out)


def slide(event: Event) -> dict[str, Any]:
    """One TimelineJS slide for one event."""
    start, end = date_span(event.date)
    quotes = "".join(f"<p>{escape(s.quote)}</p>" for s in event.sources) or escape(credit(event))
    out: dict[str, Any] = {"unique_id": event.id, "start_date": start, "display_date": event.date.text,
                           "text": {"headline": escape(headline(event)), "text": body_text(event)},
                           "media": {"url": f"<blockquote>{quotes}</blockquote>", "credit": escape(credit(event))},
                           "group": KINDS[event.kind].group if event.kind in KINDS else event.kind}
    if end is not None:
        out["end_date"] = end
    return out


def timeline(history: History) -> dict[str, Any]:
    """The applied events of the log as a TimelineJS3 timeline (events set aside by a reading are left out)."""
    set_aside = {s.event.id for s in history.skipped}
    log = history.log
    return {"title": {"text": {"headline": escape(log.title),
                               "text": f"<p>{len(log.events) - len(set_aside)} events from <code>"
                                       f"{escape(log.id)}</code>; dates as precise as the sources. "
                                       f"Log hash <code>{log_hash(log)}</code>.</p>"}},
            "events": [slide(e) for e in log.events if e.id not in set_aside]}


def timeline_json(history: History) -> str:
    """``timeline`` as JSON text."""
    return json_safe(json.dumps(timeline(history), ensure_ascii=False, indent=2)) + "\n"
