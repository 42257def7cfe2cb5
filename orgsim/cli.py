"""The ``orgsim`` command line: every command reads a log (default: the bundled CSTO log).

Bad input of any kind ends with one line on stderr, ``orgsim: error: …``, and exit status 2.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from orgsim.events import bundled_log_path
from orgsim.events.canonical import log_hash
from orgsim.events.dates import ordinal_to_iso
from orgsim.events.load import load_any
from orgsim.events.parse import nfc
from orgsim.events.vocabulary import KINDS, kinds_markdown

from . import progress
from .cli_group import Interrupted, UserError, cli, format_option, log_options, os_error_text
from .output import counted, emit, force_option, say, to_json

# The engine (NumPy), pandas, networkx and matplotlib are imported by the commands that use them, so
# `orgsim --version` and `--help` start in a fraction of the time (docs/benchmarks.md, import profile).
if TYPE_CHECKING:
    from orgsim.engine.history import History


@cli.command()
@click.argument("log_file", required=False, type=click.Path(dir_okay=False))
@click.option("--log", "log_path", type=click.Path(dir_okay=False), default=None, help="Same as LOG_FILE.")
@click.option("--check-order", is_flag=True,
              help="Also replay each day's events in other orders and list the days where the order matters.")
@click.option("--sources-path", "sources_path", multiple=True, metavar="DIR",
              help="A folder to look for source files in, after the log's own folder (repeatable).")
@click.option("--no-source-check", "no_source_check", is_flag=True,
              help="Do not open the source files (when they are not at hand); the output says so.")
def validate(log_file: str | None, log_path: str | None, check_order: bool, sources_path: tuple[str, ...],
             no_source_check: bool) -> None:
    """Load a log, check every event, its citations and a strict replay; exit 2 at the first problem."""
    from orgsim.engine.history import History
    from orgsim.events.citations import check_citations, citation_summary

    progress.step(f"loading {log_file or log_path or 'the bundled log'}")
    history = History(load_any(log_file or log_path or bundled_log_path()))
    progress.step(f"replaying {len(history.log.events):,} events strictly")
    result = history.validate()
    log = history.log
    # Checked before anything is printed, so a bad citation is the only line (on stderr).
    report = None if no_source_check else check_citations(log, [os.path.expanduser(p) for p in sources_path])
    progress.done()
    say(f"ok: {log.path}: {counted(len(log.events), 'event')}, {len(result.applied)} applied, "
        f"{len(result.skipped)} set aside as alternative readings, "
        f"{counted(len(log.conflicts), 'source conflict')}")
    for s in result.skipped:
        say(f"  set aside {s.event.id} ({s.event.where}): {s.reason}")
    for f in result.findings:
        say(f"  note {f.event}: {f.message}")
    if report is None:
        say("sources: not checked (--no-source-check): quotes, lines and dates were not compared with the files")
    else:
        for line in citation_summary(report):
            say(line)
    if check_order:
        from orgsim.engine.order import order_issues

        progress.step("replaying each day's events in other orders")
        issues = order_issues(log)
        progress.done()
        say(f"order: {counted(len(issues), 'day')} on which the order of same-day events changes the result")
        for issue in issues:
            say(f"  order {issue}")


STATE_SECTIONS = {
    "members": ["id", "name", "status", "since", "answer", "event", "source_line"],
    "body_members": ["org", "id", "name", "status", "since", "answer", "event", "source_line"],
    "bodies": ["id", "name", "parent", "type", "since", "answer", "event", "source_line"],
    "forces": ["id", "name", "parent", "since", "answer", "contributors", "strength", "strength_since", "event"],
    "rules": ["id", "title", "standing", "since", "answer", "event", "source_line"],
    "offices": ["id", "title", "holder", "term", "since", "answer", "event"],
    "protocols": ["id", "title", "status", "since", "answer", "event"],
    "other_memberships": ["org", "id", "status", "since", "answer", "event"],
}
STATE_CSV = ["section", "id", "name", "status", "since", "modality", "start_earliest", "start_latest",
             "end_earliest", "end_latest", "event", "source_line"]


def warn_coverage(history: History, day: int) -> None:
    """One line on stderr when a date lies outside what the log covers (the answer there is unknown)."""
    cov = history.coverage
    if not cov.inside(day):
        print(f"orgsim: warning: {ordinal_to_iso(day)} is outside the log's coverage ({cov.text}): "
              f"what it does not record there is unknown, and what it records is only presumed", file=sys.stderr)


@cli.command()
@click.option("--at", "at", required=True, help="Date: YYYY, YYYY-MM or YYYY-MM-DD (a period means its first day).")
@click.option("--certain-only", is_flag=True, help="Only what holds under every reading of the log's dates.")
@format_option
@log_options
def state(history: History, at: str, fmt: str, certain_only: bool) -> None:
    """Members and their status, bodies, forces, rules and office holders at a date, each with its answer."""
    s = history.at(at, certain_only=certain_only)
    warn_coverage(history, s.at.key)
    data = s.to_dict()
    if fmt == "json":
        print(to_json({**data, "log_hash": log_hash(history.log)}))
        return
    if fmt == "csv":
        rows = []
        for section, cols in STATE_SECTIONS.items():
            for r in data[section]:
                rows.append({"section": section, "id": r["id"], "name": r.get("name") or r.get("title"),
                             "status": r.get("status") or r.get("holder"), "since": r["since"],
                             **{k: r.get(k) for k in STATE_CSV[5:10]},
                             "event": r["event"], "source_line": r.get("source_line")})
        emit(rows, STATE_CSV, "csv")
        return
    org = data["organization"]
    if org is None:
        say(f"{history.org} does not exist on {s.at}.")
        return
    counts: dict[str, int] = {}
    for m in data["members"]:
        if m.get("modality") != "possible":
            counts[m["status"]] = counts.get(m["status"], 0) + 1
    summary = ", ".join(f"{n} {st}" for st, n in counts.items()) or "no members"
    maybe = sorted({f"{m['id']} {m['status']}" for m in data["members"] if m.get("modality") == "possible"})
    if maybe:
        summary += "; possibly " + ", ".join(maybe)
    say(f"{org['name']} ({org['short']}) on {s.at}: treaty {org['status'].replace('_', ' ')}; {summary}")
    for section, cols in STATE_SECTIONS.items():
        rows = data[section]
        if section == "forces":
            rows = [{**r, "contributors": _contributors(r)} for r in rows]
        if rows:
            emit(rows, cols, "table", title=section.replace("_", " "))


def _contributors(force: dict) -> str:
    """A force's contributors in words, saying when the sources leave the others unknown."""
    named = [c["id"] + ("" if c.get("modality") in (None, "certain") else f" ({c['modality']})")
             for c in force["contributors"]]
    if force.get("contributors_complete"):
        return ", ".join(named) or "none"
    return (", ".join(named) + "; others not stated") if named else "not stated"


BOUND_COLUMNS = ("start_earliest", "start_latest", "end_earliest", "end_latest")


def _iso_day(value: Any) -> str | None:
    """A frame's date cell as ISO text (None for NaT)."""
    return None if value is None or value != value else value.date().isoformat()


EVENT_COLUMNS = ["id", "date", "kind", "actors", "target", "source_line", "org", "precision", "earliest", "latest",
                 "confidence"]


@cli.command()
@click.option("--from", "start", default=None, help="First date (inclusive).")
@click.option("--to", "end", default=None, help="Last date (inclusive: 2009 means through 2009-12-31).")
@click.option("--kind", default=None, help="Only this kind (see `orgsim kinds`).")
@click.option("--actor", default=None, help="Only events naming this actor or target.")
@format_option
@log_options
def events(history: History, start: str | None, end: str | None, kind: str | None, actor: str | None,
           fmt: str) -> None:
    """The log's events in replay order, with their dates as written and their source lines."""
    if kind and kind not in KINDS:
        raise UserError(f"--kind {kind!r} is not a kind (see `orgsim kinds`)")
    from orgsim.engine.frames import events_frame

    df = events_frame(history, history.events(start, end, kind, actor))
    emit(df.to_dict("records"), EVENT_COLUMNS, fmt, title=counted(len(df), "event"))


@cli.command()
@click.option("-o", "--output", default=None, help="Draw the timeline (Gantt chart) to a .png, .svg or .pdf.")
@force_option
@click.option("--size", type=click.Choice(["column", "page", "slide"]), default="page", show_default=True,
              help="With -o: figure preset, column (85 mm), page (175 mm) or slide (16:9).")
@format_option
@log_options
def timeline(history: History, fmt: str, output: str | None, size: str) -> None:
    """Each actor's statuses through time, with dates at their stated precision (or drawn, with -o)."""
    if output:
        _draw_timeline(history, output, size)
        return
    from orgsim.engine.frames import membership_frame

    df = membership_frame(history)
    df = df[df.org == history.org]
    rows = []
    for member, g in df.groupby("member", sort=True):
        steps = [f"{r.status} {r.start_text}" for r in g.itertuples()]
        rows.append({"id": member, "statuses": " → ".join(steps), "intervals": len(g)})
    if fmt == "json":
        print(to_json([{"id": m, "intervals": [{"status": r.status, "from": r.start_text,
                                                 "to": r.end_text if isinstance(r.end_text, str) else None,
                                                 "event": r.start_event, "modality": r.modality,
                                                 **{c: _iso_day(getattr(r, c)) for c in BOUND_COLUMNS}}
                                                for r in g.itertuples()]}
                       for m, g in df.groupby("member", sort=True)]))
        return
    emit(rows, ["id", "statuses"], fmt, title=f"{history.org}: statuses through time")


def _draw_timeline(history: History, output: str, size: str = "page") -> None:
    import os

    from orgsim.cli_figures import check_figure_path, write_figure
    from orgsim.reports.timeline import KEY_IN_FIGURE_UP_TO, key_event_groups, timeline_figure, timeline_key_figure

    check_figure_path(output)
    write_figure(timeline_figure(history, size=size), output, size)
    if len(key_event_groups(history)) > KEY_IN_FIGURE_UP_TO:  # a long key is a figure of its own
        stem, ext = os.path.splitext(output)
        write_figure(timeline_key_figure(history, size=size), f"{stem}-key{ext}", size)


@cli.command()
@click.argument("date1")
@click.argument("date2")
@format_option
@log_options
def diff(history: History, date1: str, date2: str, fmt: str) -> None:
    """What changed between two dates, and the events in between."""
    from orgsim.engine.diff import diff as diff_states

    d = diff_states(history, date1, date2)
    rows = [{"change": c["change"], "category": c["category"], "key": " ".join(c["key"][1:]),
             "before": _short(c["before"]), "after": _short(c["after"]), "since": c["after_since"] or "",
             "event": c["event"]} for c in d["changes"]]
    if fmt == "json":
        print(to_json(d))
        return
    emit(rows, ["change", "category", "key", "before", "after", "since", "event"], fmt,
         title=f"{d['from']} → {d['to']}: {counted(len(rows), 'change')}, {counted(len(d['events']), 'event')}")


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return value.get("name") or value.get("holder") or value.get("title") or value.get("status") or ""
    return "" if value is None else str(value)


@cli.command()
@click.argument("event_id")
@format_option
@log_options
def sources(history: History, event_id: str, fmt: str) -> None:
    """An event's sources: file, line, original-language quote and English gloss."""
    ev = history.log.by_id.get(nfc(event_id))
    if ev is None:
        raise UserError(f"no event {event_id!r} in {history.log.path}")
    rows = [{"file": s.file, "line": s.line, "quote": s.quote, "gloss": s.gloss} for s in ev.sources]
    if ev.provenance:
        rows.append({"file": ev.provenance.get("file"), "line": ev.provenance.get("row"),
                     "quote": "", "gloss": f"{ev.provenance.get('dataset')} {ev.provenance.get('version', '')}"})
    if ev.rationale:
        rows.append({"file": "(scenario)", "line": "", "quote": "", "gloss": ev.rationale})
    if fmt == "json":
        print(to_json({"id": ev.id, "date": ev.date.text, "kind": ev.kind, "confidence": ev.confidence,
                       "note": ev.note, "sources": rows}))
        return
    if fmt == "table":
        say(f"{ev.id}: {ev.kind} {ev.date.text} ({ev.where}), confidence {ev.confidence}")
        if ev.note:
            say(f"note: {ev.note}")
    emit(rows, ["file", "line", "quote", "gloss"], fmt)


@cli.command()
@format_option
@log_options
def conflicts(history: History, fmt: str) -> None:
    """Where the sources contradict each other: each reading, its lines, the default and why."""
    out = []
    for c in history.log.conflicts:
        readings = []
        for r in c.readings:
            quotes = [{"line": s.line, "quote": s.quote, "gloss": s.gloss}
                      for eid in r.events for s in history.log.by_id[eid].sources if s.line in r.lines]
            readings.append({"id": r.id, "summary": r.summary, "lines": list(r.lines), "events": list(r.events),
                             "default": r.id == c.default, "quotes": quotes})
        out.append({"id": c.id, "question": c.question, "default": c.default, "reason": c.reason,
                    "readings": readings})
    if fmt == "json":
        print(to_json(out))
        return
    rows = [{"conflict": c["id"], "reading": ("* " if r["default"] else "  ") + r["id"], "summary": r["summary"],
             "lines": r["lines"], "events": r["events"]} for c in out for r in c["readings"]]
    if fmt == "csv":
        emit(rows, ["conflict", "reading", "summary", "lines", "events"], "csv")
        return
    for c in out:
        say()
        say(f"{c['id']}: {c['question']}")
        for r in c["readings"]:
            mark = "default" if r["default"] else "alternative"
            say(f"  [{mark}] {r['id']}: {r['summary']} (lines {', '.join(map(str, r['lines']))})")
        say(f"  why the default: {c['reason']}")


@cli.command()
def kinds() -> None:
    """The closed vocabulary of event kinds."""
    print(kinds_markdown())


# Command modules register themselves on `cli` (one module per area, so they stay small).
from orgsim import (cli_backtest, cli_export, cli_figures, cli_import, cli_new, cli_report, cli_scenario,  # noqa: E402,F401
                    cli_simulate, cli_store, cli_synth)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``orgsim`` console script."""
    try:
        cli.main(args=argv, prog_name="orgsim")
        status: Any = 0
    except SystemExit as exc:
        status = exc.code
    # Output still buffered is written here, not at interpreter exit, so a full disk is one line, not a traceback.
    try:
        sys.stdout.flush()
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            say(f"orgsim: error: {os_error_text(exc)}", err=True)
            status = status or 2
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to fail at exit
    if status == Interrupted.exit_code:
        # Interrupted: workers are gone and nothing was written, so skip the slow tear-down of pandas and
        # matplotlib (seconds on a busy machine); Ctrl-C should end the command at once.
        _quick_exit(status)
    sys.exit(status)


def _quick_exit(status: int) -> None:
    """Exit at once, after releasing what worker processes left (so the resource tracker has nothing to report)."""
    mp_util = sys.modules.get("multiprocessing.util")
    if mp_util is not None:
        mp_util._exit_function()  # multiprocessing's own at-exit step: finalizers run, semaphores are released
        tracker = getattr(sys.modules.get("multiprocessing.resource_tracker"), "_resource_tracker", None)
        stop = getattr(tracker, "_stop", None)
        if stop is not None:
            stop()  # the tracker process ends and is reaped, not left as a zombie
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
