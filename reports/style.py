"""One visual language for every figure (PNG, SVG, PDF, GIF and the HTML report).

Colours are the Okabe–Ito palette, which stays distinct under the common forms
of colour blindness; every status has its own colour (the statuses after leaving
too), and the same colour is used in every figure, every frame of an animation
and the report's page. Answers of the record are drawn the same way everywhere:
certain solid, possible dashed (hatched for areas), presumed faded, unknown grey.

>>> len(set(ALL_STATUS_COLORS.values())) == len(ALL_STATUS_COLORS)
True
"""

from __future__ import annotations

from orgsim.engine.history import History
from orgsim.engine.state import State
from orgsim.events.dates import HistDate

from .words import event_title, plain_date

#: The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design").
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7"}
GREY, LIGHT_GREY, DARK_GREY = "#999999", "#DDDDDD", "#555555"

#: Colour of each membership status (strongest first: a node takes its strongest).
STATUS_COLORS = {
    "member": OKABE_ITO["bluish_green"], "signatory": OKABE_ITO["yellow"], "suspended": OKABE_ITO["vermillion"],
    "associate": OKABE_ITO["blue"], "observer": OKABE_ITO["sky_blue"], "partner": OKABE_ITO["reddish_purple"],
    "unknown": GREY,
}
#: Colour of statuses after leaving (the timeline, the counts and the report).
FORMER_COLORS = {"withdrawn": OKABE_ITO["orange"], "not_renewed": DARK_GREY, "not_in_system": LIGHT_GREY}
#: A status in words where its id would puzzle a reader (a COW import's state that ceased to exist).
STATUS_WORDS = {"not_in_system": "no longer a state", "not_renewed": "not renewed"}
ALL_STATUS_COLORS = {**STATUS_COLORS, **FORMER_COLORS}
#: Marker, size (points²) and colour of each node type; shape, not colour, tells a body from a state.
NODE_STYLE = {
    "organization": ("H", 160, OKABE_ITO["black"]), "state": ("o", 36, OKABE_ITO["bluish_green"]),
    "body": ("s", 24, "#FFFFFF"), "force": ("^", 30, DARK_GREY), "other": ("D", 24, GREY),
}
#: Colour, curvature and line style of each edge type (membership edges take their status's colour).
EDGE_STYLE = {
    "member_of": (STATUS_COLORS["member"], 0.0, "-"), "observer_of": (STATUS_COLORS["observer"], 0.12, "-"),
    "partner_of": (STATUS_COLORS["partner"], 0.12, "-"), "part_of": (GREY, 0.0, "-"),
    "contributes_to": (DARK_GREY, 0.18, ":"), "status_unknown": (GREY, 0.0, ":"),
}
#: How each answer is drawn, the same in every figure: (line style, edge alpha, fill alpha, hatch).
ANSWER_STYLE = {"certain": ("-", 0.8, 1.0, None), "possible": ((0, (3, 2)), 0.8, 1.0, "////"),
                "presumed": ("-", 0.35, 0.4, None), "unknown": (":", 0.8, 1.0, None)}
ANSWER_WORDS = {"certain": "certain", "possible": "possible (dashed, hatched)", "presumed": "presumed (faded)",
                "unknown": "unknown (grey)"}
#: The smallest text anywhere, in points at the figure's printed size.
MIN_FONT = 7.0
FONT = {"label": 7.0, "caption": 7.0, "legend": 7.0, "title": 8.5, "tick": 7.0}
#: Figure presets: width in inches (85 mm, 175 mm, a 16:9 slide) and resolution.
SIZES = {"column": (85 / 25.4, 300), "page": (175 / 25.4, 200), "slide": (13.333, 150)}
SLIDE_HEIGHT = 7.5
DEFAULT_SIZE = "page"


def status_words(status: str) -> str:
    """A status as a legend says it."""
    return STATUS_WORDS.get(status, status.replace("_", " "))


def status_color(status: str | None, default: str = GREY) -> str:
    """The colour of a status, current or former."""
    return ALL_STATUS_COLORS.get(status or "", default)


def short_label(state: State, node: str, compact: bool = False) -> str:
    """The id without its organization prefix, and the name (the id alone if compact); whole: the figure wraps it."""
    info = state.organization(node) if node == state.org else None
    name = info["name"] if info else state.name_of(node)
    if info:
        node = info["short"] or node  # the lineage's name at this date (CST before the CSTO)
    ident = node.split(".", 1)[1] if node.startswith(f"{state.org}.") else node
    if compact:
        return ident
    return ident if name in (node, ident) else f"{ident} {name}"


def previous_key_date(history: History, date: HistDate) -> HistDate | None:
    """The last key date strictly before this date."""
    earlier = [d for d in history.key_dates() if d.key < date.key]
    return earlier[-1] if earlier else None


def caption_events(history: History, date: HistDate, since: HistDate | None = None, limit: int = 4,
                   first: bool = False, most_chars: int | None = 70) -> str:
    """What happened since the previous panel (``since``; the previous key date if not given), in plain words.

    Events are named by what happened and to whom, with dates as a reader says them: never ids or EDTF.
    """
    prev = since if since is not None or first else previous_key_date(history, date)
    lo = prev.key if prev else None
    skipped = {s.event.id for s in history.skipped}
    events = [e for e in history.log.events if (lo is None or e.date.key > lo) and e.date.key <= date.key
              and e.id not in skipped]
    when = f"since {plain_date(prev).removeprefix('by ')}" if prev else "up to this date"
    if not events:
        return f"No events {when}."
    state = history.at(date)
    shown = [f"{plain_date(e.date)}: {event_title(state, e, most_chars)}" for e in events[-limit:]]
    more = f" ({len(events) - limit} earlier not listed)" if len(events) > limit else ""
    shown[0] = shown[0][0].upper() + shown[0][1:]  # it opens a sentence: "By December 2016: ..."
    head = f"{len(events)} event{'s' if len(events) != 1 else ''} {when}{more}"
    return f"{head}. " + "; ".join(shown) + "."
