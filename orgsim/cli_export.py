"""Commands of the `orgsim` CLI for exports (registered on the main group): `export` and `comembership`."""

from __future__ import annotations

import sys
from typing import Callable

import click

from orgsim.cli_group import UserError, cli, log_options
from typing import TYPE_CHECKING

from orgsim.reports.files import atomic_output

from . import progress
from .output import FORMATS, counted, emit, force_option, raw_csv_option, to_json

if TYPE_CHECKING:
    from orgsim.engine.history import History


# The exporters import networkx, pandas and the like only when they run: `orgsim --help` loads none of them.
def history_gexf(h: "History") -> str:
    """The whole history as GEXF."""
    from orgsim.reports.exports import history_gexf as run

    return run(h)


def history_json_text(h: "History") -> str:
    """The whole history as JSON."""
    from orgsim.reports.exports import history_json_text as run

    return run(h)


def state_graphml(h: "History", at: str | None) -> str:
    """The network at a date as GraphML."""
    from orgsim.reports.exports import state_graphml as run

    return run(h, at)


def state_year_csv(h: "History") -> str:
    """The state-year panel as CSV."""
    from orgsim.reports.panel import state_year_csv as run

    return run(h)


def cow_state_year_csv(h: "History") -> str:
    """The panel in the COW state-year layout."""
    from orgsim.reports.panel import cow_state_year_csv as run

    return run(h)


def timeline_json(h: "History") -> str:
    """The history for TimelineJS."""
    from orgsim.reports.timelinejs import timeline_json as run

    return run(h)

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
    """Write text to a file through the one safe output writer (whole or not at all; see reports/files.py)."""
    with atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(list(EXPORTERS)), required=True,
              help="gexf: the whole history, dynamic, for Gephi; graphml: the network at --at; json: nodes, "
                   "edges with intervals, events; csv: the state-year panel; cow-state-year: COW IGO's own state-year "
                   "layout (ccode, year, state); timelinejs: events for TimelineJS.")
# click.Path() checks nothing: write_atomically gives the one-line errors.
@click.option("-o", "--output", "output", type=click.Path(), default=None,
              help="File to write (default: standard output).")
@click.option("--at", "at", default=None, help="Date of the GraphML network (default: the last event's date).")
@force_option
@log_options
def export(history: History, fmt: str, output: str | None, at: str | None) -> None:
    """Export the history for other tools: Gephi, R, spreadsheets, TimelineJS."""
    if at is not None and fmt != "graphml":
        raise UserError("--at applies only to --format graphml (the other formats cover the whole history)")
    progress.step(f"exporting {len(history.log.events):,} events as {fmt}")
    text = EXPORTERS[fmt](history, at)
    progress.step(f"writing {output or 'standard output'}")
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomically(output, text)


@cli.command(name="comembership")
@click.option("--at", "at", required=True, help="Date: YYYY, YYYY-MM or YYYY-MM-DD (a period means its first day).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format.")
@raw_csv_option
@log_options
def comembership_command(history: History, at: str, fmt: str) -> None:
    """Pairs of states and the organizations they are members of together at a date."""
    from orgsim.reports.comembership import comembership, comembership_data, comembership_rows

    g = comembership(history, at)
    if fmt == "json":
        print(to_json(comembership_data(g)))
        return
    rows = comembership_rows(g)
    emit(rows, ["state_a", "state_b", "weight", "organizations"], fmt,
         title=f"co-membership on {g.graph['date']}: {counted(len(rows), 'pair')} of "
               f"{counted(g.number_of_nodes(), 'state')}")
