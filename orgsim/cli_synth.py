"""Commands of the `orgsim` CLI for this area (registered on the main group): ``orgsim synth``."""

from __future__ import annotations

import os
import time

import click

from orgsim import progress
from orgsim.cli_group import UserError, cli
from orgsim.output import counted, force_option, say
from orgsim.reports.files import atomic_output, check_output_path


@cli.command()
@click.option("--orgs", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="Organizations to found over the span.")
@click.option("--states", type=click.IntRange(2, 249), default=60, show_default=True,
              help="States taking part (ISO 3166-1 alpha-3 codes, drawn by the seed).")
@click.option("--years", type=click.IntRange(1, 1200), default=100, show_default=True, help="Length of the span.")
@click.option("--events", type=click.IntRange(1, 50_000_000), default=10_000, show_default=True,
              help="Events in the log, exactly.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same log.")
@click.option("--start-year", type=int, default=1816, show_default=True, help="First year of the span.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="File to write: .parquet (columnar, for large logs) or .yaml.")
@force_option
def synth(orgs: int, states: int, years: int, events: int, seed: int, start_year: int, output: str) -> None:
    """Write a synthetic history that replays strictly: organizations founded over time, states joining,
    leaving, suspended, readmitted and observing, with dates to the day, month or year."""
    from orgsim.events.synth.events import synth_columns
    from orgsim.events.synth.plan import SynthSpec
    from orgsim.events.synth.write import TooLarge, write_log

    ext = os.path.splitext(output)[1].lower()
    if ext not in (".parquet", ".yaml", ".yml"):
        raise UserError(f"-o {output}: the file must end in .parquet, .yaml or .yml")
    check_output_path(output)  # a FIFO or a missing folder is refused before the work, not after
    t0 = time.perf_counter()
    try:
        progress.step(f"drawing {events:,} events")
        header, cols = synth_columns(SynthSpec(orgs, states, years, events, seed, start_year))
        progress.step(f"writing {output}")
        with atomic_output(output) as tmp:
            write_log(tmp, header, cols)
        progress.done()
    except TooLarge as exc:
        raise UserError(f"-o {output}: {exc}; nothing was written") from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"-o {output}: {exc.strerror}") from None
    say(f"wrote {output}: {counted(len(cols), 'event', grouped=True)}, {orgs} organizations, {states} states, "
        f"{start_year}-{start_year + years - 1} (seed {seed}) in {time.perf_counter() - t0:.1f} s")
