"""HTML fragments of the report, rendered on the server side: the head, the events table and the conflicts.

They are plain HTML, so the page reads (and every event id is in it) even where
scripts are off; the page's script only adds search, sorting and the slider.
"""

from __future__ import annotations

from html import escape
from typing import Any


def _e(value: Any) -> str:
    return "" if value is None else escape(str(value), quote=True)


def _ev(event_id: str) -> str:
    return f'<a class="id" href="#ev-{_e(event_id)}">{_e(event_id)}</a>'


def head_html(head: dict[str, Any]) -> str:
    """The log's head facts as a definition list."""
    readings = ", ".join(f"{k}={v}" for k, v in head["readings"].items()) or "the default of every conflict"
    items = [
        ("Organization", f"{_e(head['organization_name'])} (<code>{_e(head['organization'])}</code>)"),
        ("Log", f"<code>{_e(head['log_id'])}</code>, file <code>{_e(head['file'])}</code>, schema {_e(head['schema'])}"),
        ("Events", f"{_e(head['events'])} ({_e(head['set_aside'])} set aside as alternative readings)"),
        ("Source conflicts", _e(head["conflicts"])),
        ("Readings replayed", _e(readings)),
        ("Log hash", f'<code class="log-hash">{_e(head["log_hash"])}</code>'),
        ("Generated", f"{_e(head['generated_at'])} by {_e(head['generator'])} (Python {_e(head['python'])})"),
    ]
    return '<dl class="head">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def foot_html(head: dict[str, Any]) -> str:
    """The footer: where the page came from."""
    return (f"Generated {_e(head['generated_at'])} by {_e(head['generator'])} from <code>{_e(head['path'])}</code> "
            f"(log hash <code>{_e(head['log_hash'])}</code>). "
            "This page is self-contained: it loads nothing from any network.")


def _sources_cell(sources: list[dict[str, Any]]) -> str:
    parts = []
    for s in sources:
        line = f'<span class="ln">l.{_e(s["line"])}</span>' if s["line"] is not None else ""
        quote = f'<span class="quote" lang="th">{_e(s["quote"])}</span>' if s["quote"] else ""
        parts.append(f'<div class="src">{line}{quote}<span class="gloss" lang="en">{_e(s["gloss"])}</span></div>')
    return "".join(parts)


EVENT_HEADERS = [("Id", "text"), ("Date", "num"), ("Kind", "text"), ("Actors", "text"), ("Target", "text"),
                 ("Line", "num"), ("Sources: Thai quote and English gloss", None)]


def events_html(events: list[dict[str, Any]]) -> str:
    """Every event as a table row: id, date as written with its precision, kind, actors, target, line, sources."""
    heads = "".join(f'<th scope="col" data-type="{t}"><button type="button">{_e(h)}</button></th>' if t
                    else f'<th scope="col">{_e(h)}</th>' for h, t in EVENT_HEADERS)
    rows = []
    for i, ev in enumerate(events):
        aside = (f' <span class="tag" title="{_e(ev["set_aside"])}">set aside</span>' if ev["set_aside"] else "")
        note = f'<span class="note">{_e(ev["note"])}</span>' if ev["note"] else ""
        rows.append(
            f'<tr id="ev-{_e(ev["id"])}" data-order="{i}" data-event="{_e(ev["id"])}">'
            f'<td><span class="id">{_e(ev["id"])}</span>{aside}</td>'
            # The date sorts by the day it applies on (then file order), but shows as written.
            f'<td data-sort="{ev["day"]}"><span title="applies from {_e(ev["first_day"])}">{_e(ev["date"])}</span>'
            f'<span class="prec">{_e(ev["precision"])}</span></td>'
            f'<td>{_e(ev["kind"].replace("_", " "))}</td>'
            f'<td>{_e(" ".join(ev["actors"]))}</td><td>{_e(ev["target"])}</td>'
            f'<td data-sort="{_e(ev["source_line"])}">{_e(ev["source_line"])}</td>'
            f'<td>{_sources_cell(ev["sources"])}{note}</td></tr>')
    cols = "".join(f'<col class="c-{c}">' for c in ("id", "date", "kind", "actors", "target", "line", "sources"))
    return (f'<table id="event-table" class="data"><colgroup>{cols}</colgroup><thead><tr>{heads}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def conflicts_html(conflicts: list[dict[str, Any]]) -> str:
    """Each source conflict: the question, every reading with its lines and events, the default and why."""
    if not conflicts:
        return '<p class="muted">The log records no contradictions between its sources.</p>'
    out = []
    for c in conflicts:
        items = []
        for r in c["readings"]:
            badge = ('<span class="badge">default</span>' if r["default"]
                     else '<span class="badge alt">alternative</span>')
            chosen = " (replayed in this report)" if r["id"] == c["replayed"] else ""
            lines = ", ".join(str(n) for n in r["lines"]) or "none"
            events = ", ".join(_ev(e) for e in r["events"]) or "none"
            items.append(f'<li><code>{_e(r["id"])}</code>{badge}{_e(chosen)}: {_e(r["summary"])}'
                         f'<br><span class="muted">lines {_e(lines)}; events</span> {events}</li>')
        out.append(f'<article class="conflict" id="conflict-{_e(c["id"])}"><h3>{_e(c["question"])}</h3>'
                   f'<p class="muted">Conflict <code>{_e(c["id"])}</code>; default reading '
                   f'<code>{_e(c["default"])}</code></p><ul>{"".join(items)}</ul>'
                   f'<p><b>Why the default:</b> {_e(c["reason"])}</p></article>')
    return "".join(out)
