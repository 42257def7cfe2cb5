"""What the figures share: colours by status, shapes by node type, short labels and captions."""

from __future__ import annotations

from orgsim.engine.history import History
from orgsim.engine.state import State
from orgsim.events.dates import HistDate

#: Colour of each membership status (strongest first: a node takes its strongest).
STATUS_COLORS = {
    "member": "#2f9e44", "signatory": "#a9e34b", "suspended": "#f08c00", "associate": "#1098ad",
    "observer": "#339af0", "partner": "#845ef7", "unknown": "#adb5bd",
}
#: Colour of statuses after leaving (drawn in the timeline only).
FORMER_COLORS = {"not_renewed": "#dee2e6", "withdrawn": "#ced4da"}
#: Marker, size and colour of each node type.
NODE_STYLE = {
    "organization": ("H", 420, "#ffd43b"), "state": ("o", 70, "#2f9e44"), "body": ("s", 45, "#748ffc"),
    "force": ("^", 60, "#e03131"), "other": ("D", 45, "#adb5bd"),
}
#: Colour, curvature and line style of each edge type.
EDGE_STYLE = {
    "member_of": ("#2f9e44", 0.0, "-"), "observer_of": ("#339af0", 0.12, "--"),
    "partner_of": ("#845ef7", 0.12, "--"), "part_of": ("#748ffc", 0.0, "-"),
    "contributes_to": ("#e03131", 0.18, ":"), "status_unknown": ("#adb5bd", 0.0, ":"),
}
MAX_LABEL = 46


def short_label(state: State, node: str) -> str:
    """A label that fits one row: the id without its organization prefix, and the name."""
    info = state.organization(node) if node == state.org else None
    name = info["name"] if info else state.name_of(node)
    if info:
        node = info["short"] or node  # the lineage's name at this date (CST before the CSTO)
    ident = node.split(".", 1)[1] if node.startswith(f"{state.org}.") else node
    text = ident if name in (node, ident) else f"{ident} {name}"
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def previous_key_date(history: History, date: HistDate) -> HistDate | None:
    """The last key date strictly before this date."""
    earlier = [d for d in history.key_dates() if d.key < date.key]
    return earlier[-1] if earlier else None


def caption_events(history: History, date: HistDate, limit: int = 6) -> str:
    """'Since <previous key date>: …' listing the events between it and this date."""
    prev = previous_key_date(history, date)
    lo = prev.key if prev else None
    events = [e for e in history.log.events if (lo is None or e.date.key > lo) and e.date.key <= date.key
              and e.id not in {s.event.id for s in history.skipped}]
    if not events:
        return f"No events since {prev.text}." if prev else "No events yet."
    shown = [f"{e.date.text} {e.id}" for e in events[-limit:]]
    more = f" (+{len(events) - limit} earlier)" if len(events) > limit else ""
    head = f"Since {prev.text}" if prev else "Events"
    return f"{head}{more}: " + "; ".join(shown)
