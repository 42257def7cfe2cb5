"""Figure commands: `orgsim graph`, `orgsim map` (one date or small multiples), `orgsim counts`, `orgsim animate`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import os

import click

from orgsim.output import force_option, say
from orgsim.cli_group import UserError, cli, log_options
from orgsim.output import counted

from orgsim.reports.files import atomic_output, check_output_path

if TYPE_CHECKING:
    from orgsim.engine.history import History

FIGURE_FORMATS = (".png", ".svg", ".pdf")
SIZES = ("column", "page", "slide")

#: ``--size``: a journal column (85 mm), a full page width (175 mm) or a 16:9 slide; text stays >= 7 pt.
size_option = click.option("--size", type=click.Choice(SIZES), default="page", show_default=True,
                           help="Figure preset: column (85 mm wide), page (175 mm) or slide (16:9).")


def write_figure(fig, output: str, size: str) -> None:
    """Save at the preset's resolution, through a temporary file."""
    from orgsim.reports.style import SIZES as PRESETS

    with atomic_output(output) as tmp:
        fig.savefig(tmp, dpi=PRESETS[size][1], format=os.path.splitext(output)[1][1:])
    say(f"wrote {output}")


def dates_of(at: str) -> list[str]:
    """The dates of a comma-separated --at (small multiples), refusing one that names none."""
    dates = [d.strip() for d in at.split(",") if d.strip()]
    if not dates:
        raise UserError(f"--at {at!r}: give a date, or several separated by commas")
    return dates


def check_figure_path(path: str, allowed: tuple[str, ...] = FIGURE_FORMATS) -> None:
    """Refuse an output file whose extension names no supported format, or a path no file may be written to."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in allowed:
        raise UserError(f"-o {path}: the extension must be one of {', '.join(allowed)}")
    check_output_path(path)  # before the figure is drawn: a FIFO or a missing folder fails at once


@cli.command()
@click.option("--at", "at", required=True, help="A date, or several separated by commas (small multiples).")
@click.option("-o", "--output", required=True, help="Figure file: .png, .svg or .pdf.")
@force_option
@size_option
@log_options
def graph(history: History, at: str, output: str, size: str) -> None:
    """Draw the membership network at a date (or small multiples at several) in a stable layout."""
    from orgsim.reports.figures import network_figure, network_key_figure, shows_ids

    check_figure_path(output)
    dates = dates_of(at)
    write_figure(network_figure(history, dates, size=size), output, size)
    if shows_ids(len(dates), size):  # panels too narrow for names: the names are a figure of their own
        stem, ext = os.path.splitext(output)
        write_figure(network_key_figure(history, dates, size=size), f"{stem}-key{ext}", size)


@cli.command(name="map")
@click.option("--at", "at", required=True, help="A date, or several separated by commas (small multiples).")
@click.option("-o", "--output", required=True, help="Figure file: .png, .svg or .pdf.")
@force_option
@size_option
@log_options
def map_(history: History, at: str, output: str, size: str) -> None:
    """Draw a map of the organization's states by status at a date (or small multiples at several)."""
    from orgsim.reports.geo import map_figure

    check_figure_path(output)
    dates = dates_of(at)
    write_figure(map_figure(history, dates, size=size), output, size)


@cli.command()
@click.option("-o", "--output", required=True, help="Figure file: .png, .svg or .pdf.")
@force_option
@size_option
@log_options
def counts(history: History, output: str, size: str) -> None:
    """Draw membership by status through time (a stacked area)."""
    from orgsim.reports.geo import counts_figure

    check_figure_path(output)
    write_figure(counts_figure(history, size=size), output, size)


@cli.command()
@click.option("-o", "--output", required=True,
              help="Animation file: .gif, .html (a page that plays it, offline) or .mp4 (needs ffmpeg).")
@click.option("--per", type=click.Choice(["change", "year"]), default="change", show_default=True,
              help="One frame per change of the network, or one per year.")
@click.option("--fps", type=click.FloatRange(0.1, 30), default=1.0, show_default=True)
@force_option
@log_options
def animate(history: History, output: str, per: str, fps: float) -> None:
    """Animate the network through time (GIF, HTML or MP4), with a progress bar while it renders."""
    from rich.progress import Progress

    from orgsim.reports.animation import ANIMATION_FORMATS, mp4_available
    from orgsim.reports.animation import animate as render

    check_figure_path(output, ANIMATION_FORMATS)
    if output.lower().endswith(".mp4") and not mp4_available():  # before minutes of rendering, not after
        raise UserError(f"-o {output}: an MP4 needs ffmpeg on the PATH (Debian: apt-get install ffmpeg); "
                        "-o FILE.gif or FILE.html need nothing more")
    with Progress(transient=True) as bar, atomic_output(output) as tmp:
        task = bar.add_task("rendering frames", total=None)
        n = render(history, tmp, per=per, fps=fps, kind=os.path.splitext(output)[1],
                   progress=lambda i, total: bar.update(task, completed=i + 1, total=total))
    say(f"wrote {output} ({counted(n, 'frame')})")
