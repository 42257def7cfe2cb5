"""Commands of the `orgsim` CLI for exports (registered on the main group): `export` and `comembership`."""

from __future__ import annotations

import os
import secrets
import sys
from typing import Callable

import click

from orgsim.cli import UserError, cli, log_options
from orgsim.engine.history import History
from orgsim.reports.comembership import comembership, comembership_data, comembership_rows
from orgsim.reports.exports import history_gexf, history_json_text, state_graphml
from orgsim.reports.panel import cow_state_year_csv, state_year_csv
from orgsim.reports.timelinejs import timeline_json

from .output import FORMATS, counted, emit, to_json

#: Export formats: each turns a history (and, for GraphML, a date) into text.
EXPORTERS: dict[str, Callable[[History, str | None], str]] = {
    "gexf": lambda h, _at: history_gexf(h),
    "graphml": state_graphml,
    "json": lambda h, _at: history_json_text(h),
    "csv": lambda h, _at: state_year_csv(h),
    "cow-state-year": lambda h, _at: cow_state_year_csv(h),
    "timelinejs": lambda h, _at: timeline_json(h),
}


def write_atomically(path: str, text: str) -> None:
    """Write text to a file through a temporary file in the same folder, so no reader sees half a file."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UserError(f"cannot write {path}: no folder {folder}")
    if os.path.isdir(path):
        raise UserError(f"cannot write {path}: it is a folder")
    # Opened with "x" (not mkstemp) so the file gets the user's usual permissions, not 0600.
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)  # atomic on one filesystem: the old file or the new, never a mix
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None


@cli.command()
@click.option("--format", "fmt", type=click.Choice(list(EXPORTERS)), required=True,
              help="gexf: the whole history, dynamic, for Gephi; graphml: the network at --at; json: nodes, "
                   "edges with intervals, events; csv: the state-year panel; cow-state-year: COW IGO's own state-year "
                   "layout (ccode, year, state); timelinejs: events for TimelineJS.")
# click.Path() checks nothing: write_atomically gives the one-line errors.
@click.option("-o", "--output", "output", type=click.Path(), default=None,
              help="File to write (default: standard output).")
@click.option("--at", "at", default=None, help="Date of the GraphML network (default: the last event's date).")
@log_options
def export(history: History, fmt: str, output: str | None, at: str | None) -> None:
    """Export the history for other tools: Gephi, R, spreadsheets, TimelineJS."""
    if at is not None and fmt != "graphml":
        raise UserError("--at applies only to --format graphml (the other formats cover the whole history)")
    text = EXPORTERS[fmt](history, at)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomically(output, text)


@cli.command(name="comembership")
@click.option("--at", "at", required=True, help="Date: YYYY, YYYY-MM or YYYY-MM-DD (a period means its first day).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format.")
@log_options
def comembership_command(history: History, at: str, fmt: str) -> None:
    """Pairs of states and the organizations they are members of together at a date."""
    g = comembership(history, at)
    if fmt == "json":
        print(to_json(comembership_data(g)))
        return
    rows = comembership_rows(g)
    emit(rows, ["state_a", "state_b", "weight", "organizations"], fmt,
         title=f"co-membership on {g.graph['date']}: {counted(len(rows), 'pair')} of "
               f"{counted(g.number_of_nodes(), 'state')}")
