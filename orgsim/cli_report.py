"""Commands of the `orgsim` CLI for this area (registered on the main group)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from orgsim import progress
from orgsim.output import force_option, say
from orgsim.cli_group import UserError, cli, log_options

if TYPE_CHECKING:
    from orgsim.engine.history import History


@cli.command()
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory to write index.html into (created if missing).")
@force_option
@log_options
def report(history: History, out_dir: str) -> None:
    """Write one self-contained HTML page: figures, a time slider, the conflicts and every event."""
    from orgsim.reports.html import write_report  # lazily: matplotlib is slow to import

    progress.step(f"drawing the report of {len(history.log.events):,} events")
    try:
        path = write_report(history, out_dir)
    except OSError as exc:
        raise UserError(f"cannot write the report to {out_dir}: {exc.strerror or exc}") from None
    progress.done()
    say(f"report written to {path}")
