"""`orgsim append`'s event flags, and the raw event mapping they spell (validated later like any log's event)."""

from __future__ import annotations

from typing import Any, Callable

import click

from orgsim.events.errors import InputError
from orgsim.events.yamlio import load_yaml_text, strip_lines

_FLAGS = [
    click.option("--id", "id", default=None, help="Event id (lower case, digits, '.', '_', '-')."),
    click.option("--date", default=None, help="The date as in a log (1993-12-05, 1993-12, 2009~, 2000/2002)."),
    click.option("--kind", default=None, help="Event kind (see `orgsim kinds`)."),
    click.option("--org", default=None, help="Organization (default: the log's own)."),
    click.option("--actor", "actors", multiple=True, help="An actor id; repeat, or separate with commas."),
    click.option("--target", default=None, help="Target id (organization, body, force, rule, office)."),
    click.option("--payload", multiple=True, metavar="KEY=VALUE",
                 help="A payload field; VALUE is read as YAML (5000 is a number, [a, b] a list). Repeat."),
    click.option("--source", default=None, metavar="SOURCE:LINE", help="The cited source (a header key) and line."),
    click.option("--quote", default=None, help="The cited line's words, verbatim."),
    click.option("--gloss", default=None, help="Their English meaning."),
    click.option("--provenance", multiple=True, metavar="KEY=VALUE", help="Provenance of an imported event. Repeat."),
    click.option("--rationale", default=None, help="Why a scenario inserts the event."),
    click.option("--confidence", default=None, help="high, medium or low."),
    click.option("--note", default=None, help="A note (with --retract: why the event is retracted)."),
    click.option("--seq", type=int, default=None, help="Order among events of the same date."),
]


def event_flags(fn: Callable) -> Callable:
    """Add the event flags to a command."""
    for option in reversed(_FLAGS):
        fn = option(fn)
    return fn


def _pairs(values: tuple[str, ...], flag: str) -> dict[str, Any]:
    out = {}
    for v in values:
        key, sep, text = v.partition("=")
        if not sep or not key:
            raise InputError(f"{flag} {v!r}: use KEY=VALUE")
        try:
            out[key] = strip_lines(load_yaml_text(text, flag)) if text.strip() else ""
        except InputError:
            out[key] = text  # not YAML on its own (say, "a: b: c"): kept as the text it is
    return out


def raw_from_flags(flags: dict[str, Any]) -> dict[str, Any]:
    """The event mapping the flags spell, as a log would hold it."""
    raw: dict[str, Any] = {k: flags[k] for k in ("id", "date", "kind", "org", "target", "rationale",
                                                  "confidence", "note", "seq") if flags.get(k) is not None}
    actors = [a.strip() for v in flags.get("actors", ()) for a in v.split(",") if a.strip()]
    if actors:
        raw["actors"] = actors
    if flags.get("payload"):
        raw["payload"] = _pairs(flags["payload"], "--payload")
    if flags.get("provenance"):
        raw["provenance"] = _pairs(flags["provenance"], "--provenance")
    if flags.get("source") or flags.get("quote") or flags.get("gloss"):
        key, _, line = (flags.get("source") or "").rpartition(":")
        if not key or not (line.isascii() and line.isdigit()):
            raise InputError(f"--source {flags.get('source')!r}: use SOURCE:LINE (a key of the header's sources)")
        raw["sources"] = [{"source": key, "line": int(line), "quote": flags.get("quote"),
                           "gloss": flags.get("gloss")}]
    return raw
